"""Two small order lists beside the form: the caller's earlier orders (R-11) and similar open
orders (并单). Both show store rows as plain text and tell the screen which order is selected."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from screens.safe import clip, content, plain
from screens.widgets.keys_help import bound_key
from screens.widgets.order_rows import deadline_of, result_of, status_label


class OrderPanel(Vertical):
    TITLE = ""
    EMPTY = ""
    COLUMNS: tuple[str, ...] = ()

    class Open(Message):
        """Enter on a row: show that order."""

        def __init__(self, number: str) -> None:
            super().__init__()
            self.number = number

    def hint(self) -> str:
        """The keys for this list, as the operator's keymap has them."""
        return ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_class("-empty")  # empty until a lookup fills it: styled so from the start
        self._signature = ("", ())  # what show([]) would draw: a fresh call costs no redraw

    def compose(self) -> ComposeResult:
        yield Static(content(self.TITLE), classes="panel-title")
        yield Static(content(self.EMPTY), classes="panel-empty")
        yield DataTable(cursor_type="row", zebra_stripes=True, classes="panel-table")

    def on_mount(self) -> None:
        self.table.add_columns(*self.COLUMNS)

    @property
    def table(self) -> DataTable:
        return self.query_one(DataTable)

    @property
    def numbers(self) -> list[str]:
        return [str(key.value) for key in self.table.rows]

    @property
    def selected(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        return str(key.value)

    def show(self, rows: list[dict], note: str = "", units: dict[str, str] | None = None) -> None:
        signature = (note, tuple((r["number"], r.get("status"), r.get("updated_at")) for r in rows))
        if signature == getattr(self, "_signature", None):
            return  # the same list: no re-layout while the agent types
        self._signature = signature
        table = self.table
        table.clear()
        for row in rows:
            table.add_row(*self.cells(row, units or {}), key=row["number"])
        self.set_class(not rows, "-empty")
        self.query_one(".panel-empty", Static).update(content(note or self.EMPTY))
        self.query_one(".panel-title", Static).update(content(f"{self.TITLE}（{len(rows)}）  {self.hint()}" if rows else self.TITLE))
        self.screen.refresh_bindings()  # the form's Alt+Y / Alt+O apply only while a list has rows

    def cells(self, row: dict, units: dict[str, str]) -> tuple:
        raise NotImplementedError

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Open(str(event.row_key.value)))


class CallerHistory(OrderPanel):
    TITLE = "来电历史"
    def hint(self) -> str:
        return (f"{bound_key(self.app, 'caller_history', 'alt+y')} 选中 · Enter 查看 · "
                f"{bound_key(self.app, 'progress_inquiry', 'alt+i')} 记录进度查询")
    EMPTY = "输入完整电话后显示该来电人的历史工单"
    COLUMNS = ("工单编号", "状态", "承办单位", "结果", "时限")

    def cells(self, row: dict, units: dict[str, str]) -> tuple:
        unit = row.get("lead_unit") or ""
        return (plain(row["number"]), plain(status_label(row)), plain(units.get(unit, unit) or "-"),
                plain(clip(result_of(row), 48)), plain(deadline_of(row)))


class SimilarOrders(OrderPanel):
    TITLE = "相似在办工单"
    def hint(self) -> str:
        return f"Tab 选中 · Enter 查看 · {bound_key(self.app, 'link_duplicate', 'alt+d')} 并入此单"
    EMPTY = "输入地址或问题描述后显示相似的在办工单"
    COLUMNS = ("工单编号", "状态", "地址", "诉求")

    def cells(self, row: dict, units: dict[str, str]) -> tuple:
        return (plain(row["number"]), plain(status_label(row)), plain((row.get("address") or "")[:16]),
                plain(clip(row.get("description") or "", 60)))
