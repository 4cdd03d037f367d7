"""A Footer that wraps onto a second row instead of cutting keys off, and rebuilds only when the
keys it shows (or the width it has) change.

Textual's Footer is one row: at 160 columns the form's keys with caller history, similar orders and
the KB panel showing need about 190, and F7, Alt+R, F10 fell off the end. Here the keys flow into
at most MAX_ROWS rows, in the order the screen gives them (the focused widget's, the screen's,
then the app's jumps). When they do not fit, the keys a screen names elsewhere on it
(`footer_optional_actions()`) leave first, then the last ones; F1 lists every key.

Textual's Footer also recomposes on every focus change (the focused widget's bindings change, even
when none of them is shown); this footer compares what it would show and skips the rebuild when
nothing visible changed.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby

from rich.cells import cell_len
from textual.containers import HorizontalGroup
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

MAX_ROWS = 2
# Textual's own widgets bring English key descriptions (a Select's open list: "Dismiss menu")
TEXTUAL_WORDS = {"Dismiss menu": "收起列表", "Dismiss": "关闭"}


class FooterRow(HorizontalGroup):
    DEFAULT_CSS = """
    FooterRow { width: 100%; height: 1; }
    """


class StableFooter(Footer):
    """Also leaves out the keys a screen says do not apply right now (`footer_hidden_actions()`):
    those keys stay enabled, so an Alt+letter pressed anyway never falls through into a text field."""

    DEFAULT_CSS = """
    StableFooter { layout: vertical; height: auto; max-height: 2; }
    """

    def __init__(self, *args, show_command_palette: bool = False, **kwargs) -> None:
        # The palette hint costs 12 columns the keys need; Ctrl+P still opens it (F1 says so).
        super().__init__(*args, show_command_palette=show_command_palette, **kwargs)
        self._width = 0

    @staticmethod
    def _hidden(screen) -> frozenset[str]:
        hook = getattr(screen, "footer_hidden_actions", None)
        return frozenset(hook()) if hook else frozenset()

    def _columns(self) -> int:
        return self.size.width or self.app.size.width

    def _shown(self, screen) -> tuple:
        hidden = self._hidden(screen)
        return (self._columns(),) + tuple(
            (key, active.binding.description, active.enabled)
            for key, active in screen.active_bindings.items()
            if active.binding.show and active.binding.action not in hidden
        )

    def _entries(self) -> list[tuple[int, list]]:
        """(cells, [(binding, enabled, tooltip)]) per footer entry: one key, or one group."""
        hidden = self._hidden(self.screen)
        by_action: defaultdict[str, list] = defaultdict(list)
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in hidden:
                by_action[binding.action].append((binding, enabled, tooltip))
        entries = []
        for group, members in groupby(by_action.values(), lambda m: m[0][0].group):
            members = list(members)
            if group is not None and len(members) > 1:
                keys = [m[0] for m in members]
                cells = 2 + sum(cell_len(self.app.get_key_display(b)) + 1 for b, _e, _t in keys)
                entries.append((cells + cell_len(group.description), keys))
            else:
                for m in members:
                    binding = m[0][0]
                    cells = cell_len(self.app.get_key_display(binding)) + 1 + cell_len(binding.description) + 1
                    entries.append((cells, [m[0]]))
        return entries

    def _rows(self, entries: list[tuple[int, list]], columns: int) -> list[list] | None:
        """The entries flowed into rows of `columns` cells; None when they need more than MAX_ROWS."""
        rows: list[list] = [[]]
        used = 0
        for cells, keys in entries:
            if rows[-1] and used + cells > columns:
                if len(rows) == MAX_ROWS:
                    return None
                rows.append([])
                used = 0
            rows[-1].append(keys)
            used += cells
        return rows

    def _fitted(self, columns: int) -> list[list]:
        """Rows for every entry; if they do not fit, the screen's `footer_optional_actions()` leave
        first (last first), then entries from the end."""
        entries = self._entries()
        hook = getattr(self.screen, "footer_optional_actions", None)
        optional = set(hook()) if hook else set()
        while True:
            rows = self._rows(entries, columns)
            if rows is not None:
                return rows
            drop = next((i for i in range(len(entries) - 1, -1, -1)
                         if entries[i][1][0][0].action in optional), len(entries) - 1)
            del entries[drop]

    def compose(self):
        if not self._bindings_ready:
            return
        self._width = columns = self._columns()
        for row in self._fitted(columns):
            with FooterRow():
                for keys in row:
                    if len(keys) > 1:
                        with KeyGroup(classes="-compact" if keys[0][0].group.compact else ""):
                            for binding, enabled, tooltip in keys:
                                yield self._key(binding, enabled, tooltip or binding.description, "", "-grouped")
                        yield FooterLabel(keys[0][0].group.description)
                    else:
                        binding, enabled, tooltip = keys[0]
                        yield self._key(binding, enabled, tooltip, binding.description)

    def _key(self, binding, enabled: bool, tooltip: str, description: str, classes: str = "") -> FooterKey:
        description = TEXTUAL_WORDS.get(description, description)
        return FooterKey(binding.key, self.app.get_key_display(binding), description, binding.action,
                         disabled=not enabled, tooltip=tooltip, classes=classes).data_bind(compact=Footer.compact)

    def on_resize(self) -> None:
        if self._bindings_ready and self.size.width != self._width:
            self.bindings_changed(self.screen)

    def bindings_changed(self, screen) -> None:
        shown = self._shown(screen)
        if getattr(self, "_last_shown", None) == shown and self.children:
            self._bindings_ready = True
            return
        self._last_shown = shown
        super().bindings_changed(screen)
