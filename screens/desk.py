"""The frame every desk screen shares: a header of counts, one page of a work list from SQLite,
a detail panel for the order under the cursor, a status line and the footer.

Subclasses say what to fetch (`fetch_page`, runs in a worker), how a row looks (`row_cells`),
and what the detail panel shows (`render_detail`, given the order's state read in a worker).
Actions go through `record()`: one store.record command, run in a worker; it returns a
PendingCommand whose callbacks run on the UI thread with the store's answer. A rejection's
reason is shown on screen and nothing changes. The UI thread never waits on the store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static
from textual.worker import Worker, WorkerState

from console import clock
from console.domain.order import OrderState
from console.store import NewEvent, Recorded
from screens.desk_style import SCREEN_TCSS
from screens.reveal import ask_reveal, may_reveal_here
from screens.safe import content
from screens.widgets.footer import StableFooter
from screens.widgets.queue_table import QueueTable
from screens.widgets.status_header import StatusHeader

PAGE = 100
AUTO_RELOAD_SECONDS = 30  # new orders, other seats' work and passing cutoffs show without a key


@dataclass
class Page:
    rows: list[dict]
    total: int
    offset: int
    extra: dict = field(default_factory=dict)


_PAGES = Binding.Group("翻页")  # "n p 翻页": one footer entry


class PendingCommand:
    """A command the store is recording in a worker: `then(fn)` runs fn(Recorded) on the UI
    thread once it answers (at once if it already has). Dialogs wait on it to close or say why."""

    def __init__(self) -> None:
        self.result: Recorded | None = None
        self._then: list[Callable[[Recorded], object]] = []

    def then(self, fn: Callable[[Recorded], object]) -> PendingCommand:
        if self.result is not None:
            fn(self.result)
        else:
            self._then.append(fn)
        return self

    def resolve(self, result: Recorded) -> None:
        self.result = result
        for fn in self._then:
            fn(result)
        self._then.clear()


class CommandRecorded(Message):
    """The store answered a desk's command (posted from the worker)."""

    def __init__(self, pending: PendingCommand, result: Recorded, events: list[NewEvent], done: str) -> None:
        super().__init__()
        self.pending, self.result, self.events, self.done = pending, result, events, done


class DetailLoaded(Message):
    """The state of the order under the cursor, read in a worker."""

    def __init__(self, row: dict, state: OrderState | None) -> None:
        super().__init__()
        self.row, self.state = row, state


class StateLoaded(Message):
    """An order's state an action asked for, read in a worker; `then` runs with it."""

    def __init__(self, state: OrderState | None, then: Callable[[OrderState], object]) -> None:
        super().__init__()
        self.state, self.then = state, then


