"""The wallboard (from the statistics desk, key b): large numbers for a screen on the wall — orders
due before the next cutoff, orders overdue for dispatch now, today's M-06 and M-11, callbacks
waiting — refreshed every 30 seconds by itself. Esc returns."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Digits, Label

from console import clock
from screens.desk_style import DESKS_TCSS
from screens.safe import content

REFRESH_SECONDS = 30
TILES = (("due", "下一截止前待转办"), ("overdue", "已超时待转办"), ("m06", "今日转办及时率"),
         ("m11", "今日回访及时率"), ("callbacks", "待回访"))


class BoardLoaded(Message):
    def __init__(self, values: dict[str, str], late: set[str], stamp: str) -> None:
        super().__init__()
        self.values, self.late, self.stamp = values, late, stamp


class WallboardScreen(Screen):
    CSS_PATH = DESKS_TCSS
    BINDINGS = [Binding("escape", "app.pop_screen", "返回", id="wallboard.leave")]

    def compose(self) -> ComposeResult:
        with Grid(id="wallboard"):
            for key, title in TILES:
                with Vertical(classes="wall-tile", id=f"tile-{key}"):
                    yield Label(title, classes="wall-title")
                    yield Digits("-", id=f"wall-{key}")
        yield Label("", id="wall-stamp")

    def on_mount(self) -> None:
        self.refresh_board()
        self.set_interval(REFRESH_SECONDS, self.refresh_board)

    def refresh_board(self) -> None:
        if self.app.store is not None:
            self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="wallboard")
    def _load(self) -> None:
        from console import queues
        from console.stats import report

        store = self.app.store
        now: datetime = getattr(self.app, "wallclock", clock.now)()
        counts = queues.queue_counts(store, now)
        due_next = counts.due_noon if counts.next_cutoff.time() == time(12) else counts.due_evening
        start = datetime.combine(now.date(), time())
        figures = report(store, start, start + timedelta(days=1), now).figures
        values, late = {"due": str(due_next), "overdue": str(counts.overdue),
                        "callbacks": str(queues.callback_count(store))}, set()
        for key, code in (("m06", "M-06"), ("m11", "M-11")):
            f = figures[code]
            values[key] = "-" if f.ratio is None else f"{f.ratio * 100:.0f}%"
            if f.met is False:
                late.add(key)
        if counts.overdue:
            late.add("overdue")
        self.post_message(BoardLoaded(values, late, f"{now:%H:%M:%S} 更新（每 {REFRESH_SECONDS} 秒，按本坐席所存计）；Esc 返回"))

    @on(BoardLoaded)
    def _loaded(self, message: BoardLoaded) -> None:
        for key, _title in TILES:
            self.query_one(f"#wall-{key}", Digits).update(message.values[key])
            self.query_one(f"#tile-{key}").set_class(key in message.late, "-late")
        self.query_one("#wall-stamp", Label).update(content(message.stamp))
