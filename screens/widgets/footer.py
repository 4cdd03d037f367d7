"""A Footer that rebuilds only when the keys it shows change.

Textual's Footer recomposes on every focus change (the focused widget's bindings change, even when
none of them is shown). On the intake form that is ~20 key widgets rebuilt per Tab; this footer
compares what it would show and skips the rebuild when nothing visible changed.
"""

from __future__ import annotations

from textual.widgets import Footer


class StableFooter(Footer):
    def __init__(self, *args, show_command_palette: bool = False, **kwargs) -> None:
        # The palette hint costs 12 columns the keys need; Ctrl+P still opens it (F1 says so).
        super().__init__(*args, show_command_palette=show_command_palette, **kwargs)

    def _shown(self, screen) -> tuple:
        return tuple(
            (key, active.binding.description, active.enabled)
            for key, active in screen.active_bindings.items()
            if active.binding.show
        )

    def bindings_changed(self, screen) -> None:
        shown = self._shown(screen)
        if getattr(self, "_last_shown", None) == shown and self.children:
            self._bindings_ready = True
            return
        self._last_shown = shown
        super().bindings_changed(screen)
