"""Errors the user can fix, shown as one line (CLI) or one message (screens); no traceback."""


class HotlineError(Exception):
    pass


class StoreError(HotlineError):
    """The store is missing, corrupt or from a newer version."""
