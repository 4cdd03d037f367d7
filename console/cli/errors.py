"""The one error type a sub-command raises for bad input; main() prints it on one line."""


class CliError(Exception):
    """A user-facing failure: printed as `hotline: <message>` with exit code `code`."""

    def __init__(self, message: str, code: int = 2) -> None:
        super().__init__(message)
        self.code = code
