"""After dispatch (issue 5): unit returns (R-24), extensions (R-25), supervision (R-31), the intake inbox."""

from datetime import datetime, timedelta

import pytest
from dispatch_support import NOW, SIZE, DeskApp, add_order, data, record, screen_text, settle, stored, table_keys  # noqa: F401 (fixture)

from console.domain.order import Kind, Status
from console.domain.roles import Role
from console.store import Store
from screens.dispatch import DispatchScreen
from screens.dispatch_extensions import ExtensionsScreen
from screens.dispatch_returns import ReturnsScreen
from screens.inbox import InboxScreen
from screens.supervision import SupervisionScreen


async def put_cursor_on(pilot, number):
    keys = table_keys(pilot.app.screen)
    pilot.app.screen.table.move_cursor(row=keys.index(number))
    await pilot.pause()


def returned_twice(data):
    """An order pushed between two units (推诿)."""
    number = add_order(data, at=NOW - timedelta(days=2))
    record(data, number, Kind.DISPATCHED, {"lead_unit": "U001"}, Role.DISPATCHER, at=NOW - timedelta(days=2))
    record(data, number, Kind.UNIT_RETURNED, {"reason": "不属于本局职责"}, Role.UNIT, unit="U001",
           at=NOW - timedelta(days=1, hours=20))
    record(data, number, Kind.REDISPATCHED, {"lead_unit": "U002"}, Role.DISPATCHER, at=NOW - timedelta(days=1, hours=19))
    record(data, number, Kind.UNIT_RETURNED, {"reason": "供水问题应由自来水公司处理"}, Role.UNIT, unit="U002",
           at=NOW - timedelta(hours=3))
    return number


async def test_unit_returns_flag_bounced_orders_count_per_unit_and_redispatch_at_once(data):
    number = returned_twice(data)
    app = DeskApp(data, ReturnsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert table_keys(screen)[0] == number
        assert str(screen.table.get_cell(number, "flag")) == "推诿"
        assert str(screen.table.get_cell(number, "reason")) == "供水问题应由自来水公司处理"
        assert "推诿" in screen_text(screen, "#ret-bounced")
        monthly = screen_text(screen, "#ret-monthly")
        assert "住建局（U001）：1 次" in monthly and "城管局（U002）：1 次" in monthly
        await pilot.press("d")
        await pilot.pause()
        await pilot.press(*"U002", "enter")
        assert not app.screen.query_one("#modal-options").option_count  # the returning unit is not offered
        app.screen.query_one("#picker-input").value = "U047"
        await pilot.pause()
        await pilot.press("enter", "f2")
        await settle(pilot)
        assert number not in table_keys(app.screen)
    state = stored(data, number)
    assert state.status == Status.DISPATCHED and state.lead_unit == "U047" and state.bounced


async def test_view_keys_switch_between_dispatch_views(data):
    app = DeskApp(data, DispatchScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, ReturnsScreen)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ExtensionsScreen)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, InboxScreen)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, DispatchScreen)
        assert len(app.screen_stack) == 2  # switched, never stacked