class DeskScreen(Screen):
    CSS_PATH = SCREEN_TCSS
    TITLE_TEXT = ""
    HEADER_IDS: tuple[str, ...] = ()
    COLUMNS: tuple[tuple[str, str, int], ...] = ()  # (key, label, width in cells)
    SEARCHABLE = False

    BINDINGS = [
        Binding("n", "next_page", "下页", id="desk.next_page", group=_PAGES),
        Binding("p", "prev_page", "上页", id="desk.prev_page", group=_PAGES),
        Binding("f5", "reload", "刷新", id="desk.reload"),
        Binding("v", "reveal", "查看号码", id="desk.reveal"),
        Binding("escape", "leave", "返回", id="desk.leave"),
    ]

    def __init__(self, now: Callable[[], datetime] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._now = now
        self.page_offset = 0
        self.page_total = 0
        self.page_rows: dict[str, dict] = {}
        self.page_extra: dict = {}
        self.search_text = ""
        self.detail: OrderState | None = None  # the state shown in the detail panel

    # -- what the app gives us --------------------------------------------------------------

    @property
    def store(self):
        return self.app.store

    @property
    def actor(self):
        return self.app.actor

    def now(self) -> datetime:
        source = self._now or getattr(self.app, "wallclock", None) or clock.now
        return source()

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with Horizontal(id="desk-header"):
            yield Label(self.TITLE_TEXT, id="desk-title")
            for name in self.HEADER_IDS:
                yield Label("", id=f"cnt-{name}", classes="desk-count")
        if self.SEARCHABLE:
            yield Input(placeholder="搜索：工单号、诉求、地址、来电人、单位（回车回到列表）", id="desk-search")
        with Horizontal(id="desk-body"):
            yield QueueTable(id="desk-table")
            with VerticalScroll(id="desk-detail"):
                yield from self.compose_detail()
        yield Static("", id="desk-status")
        yield StableFooter(compact=True)

    def compose_detail(self) -> ComposeResult:
        yield Static("", id="desk-detail-text")

    def on_mount(self) -> None:
        table = self.table
        for key, label, width in self.COLUMNS:  # fixed widths: nothing to measure, no re-layout per page
            table.add_column(label, key=key, width=width)
        table.focus()
        self.reload()
        self.set_interval(1.0, self.tick)
        self.set_interval(AUTO_RELOAD_SECONDS, self.reload)

    @property
    def table(self) -> QueueTable:
        return self.query_one("#desk-table", QueueTable)

    # -- loading ----------------------------------------------------------------------------

    def fetch_page(self, offset: int, limit: int) -> Page:  # runs in a worker thread
        raise NotImplementedError

    def row_cells(self, row: dict) -> list | dict:
        """The row's cells in COLUMNS order, or by column key (then COLUMNS decides the order)."""
        raise NotImplementedError

    def _cells_in_order(self, row: dict) -> list:
        cells = self.row_cells(row)
        return [cells[key] for key, _label, _width in self.COLUMNS] if isinstance(cells, dict) else cells

    def show_detail(self, row: dict | None) -> None:
        """The order under the cursor: its state is read in a worker, then render_detail draws it."""
        if row is None or self.store is None:
            self.detail = None
            self.render_detail(None, None)
            return
        if self.detail is not None and self.detail.number == row["number"]:
            self.render_detail(row, self.detail)  # the same order again (a tick, a reload)
        self._detail_worker(row)

    @work(thread=True, exclusive=True, exit_on_error=False, group="desk-detail")
    def _detail_worker(self, row: dict) -> None:
        self.post_message(DetailLoaded(row, self.store.get(row["number"])))

    @on(DetailLoaded)
    def _detail_loaded(self, message: DetailLoaded) -> None:
        current = self.current_row()
        if current is None or current["number"] != message.row["number"]:
            return  # the cursor moved on while it was read
        self.detail = message.state
        self.render_detail(current, message.state)

    def render_detail(self, row: dict | None, state: OrderState | None) -> None:
        self.query_one("#desk-detail-text", Static).update(content(row["number"] if row else ""))

    def with_state(self, number: str, then: Callable[[OrderState], object]) -> None:
        """Run then(state) with the order's state: the one in the detail panel, else read in a worker."""
        if self.detail is not None and self.detail.number == number:
            then(self.detail)
        else:
            self._state_worker(number, then)

    @work(thread=True, exit_on_error=False, group="desk-state")
    def _state_worker(self, number: str, then: Callable[[OrderState], object]) -> None:
        self.post_message(StateLoaded(self.store.get(number), then))

    @on(StateLoaded)
    def _state_loaded(self, message: StateLoaded) -> None:
        if message.state is None:
            self.say("工单已不存在", error=True)
            return
        message.then(message.state)

    def header_values(self) -> dict[str, tuple[str, str]]:
        """{header id: (text, class)} for the header labels."""
        return {}

    def reload(self) -> None:
        if self.store is None:  # the app opens the store in a worker; StoreReady follows
            self.say("正在打开数据库……")
            return
        self._load(self.page_offset)

    def on_store_ready(self, _message) -> None:
        self.reload()

    def _load(self, offset: int) -> None:
        if self.store is not None:
            self._load_worker(offset)

    @work(thread=True, exclusive=True, exit_on_error=False, group="desk-load")
    def _load_worker(self, offset: int) -> Page:
        return self.fetch_page(offset, PAGE)

    @on(Worker.StateChanged)
    def _worker_done(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "desk-load":
            return
        if event.state == WorkerState.SUCCESS:
            self.apply_page(event.worker.result)
        elif event.state == WorkerState.ERROR:
            self.say(f"读取失败：{event.worker.error}", error=True)

    def apply_page(self, page: Page) -> None:
        if page.rows == [] and page.offset and page.total:  # the last page emptied: step back
            self._load(max(0, page.offset - PAGE))
            return
        self.page_offset, self.page_total, self.page_extra = page.offset, page.total, page.extra
        self.page_rows = {r["number"]: r for r in page.rows}
        self.table.show_page([(r["number"], self._cells_in_order(r)) for r in page.rows])
        self.refresh_header()
        self.show_detail(self.current_row())

    def refresh_header(self) -> None:
        for name, (value, cls) in self.header_values().items():
            label = self.query_one(f"#cnt-{name}", Label)
            label.update(content(value))
            label.set_classes(f"desk-count {cls}".strip())

    def tick(self) -> None:
        """Once a second: countdowns move (subclasses update their deadline cells)."""

    # -- cursor and detail ------------------------------------------------------------------

    def current_row(self) -> dict | None:
        key = self.table.current_key()
        return self.page_rows.get(key) if key else None

    @on(DataTable.RowHighlighted, "#desk-table")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.show_detail(self.page_rows.get(event.row_key.value))

    # -- actions ----------------------------------------------------------------------------

    def record(self, events: list[NewEvent], done: str) -> PendingCommand:
        """One command through decide(), in a worker; the reason of a rejection is shown and
        nothing changes. The returned PendingCommand answers on the UI thread."""
        stamp = self.now()
        for event in events:  # the desk's clock (fixed in tests) is the events' wall time
            event.at = event.at or stamp
        pending = PendingCommand()
        self._record_worker(events, done, pending)
        return pending

    @work(thread=True, exit_on_error=False, group="desk-record")
    def _record_worker(self, events: list[NewEvent], done: str, pending: PendingCommand) -> None:
        self.post_message(CommandRecorded(pending, self.store.record(events), events, done))

    @on(CommandRecorded)
    def _recorded(self, message: CommandRecorded) -> None:
        result, events = message.result, message.events
        several = len({event.order for event in events}) > 1
        if not result.ok and several and 0 <= result.index < len(events) and events[result.index].order:
            result.reason = f"{events[result.index].order}：{result.reason}"
        if result.ok:
            self.detail = None  # the order changed: read it again
            self.say(message.done)
            self.reload()
        else:
            self.say(f"未执行：{result.reason}", error=True)
        message.pending.resolve(result)

    def say(self, message: str, error: bool = False) -> None:
        status = self.query_one("#desk-status", Static)
        status.update(content(message))
        status.set_class(error, "-error")
        status.set_class(not error, "-ok")
        if error:
            self.notify(message, severity="error", markup=False)

    def action_next_page(self) -> None:
        if self.page_offset + PAGE < self.page_total:
            self._load(self.page_offset + PAGE)

    def action_prev_page(self) -> None:
        if self.page_offset:
            self._load(max(0, self.page_offset - PAGE))

    def action_reload(self) -> None:
        self.reload()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "leave":  # in the seat app each desk is a mode of its own: nothing to go back to
            return len(self.app.screen_stack) > 1
        if action == "reveal":
            return may_reveal_here(self.app)
        return True

    def action_reveal(self) -> None:
        ask_reveal(self)

    def action_leave(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    def page_label(self) -> str:
        if not self.page_total:
            return "共 0 张"
        return f"共 {self.page_total} 张，第 {self.page_offset + 1}-{min(self.page_offset + PAGE, self.page_total)} 张"

    # -- search -----------------------------------------------------------------------------

    @on(Input.Changed, "#desk-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search_text = event.value
        self._load(0)

    @on(Input.Submitted, "#desk-search")
    def _search_done(self, event: Input.Submitted) -> None:
        self.table.focus()

    def action_search(self) -> None:
        if self.SEARCHABLE:
            self.query_one("#desk-search", Input).focus()
