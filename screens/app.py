"""The console app. Until the seat screens land, it shows the store's orders."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Static

PAGE = 200  # never load a whole store into one widget (TEXTUAL-NOTES: DataTable limits)


class HotlineApp(App):
    TITLE = "12345 市民热线"
    CSS_PATH = "hotline.tcss"
    BINDINGS = [
        Binding("f5", "refresh", "刷新", id="refresh"),
        Binding("f10", "quit", "退出", id="quit"),
    ]

    def __init__(self, data_dir: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.data_dir = data_dir
        self.store = None

    def compose(self) -> ComposeResult:
        yield Header(show_clock=True)
        yield Static("", id="summary")
        yield DataTable(id="orders", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#orders", DataTable)
        table.add_columns("工单编号", "状态", "受理时间", "性质", "分类", "主办单位", "时限", "诉求")
        self.action_refresh()

    def action_refresh(self) -> None:
        from console.domain.order import STATUS_LABELS, Status
        from console.store import Store

        if self.store is None:
            self.store = Store.open(self.data_dir)
        self.sub_title = f"坐席 {self.store.seat}"
        table = self.query_one("#orders", DataTable)
        table.clear()
        for row in self.store.list_orders(limit=PAGE):
            due = row["unit_due"] or row["dispatch_due"] or ""
            mark = "（预估）" if row["unit_due_provisional"] else ""
            table.add_row(
                Text(row["number"]),
                Text(STATUS_LABELS[Status(row["status"])]),
                Text(row["created_at"][5:16]),
                Text(row["nature"]),
                Text(row["content_class"]),
                Text(row["lead_unit"] or "-"),
                Text(due[5:16] + mark),
                Text(row["description"][:40]),  # caller text: always Text, never markup
                key=row["number"],
            )
        total = self.store.count_orders()
        self.query_one("#summary", Static).update(Text(f"共 {total} 张工单，显示最新 {min(total, PAGE)} 张"))

    def on_unmount(self) -> None:
        if self.store is not None:
            self.store.close()
