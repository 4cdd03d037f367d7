"""A DataTable that shows one page of a desk's work list (never a whole queue) and colours its
deadline cells through component classes, so the colours live in desks.tcss."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, RowDoesNotExist

from screens.safe import plain

LEVEL_CLASSES = {"late": "queue--late", "soon": "queue--soon", "ok": "queue--ok", "none": "queue--ok"}


class QueueTable(DataTable):
    COMPONENT_CLASSES = {"queue--late", "queue--soon", "queue--ok", "queue--priority", "queue--marked"}

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)

    def styled(self, value: object, component: str) -> Text:
        """Plain (never markup) text in the style desks.tcss gives `component`."""
        return plain(value, style=self.get_component_rich_style(component, partial=True))

    def deadline(self, label: str, level: str) -> Text:
        return self.styled(label, LEVEL_CLASSES.get(level, "queue--ok"))

    def show_page(self, rows: list[tuple[str, list]]) -> None:
        """Replace the rows with one page [(key, cells)], keeping the cursor on the same order."""
        current = self.current_key()
        index = self.cursor_row
        self.clear()
        for key, cells in rows:
            self.add_row(*cells, key=key)
        if not rows:
            return
        keys = [key for key, _ in rows]
        target = keys.index(current) if current in keys else min(index, len(keys) - 1)
        self.move_cursor(row=max(target, 0), animate=False, scroll=True)

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        try:
            return self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        except (CellDoesNotExist, RowDoesNotExist):  # cursor outside the rows while the table is refilled
            return None
