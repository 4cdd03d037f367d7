"""Pilot tests: the three-way call screen (R-14)."""

from __future__ import annotations

import pytest
from screen_helpers import make_app, make_store, ready, settle
from textual.widgets import Input, TextArea

from screens.widgets.picker import Picker


@pytest.fixture
def data_dir(tmp_path):
    make_store(tmp_path).close()
    return tmp_path


async def open_three_way(pilot):
    screen = await ready(pilot)
    screen.query_one("#caller_name", Input).value = "钱"
    screen.query_one("#title-m").value = True
    screen.query_one("#phone", Input).value = "13812345678"
    screen.query_one("#address", Input).value = "建设路12号"
    screen.query_one("#description", TextArea).text = "小区物业服务差，电梯经常坏，物业不修"
    screen.query_one("#nature", Picker).focus()
    await pilot.press(*"ts", "enter")
    screen.query_one("#content", Picker).focus()
    await pilot.press(*"hjws", "enter")
    await pilot.press("alt+t")
    await pilot.pause()
    assert type(pilot.app.screen).__name__ == "ThreeWayScreen"
    return screen, pilot.app.screen


def shown(screen, selector) -> str:
    return str(screen.query_one(selector).render())


async def test_two_failed_tries_turn_into_a_transfer(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        intake, tw = await open_three_way(pilot)
        # the unit is suggested from the description, its phone shown
        assert tw.unit_code == "U001" and "☎" in shown(tw, "#tw-unit-phone")
        tw.query_one("#tw-explained").focus()
        await pilot.press("space", "tab", "enter")  # explained; consent: 同意
        assert tw.consent is True
        await pilot.press("alt+x")
        assert not tw.query_one("#tw-offer").has_class("-shown")
        await pilot.press("alt+z")  # too early: one try only
        assert "须尝试两次" in shown(tw, "#tw-attempts-error")
        await pilot.press("alt+w")
        assert tw.query_one("#tw-offer").has_class("-shown")
        assert "2次未接通" in shown(tw, "#tw-offer")
        await pilot.press("alt+z")
        await settle(pilot)
        assert app.screen is intake
        number = intake.saved_number
        state = app.store.get(number)
        assert state.status.value == "pending_dispatch" and state.disposition == "transfer"
        assert state.caller_name == "钱" and state.three_way_unit == "U001"
        log = app.store.events_of(number)[1]
        assert log["kind"] == "three_way_call_logged"
        assert [a["outcome"] for a in log["payload"]["attempts"]] == ["busy", "no_answer"]
        assert all(a["at"].startswith("2026-11-26T10:00") and a["number"] for a in log["payload"]["attempts"])
        assert "已转为转办" in shown(intake, "#order-banner-label")


async def test_connected_call_is_saved_as_resolved_with_notes(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        intake, tw = await open_three_way(pilot)
        await pilot.press("f5")
        assert "说明" in shown(tw, "#tw-consent-error")  # explain first
        tw.query_one("#tw-explained").focus()
        await pilot.press("space", "tab", "enter", "alt+j")
        tw.query_one("#tw-notes", TextArea).text = "物业经理答应明天修电梯"
        await pilot.press("f5")
        await settle(pilot)
        state = app.store.get(intake.saved_number)
        assert state.status.value == "answered"
        payload = app.store.events_of(intake.saved_number)[1]["payload"]
        assert payload["consent"] is True and payload["outcome"] == "resolved"
        assert payload["notes"].endswith("物业经理答应明天修电梯") and "已向来电人说明" in payload["notes"]


async def test_refusal_offers_a_transfer(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        intake, tw = await open_three_way(pilot)
        tw.query_one("#tw-unit", Picker).focus()
        tw.query_one("#tw-unit", Picker).input.value = ""
        await pilot.press(*"zjj", "enter")
        assert tw.unit_code == "U001"
        tw.query_one("#tw-consent").focus()
        await pilot.press("right", "enter")  # 不同意
        assert tw.consent is False
        assert "不同意" in shown(tw, "#tw-offer")
        await pilot.press("alt+z")
        await settle(pilot)
        state = app.store.get(intake.saved_number)
        assert state.status.value == "pending_dispatch"
        assert app.store.events_of(intake.saved_number)[1]["payload"]["consent"] is False


async def test_escape_goes_back_with_the_form_intact(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        intake, _tw = await open_three_way(pilot)
        await pilot.press("escape")
        assert app.screen is intake
        assert intake.query_one("#caller_name", Input).value == "钱"
        assert app.store.count_orders() == 0


async def test_tries_and_notes_survive_leaving_the_screen(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        intake, tw = await open_three_way(pilot)
        tw.query_one("#tw-explained").focus()
        await pilot.press("space", "tab", "enter", "alt+x")
        tw.query_one("#tw-notes", TextArea).text = "第一次占线"
        await pilot.pause()
        await pilot.press("escape")
        await pilot.press("alt+t")
        await pilot.pause()
        tw = app.screen
        assert [a["outcome"] for a in tw.attempts] == ["busy"]
        assert tw.consent is True and tw.query_one("#tw-notes", TextArea).text == "第一次占线"
        await pilot.press("alt+w", "alt+z")
        await settle(pilot)
        assert app.store.get(intake.saved_number).status.value == "pending_dispatch"
        assert not (data_dir / "drafts" / "three_way.json").exists()
