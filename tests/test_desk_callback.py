"""Callback desk (F6; R-32, R-33, R-02) — pressing real keys."""

from datetime import timedelta

from dispatch_support import NOW, SIZE, DeskApp, add_order, data, record, screen_text, settle, stored_kinds, table_keys  # noqa: F401
from dispatch_support import stored as stored_state

from console.domain.order import Kind, Status
from console.domain.privacy import mask_phone
from console.domain.roles import Role
from console.store import Store
from screens.callback import CallbackScreen


def stored(data, number):
    return stored_state(data, number), stored_kinds(data, number)


def app_for(data):
    return DeskApp(data, CallbackScreen, role=Role.CALLBACK)


async def test_queue_by_due_time_with_number_reply_and_phrases(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        keys = table_keys(screen)
        dues = [screen.page_rows[k]["callback_due"] for k in keys]
        assert dues == sorted(dues)
        first = screen.page_rows[keys[0]]
        assert screen_text(screen, "#cb-caller").startswith(f"回访电话 {mask_phone(first['phone_norm'])}")  # until revealed
        assert screen_text(screen, "#cb-reply") == stored_state(data, keys[0]).reply  # the accepted reply
        script = screen_text(screen, "#cb-script")
        assert script.startswith(f"{first['caller_name'][0]}{first['caller_title']}，您好，关于")
        assert script.endswith("感谢您对我们工作的支持，再见！")  # an outbound call: no "thank you for calling"
        assert "。，" not in script


async def test_satisfied_closes_the_order(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        await pilot.press("y")
        await settle(pilot)
        assert number not in table_keys(app.screen)
        assert screen_text(app.screen, "#desk-status") == f"{number} 回访满意，已办结（z 撤销）"
    state, kinds = stored(data, number)
    assert state.status == Status.CLOSED and state.callback_result == "满意"
    assert kinds[-2:] == ["callback_attempted", "callback_done"]


async def test_each_result_is_undone_with_z_while_the_order_is_on_screen(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        await pilot.press("y")  # a slip: the caller had not answered yet
        await settle(pilot)
        assert number not in table_keys(app.screen)
        await pilot.press("z")
        await settle(pilot)
        assert screen_text(app.screen, "#desk-status") == f"{number} 已撤销上一次回访结果，工单回到待回访"
        assert number in table_keys(app.screen)
        state, kinds = stored(data, number)
        assert state.status == Status.REPLIED and state.callback_result == "" and kinds[-1] == "callback_undone"
        app.screen.table.move_cursor(row=table_keys(app.screen).index(number))
        await pilot.pause()
        await pilot.press("w")
        await settle(pilot)
        assert str(app.screen.table.get_cell(number, "tries")) == "1"
        await pilot.press("z")
        await settle(pilot)
        assert str(app.screen.table.get_cell(number, "tries")) == ""
        await pilot.press("z")  # nothing of this order's results is left to take back
        await settle(pilot)
        assert "没有可撤销的回访结果" in screen_text(app.screen, "#desk-status")
    state, _ = stored(data, number)
    assert state.status == Status.REPLIED and state.callback_failures == 0


async def test_two_failed_presses_seconds_apart_are_one_attempt(data):
    """R-32 means two attempts: a second failed try sooner than the minimum gap is recorded but
    does not close the callback as unreachable."""
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        await pilot.press("w")
        await settle(pilot)
        assert str(app.screen.table.get_cell(number, "tries")) == "1"
        assert "11:00 后再拨仍未接通将记为无法联系" in screen_text(app.screen, "#cb-attempts")
        await pilot.press("b")
        await settle(pilot)
        assert "不足30分钟，不计为第2次尝试" in screen_text(app.screen, "#desk-status")
        assert number in table_keys(app.screen)
        assert str(app.screen.table.get_cell(number, "tries")) == "1"
    state, kinds = stored(data, number)
    assert state.status == Status.REPLIED and not state.unreachable and state.callback_failures == 1
    assert kinds[-2:] == ["callback_attempted", "callback_attempted"]  # both tries are on record


async def test_two_failed_attempts_apart_make_the_caller_unreachable(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
    record(data, number, Kind.CALLBACK_ATTEMPTED, {"outcome": "no_answer"}, Role.CALLBACK,
           at=NOW - timedelta(minutes=40))  # the first try, forty minutes ago
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert str(app.screen.table.get_cell(number, "tries")) == "1"
        await pilot.press("b")
        await settle(pilot)
        assert "第2次未接通，已记为无法联系（R-32）" in screen_text(app.screen, "#desk-status")
        assert number not in table_keys(app.screen)
    state, _ = stored(data, number)
    assert state.status == Status.CLOSED and state.unreachable


async def test_unsatisfied_sends_it_back_for_rework_with_the_callers_words_in_one_command(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        unit = app.screen.page_rows[number]["lead_unit"]
        await pilot.press("u")
        await pilot.pause()
        app.screen.query_one("#modal-input").value = "污水还在直排，根本没人来看过"
        await pilot.press("enter")
        await settle(pilot)
        assert number not in table_keys(app.screen)
    state, kinds = stored(data, number)
    assert state.status == Status.DISPATCHED and state.lead_unit == unit and state.rework_count == 1
    assert state.callback_words == "污水还在直排，根本没人来看过"
    assert kinds[-3:] == ["callback_attempted", "callback_done", "rework"]
    store = Store.open(data)
    seqs = {e["recorded_at"] for e in store.events_of(number)[-3:]}
    store.close()
    assert len(seqs) == 1  # one command


async def test_unsatisfied_without_words_is_refused(data):
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        number = table_keys(app.screen)[0]
        await pilot.press("u")
        await pilot.pause()
        app.screen.query_one("#modal-input").value = ""
        app.screen.query_one("#modal-options").display = False
        app.screen.reasons = []
        await pilot.press("enter")
        assert screen_text(app.screen, "#modal-status") == "未执行：不满意须记录来电人的意见（R-33）"
    state, _ = stored(data, number)
    assert state.status == Status.REPLIED


async def test_confidential_callers_are_not_called(data):
    secret = add_order(data, confidential=True, at=NOW - timedelta(days=4))
    record(data, secret, Kind.DISPATCHED, {"lead_unit": "U001"}, Role.DISPATCHER, at=NOW - timedelta(days=4))
    record(data, secret, Kind.UNIT_REPLIED, {"reply": "已处理"}, Role.UNIT, unit="U001", at=NOW - timedelta(days=4))
    app = app_for(data)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert secret not in table_keys(app.screen)
        assert all(not r["confidential"] for r in app.screen.page_rows.values())