async def test_first_extension_approved_with_the_new_deadline_shown_first(data):
    app = DeskApp(data, ExtensionsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        assert "批准后办结时限 2026-11-13 23:59" in screen_text(app.screen, "#ext-request")
        await pilot.press("a")
        await pilot.pause()
        preview = screen_text(app.screen, "#modal-preview")
        assert "当前办结时限 2026-11-09 23:59" in preview and "批准后办结时限 2026-11-13 23:59" in preview
        await pilot.press("enter")
        await settle(pilot)
        assert number not in table_keys(app.screen)
    state = stored(data, number)
    assert state.extension_days == [4] and state.extension_pending is None


async def test_extension_rejected_with_a_reason(data):
    app = DeskApp(data, ExtensionsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        await pilot.press("x", "enter")
        await settle(pilot)
    state = stored(data, number)
    assert state.extension_days == [] and state.extension_pending is None


def second_request(data):
    number = add_order(data, at=NOW - timedelta(days=3))
    record(data, number, Kind.DISPATCHED, {"lead_unit": "U001"}, Role.DISPATCHER, at=NOW - timedelta(days=3))
    unit = dict(role=Role.UNIT, unit="U001")
    record(data, number, Kind.EXTENSION_REQUESTED, {"days": 3, "reason": "需现场核查"}, at=NOW - timedelta(days=2), **unit)
    record(data, number, Kind.EXTENSION_DECIDED, {"approve": True}, Role.DISPATCHER, at=NOW - timedelta(days=2))
    record(data, number, Kind.EXTENSION_REQUESTED, {"days": 5, "reason": "等待检测报告"}, at=NOW - timedelta(hours=1),
           **unit)
    return number


async def test_second_extension_needs_the_supervision_notice_and_the_screen_says_so(data):
    number = second_request(data)
    app = DeskApp(data, ExtensionsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, number)
        assert str(app.screen.table.get_cell(number, "n")) == "第2次"
        warning = screen_text(app.screen, "#ext-warning")
        assert "须先有督办室通知和承办单位领导签字的申请表（R-25）" in warning
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert "第2次延期须先有督办室通知" in screen_text(app.screen, "#modal-status")
        await pilot.press("escape")
    assert stored(data, number).extension_days == [3]

    office = DeskApp(data, SupervisionScreen, role=Role.SUPERVISOR)
    async with office.run_test(size=SIZE) as pilot:
        await settle(pilot)
        if number not in table_keys(office.screen):
            pytest.fail("a second extension request is not on the supervision list")
        await put_cursor_on(pilot, number)
        await pilot.press("t", "enter")
        await settle(pilot)
    assert stored(data, number).supervision_notices == 1

    app = DeskApp(data, ExtensionsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, number)
        assert "督办室已通知" in screen_text(app.screen, "#ext-warning")
        await pilot.press("a", "enter")
        await settle(pilot)
    assert stored(data, number).extension_days == [3, 5]


async def test_supervision_list_says_how_late_and_whose(data):
    number = add_order(data, at=NOW - timedelta(days=12))
    record(data, number, Kind.DISPATCHED, {"lead_unit": "U003"}, Role.DISPATCHER, at=NOW - timedelta(days=12))
    app = DeskApp(data, SupervisionScreen, role=Role.SUPERVISOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        t = app.screen.table
        assert str(t.get_cell(number, "whose")) == "生态环境局"
        assert str(t.get_cell(number, "late")).startswith("超 ")
        assert str(t.get_cell(number, "why")) == "逾期"
        await put_cursor_on(pilot, number)
        await pilot.press("m", "enter")  # first reason: overdue
        await settle(pilot)
        assert str(app.screen.table.get_cell(number, "why")) == "逾期"
    state = stored(data, number)
    assert state.supervised and state.supervision_reasons == ["overdue"]


async def test_supervision_lists_a_typical_case_and_takes_it_off(data):
    """每月典型工单 from the supervision desk: x, Enter on the first standard reason lists the order
    (a typical_marked event with why); x again, Enter confirms taking it off."""
    from screens.widgets.order_view import TYPICAL_REASONS

    number = add_order(data, at=NOW - timedelta(days=12))
    record(data, number, Kind.DISPATCHED, {"lead_unit": "U003"}, Role.DISPATCHER, at=NOW - timedelta(days=12))
    app = DeskApp(data, SupervisionScreen, role=Role.SUPERVISOR)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, number)
        await pilot.press("x", "enter")
        await settle(pilot)
        assert screen_text(app.screen, "#desk-status") == f"{number} 已列为本月典型工单：{TYPICAL_REASONS[0]}"
        state = stored(data, number)
        assert state.typical and state.typical_note == TYPICAL_REASONS[0]
        await put_cursor_on(pilot, number)
        await pilot.press("x", "enter")
        await settle(pilot)
        assert screen_text(app.screen, "#desk-status") == f"{number} 已从典型工单中取消"
    assert not stored(data, number).typical


async def test_inbox_refuses_an_unfixed_order_then_amends_and_resubmits_in_one_flow(data):
    number = add_order(data, description="停水了", address="", at=datetime(2026, 11, 27, 9, 0))
    record(data, number, Kind.RETURNED_TO_INTAKE, {"reason": "问题描述不清，请补充具体诉求"}, Role.DISPATCHER)
    app = DeskApp(data, InboxScreen, role=Role.AGENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, number)
        assert "退回原因：问题描述不清" in screen_text(app.screen, "#rv-extra")
        await pilot.press("s")
        await pilot.pause()
        assert screen_text(app.screen, "#desk-status").startswith("未执行：记录仍不规范，缺：问题描述")
        assert stored(data, number).status == Status.RETURNED_TO_INTAKE
        await pilot.press("e")
        await pilot.pause()
        modal = app.screen
        modal.query_one("#amend-description").value = "幸福路88号3栋停水两天，没有通知，家里有老人，请尽快恢复供水。"
        modal.query_one("#amend-address").value = "幸福路88号3栋"
        await pilot.press("f2")
        await settle(pilot)
        assert number not in table_keys(app.screen)
    state = stored(data, number)
    assert state.status == Status.PENDING_DISPATCH and state.address == "幸福路88号3栋"
    store = Store.open(data)
    kinds = [e["kind"] for e in store.events_of(number)]
    store.close()
    assert kinds[-2:] == ["amended", "resubmitted"]


async def test_inbox_answers_a_kb_return_directly(data):
    app = DeskApp(data, InboxScreen, role=Role.AGENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        assert "知识库已有明确答复" in app.screen.page_rows[number]["returned_reason"]
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
    assert stored(data, number).status == Status.ANSWERED


async def test_an_order_returned_with_please_merge_is_merged_from_the_returns_list(data):
    main = add_order(data, at=NOW - timedelta(days=2))
    number = add_order(data, at=NOW - timedelta(days=1))
    record(data, number, Kind.DISPATCHED, {"lead_unit": "U001"}, Role.DISPATCHER, at=NOW - timedelta(days=1))
    record(data, number, Kind.UNIT_RETURNED, {"reason": f"请并单：与 {main} 为同一问题"}, Role.UNIT, unit="U001",
           at=NOW - timedelta(hours=2))
    app = DeskApp(data, ReturnsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await put_cursor_on(pilot, number)
        await pilot.press("m")
        await pilot.pause()
        assert app.screen.query_one("#modal-input").value == main  # the number the unit named
        await pilot.press("enter")
        await settle(pilot)
        assert screen_text(app.screen, "#desk-status") == f"{number} 已并入 {main}"
        assert number not in table_keys(app.screen)
    state = stored(data, number)
    assert state.status == Status.MERGED and state.merged_into == main


async def test_extension_list_shows_the_request_date_and_warns_when_r25_timing_is_not_met(data):
    app = DeskApp(data, ExtensionsScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        state = stored(data, number)
        asked = state.extension_pending["at"][5:16].replace("T", " ")
        assert str(app.screen.table.get_cell(number, "asked")).startswith(asked)
        assert f"申请时间 2026-{asked}" in screen_text(app.screen, "#ext-request")
        # the demo's first request gives 2026-11-13 23:59, before the desk's today (2026-11-27)
        warning = "批准后的办结时限 11-13 23:59 也已过去"
        assert warning in screen_text(app.screen, "#ext-warning")
        await pilot.press("a")
        await pilot.pause()
        assert warning in screen_text(app.screen, "#modal-preview")
