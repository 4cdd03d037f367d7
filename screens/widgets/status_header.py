"""The status line at the top of every seat screen: hotline, operator, seat, sync state, clock.

The sync state comes from `console.sync.status.read_status(store)`: online or offline since when,
the pending count, rejections. The app refreshes the figures in a worker (`HotlineApp.sync_text`);
this widget only draws them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from screens.widgets.slots import show as show_text


class StatusHeader(Horizontal):
    def __init__(self, wallclock: Callable[[], datetime] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.wallclock = wallclock

    def compose(self) -> ComposeResult:
        yield Static("", id="hdr-title")
        yield Static("", id="hdr-operator")
        yield Static("", id="hdr-sync")
        yield Static("", id="hdr-clock")

    def on_mount(self) -> None:
        self.set_interval(1, self.refresh_header)
        self.refresh_header()

    def refresh_header(self) -> None:
        app = self.app
        hotline = getattr(app, "hotline_name", "市民热线")
        show_text(self.query_one("#hdr-title", Static), f"12345 {hotline}")
        show_text(self.query_one("#hdr-operator", Static), getattr(app, "operator_text", "未登录"))
        sync = self.query_one("#hdr-sync", Static)
        show_text(sync, getattr(app, "sync_text", "未连接中心"))
        sync.set_class(not getattr(app, "sync_online", False), "-offline")
        clock = self.wallclock or getattr(app, "wallclock", None) or datetime.now
        show_text(self.query_one("#hdr-clock", Static), clock().strftime("%Y-%m-%d %H:%M:%S"))
