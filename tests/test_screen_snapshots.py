"""Snapshot tests of the intake form, the phrasing panel on hold and the three-way screen.
Fixed clocks, no cursor blink; a real store in a temp dir."""

from __future__ import annotations

from screen_helpers import FakeClock, make_app, make_store, no_blink, ready, settle, similar_answered, until
from textual.widgets import Input, TextArea

from screens.widgets.phrasing_panel import PhrasingPanel
from screens.widgets.picker import Choice

SIZE = (160, 50)


def _app(tmp_path, clock=None):
    make_store(tmp_path).close()
    return make_app(tmp_path, clock=clock)


async def _fill(pilot) -> None:
    screen = await ready(pilot)
    screen.query_one("#caller_name", Input).value = "王"
    screen.query_one("#title-f").value = True
    screen.query_one("#phone", Input).value = "0571-88001234转123"
    screen.query_one("#address", Input).value = "建设路12号"
    screen.query_one("#description", TextArea).text = "小区物业服务差，电梯经常坏，物业不修"
    screen.query_one("#nature").choose(Choice("投诉", "投诉"))
    screen.query_one("#content").choose(Choice(["城建环保", "环境卫生"], "城建环保 / 环境卫生"))
    await until(pilot, lambda: similar_answered(screen))
    await settle(pilot)
    no_blink(pilot.app)
    screen.query_one("#caller_name", Input).focus()
    await pilot.pause()


def test_intake_form_snapshot(tmp_path, snap_compare):
    async def run_before(pilot):
        await _fill(pilot)
        pilot.app.screen.query_one("#address", Input).value = ""
        await pilot.press("f5")  # the address is missing: the message under the field
        no_blink(pilot.app)
        await pilot.pause()

    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=run_before)


def test_phrasing_panel_hold_due_snapshot(tmp_path, snap_compare):
    clock = FakeClock()

    async def run_before(pilot):
        await _fill(pilot)
        await pilot.press("f9")
        clock.advance(31)
        pilot.app.screen.query_one(PhrasingPanel).refresh_panel()
        await pilot.pause()

    assert snap_compare(_app(tmp_path, clock), terminal_size=SIZE, run_before=run_before)


def test_three_way_screen_snapshot(tmp_path, snap_compare):
    async def run_before(pilot):
        await _fill(pilot)
        await pilot.press("alt+t")
        await pilot.pause()
        screen = pilot.app.screen
        screen.query_one("#tw-explained").value = True
        screen.query_one("#consent-yes").value = True
        await pilot.press("alt+x", "alt+w")
        screen.query_one("#tw-notes", TextArea).text = "物业电话两次无人接听"
        no_blink(pilot.app)
        screen.query_one("#tw-unit").focus()
        await pilot.pause()

    assert snap_compare(_app(tmp_path), terminal_size=SIZE, run_before=run_before)
