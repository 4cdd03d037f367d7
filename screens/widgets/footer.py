"""A Footer that rebuilds only when the keys it shows change.

Textual's Footer recomposes on every focus change (the focused widget's bindings change, even when
none of them is shown). On the intake form that is ~20 key widgets rebuilt per Tab; this footer
compares what it would show and skips the rebuild when nothing visible changed.
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class StableFooter(Footer):
    """Also leaves out the keys a screen says do not apply right now (`footer_hidden_actions()`):
    those keys stay enabled, so an Alt+letter pressed anyway never falls through into a text field."""

    def __init__(self, *args, show_command_palette: bool = False, **kwargs) -> None:
        # The palette hint costs 12 columns the keys need; Ctrl+P still opens it (F1 says so).
        super().__init__(*args, show_command_palette=show_command_palette, **kwargs)

    @staticmethod
    def _hidden(screen) -> frozenset[str]:
        hook = getattr(screen, "footer_hidden_actions", None)
        return frozenset(hook()) if hook else frozenset()

    def _shown(self, screen) -> tuple:
        hidden = self._hidden(screen)
        return tuple(
            (key, active.binding.description, active.enabled)
            for key, active in screen.active_bindings.items()
            if active.binding.show and active.binding.action not in hidden
        )

    def compose(self):
        hidden = self._hidden(self.screen)
        shown = 0
        for widget in super().compose():
            if isinstance(widget, FooterKey) and widget.action in hidden:
                continue
            shown += 1
            yield widget
        if hidden:
            self.styles.grid_size_columns = shown

    def bindings_changed(self, screen) -> None:
        shown = self._shown(screen)
        if getattr(self, "_last_shown", None) == shown and self.children:
            self._bindings_ready = True
            return
        self._last_shown = shown
        super().bindings_changed(screen)
