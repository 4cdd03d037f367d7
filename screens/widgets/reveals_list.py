"""The supervisor's list of reveals (console/audit.py): who saw which masked caller field of which
order, when and why; newest first, read in a worker."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import DataTable, Static

from console.domain.privacy import FIELD_LABELS
from screens.safe import content, plain
from screens.widgets.footer import StableFooter

SHOWN = 200


class _Loaded(Message):
    def __init__(self, rows: list[dict]) -> None:
        super().__init__()
        self.rows = rows


class RevealsList(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "关闭", id="reveals.close")]

    def __init__(self, store) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        with Vertical(id="reveals-box"):
            yield Static(content(f"查看号码记录（最近 {SHOWN} 条；全部：hotline audit reveals）"), id="reveals-title")
            yield DataTable(id="reveals-table", cursor_type="row")
            yield StableFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#reveals-table", DataTable)
        for label in ("时间", "工单编号", "操作员", "岗位", "坐席", "字段", "原因"):
            table.add_column(label)
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="reveals")
    def _load(self) -> None:
        from console.audit import reveals

        self.post_message(_Loaded(reveals(self.store, limit=SHOWN)))

    @on(_Loaded)
    def _show(self, message: _Loaded) -> None:
        table = self.query_one("#reveals-table", DataTable)
        table.clear()
        for r in message.rows:
            field = FIELD_LABELS.get(r["field"], r["field"])  # CallerField is a StrEnum: its values are keys
            table.add_row(plain(r["at"][:16].replace("T", " ")), plain(r["order"]), plain(r["operator"]),
                          plain(r["role"]), plain(r["seat"]), plain(field), plain(r["reason"]))
        if not message.rows:
            self.query_one("#reveals-title", Static).update(content("查看号码记录：暂无"))

    def action_close(self) -> None:
        self.dismiss(None)
