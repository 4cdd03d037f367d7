"""Snapshots of the dispatch queue, the R-20 review panel with missing items, and the callback desk.

Fixed clock (dispatch_support.NOW), fixed demo seed, no cursor blink."""

from datetime import datetime

from dispatch_support import DeskApp, add_order, demo_dir, wait_workers
from textual.widgets import Input

from console.domain.roles import Role
from screens.callback import CallbackScreen
from screens.dispatch import DispatchScreen

SIZE = (160, 40)


async def _settle(pilot):
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False
    await pilot.pause()
    await wait_workers(pilot.app)
    await pilot.pause()


def test_dispatch_queue_snapshot(snap_compare, tmp_path):
    app = DeskApp(demo_dir(tmp_path), DispatchScreen)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


def test_review_panel_with_missing_items_snapshot(snap_compare, tmp_path):
    data = demo_dir(tmp_path)
    add_order(data, description="停水了", address="", urgent=True,
              at=datetime(2026, 11, 26, 23, 0))
    app = DeskApp(data, DispatchScreen)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)


def test_callback_screen_snapshot(snap_compare, tmp_path):
    app = DeskApp(demo_dir(tmp_path), CallbackScreen, role=Role.CALLBACK)
    assert snap_compare(app, terminal_size=SIZE, run_before=_settle)
