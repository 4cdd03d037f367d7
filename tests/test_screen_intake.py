"""Pilot tests of the intake seat: sign-in, the form, validation, drafts, phrasing and timers."""

from __future__ import annotations

import json

import pytest
from screen_helpers import TEST_PASSWORD, FakeClock, give_accounts, make_app, make_store, ready, settle, until
from textual.widgets import Input, RadioSet, Static, TextArea

from screens.widgets.phrasing_panel import PhrasingPanel
from screens.widgets.picker import Picker


@pytest.fixture
def data_dir(tmp_path):
    store = make_store(tmp_path)
    give_accounts(store, {"A01": "agent", "D01": "agent,dispatcher", "D02": "agent,dispatcher"})
    store.close()
    return tmp_path


def text_of(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def fill_caller(pilot, name="张", title_key="enter", phone="13812345678"):
    screen = pilot.app.screen
    screen.query_one("#caller_name", Input).focus()
    await pilot.press(*name)
    await pilot.press("tab")  # to 先生/女士
    await pilot.press(title_key)  # enter picks the highlighted 先生; right+enter picks 女士
    await pilot.press("tab")
    await pilot.press(*phone)


async def fill_matter(pilot, nature="ts", content="hjws"):
    screen = pilot.app.screen
    screen.query_one("#address", Input).value = "幸福路88号幸福家园"
    screen.query_one("#description", TextArea).text = "幸福家园3栋旁边的河道发黑发臭，已经一个多月了"
    screen.query_one("#nature", Picker).focus()
    await pilot.press(*nature, "enter")
    screen.query_one("#content", Picker).focus()
    await pilot.press(*content, "enter")


async def test_sign_in_takes_an_agent_to_the_form(data_dir):
    app = make_app(data_dir, signed_in=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert type(app.screen).__name__ == "SignInScreen"
        await pilot.press(*"A01", "tab", *TEST_PASSWORD, "tab", "tab", *"07", "enter")
        assert await until(pilot, lambda: type(app.screen).__name__ == "IntakeScreen"
                           and "A01（受理坐席）" in text_of(app.screen, "#hdr-operator"))
        assert app.actor.operator == "A01" and app.actor.seat == "S01"
        assert "A01（受理坐席）" in text_of(app.screen, "#hdr-operator")
        assert "坐席 S01" in text_of(app.screen, "#hdr-operator")
        # a trainee greets with the trainee number
        assert "我是07号实习受理员" in app.screen.query_one(PhrasingPanel).line()


async def test_sign_in_requires_an_operator_id(data_dir):
    app = make_app(data_dir, signed_in=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("enter")
        assert "请输入工号" in text_of(app.screen, "#signin-error")
        assert app.actor is None and app.focused.id == "operator"


async def test_a_dispatcher_goes_to_the_dispatch_desk(data_dir):
    app = make_app(data_dir, signed_in=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press(*"D01", "tab", *TEST_PASSWORD, "tab", "down", "enter", "f5")
        await settle(pilot)
        assert app.actor.role.value == "dispatcher"
        assert app.current_mode == "dispatch"


async def test_down_from_the_id_field_goes_on_to_the_next_role(data_dir):
    app = make_app(data_dir, signed_in=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press(*"D02", "enter", *TEST_PASSWORD, "down", "enter", "f5")  # as fast as a script types them
        await settle(pilot)
        assert app.actor.operator == "D02" and app.actor.role.value == "dispatcher"
        assert app.current_mode == "dispatch"


async def test_save_a_transfer_order_shows_its_number(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await fill_caller(pilot)
        assert "✓ 手机 13812345678" in text_of(screen, "#phone-error")
        await fill_matter(pilot)
        assert screen.query_one("#nature", Picker).value == "投诉"
        assert screen.query_one("#content", Picker).value == ["城建环保", "环境卫生"]
        await pilot.press("f5")
        await settle(pilot)
        number = screen.saved_number
        assert number and "-S01-" in number
        assert screen.query_one("#order-banner").has_class("-shown")
        assert str(screen.query_one("#order-number").value) == number
        state = app.store.get(number)
        assert state.caller_name == "张" and state.caller_title == "先生"
        assert state.phone == "13812345678" and state.nature == "投诉"
        assert state.content_path == ["城建环保", "环境卫生"]
        assert state.status.value == "pending_dispatch" and state.intake_operator == "A01"
        # the panel moves to the closing line; F8 starts the next call with an empty form
        assert screen.query_one(PhrasingPanel).key == "closing"
        await pilot.press("f8")
        assert screen.query_one("#caller_name", Input).value == ""
        assert screen.query_one("#phone", Input).value == ""
        assert screen.query_one("#description", TextArea).text == ""
        assert screen.query_one("#nature", Picker).value is None
        assert not screen.query_one("#order-banner").has_class("-shown")
        assert app.focused.id == "caller_name"


async def test_validation_says_why_and_keeps_the_focus(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press("f5")
        assert "请填写来电人姓名" in text_of(screen, "#caller_name-error")
        assert app.focused.id == "caller_name"
        await fill_caller(pilot)
        await pilot.press("f5")
        assert "请填写单位或地址" in text_of(screen, "#address-error")
        assert app.focused.id == "address"
        assert app.store.count_orders() == 0
        # not accepted: the reason is required
        screen.query_one("#disp-not_accepted").value = True
        screen.query_one("#description", TextArea).text = "咨询外省社保政策"
        await pilot.pause()
        await pilot.press("f5")
        assert "不予受理须填写原因" in text_of(screen, "#reason-error")
        assert app.focused.id == "reason"
        await pilot.press(*"超出本市职权")
        await pilot.press("f5")
        await settle(pilot)
        state = app.store.get(screen.saved_number)
        assert state.status.value == "not_accepted" and state.not_accepted_reason == "超出本市职权"


async def test_direct_answer_needs_the_answer(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        screen.query_one("#description", TextArea).text = "咨询公积金提取需要什么材料"
        screen.query_one("#disp-direct_answer").value = True
        screen.query_one("#nature", Picker).focus()
        await pilot.press("z", "x", "enter")
        screen.query_one("#content", Picker).focus()
        await pilot.press(*"hjws", "enter")
        await pilot.press("f5")
        assert "直接答复须记录答复内容" in text_of(screen, "#answer-error")
        assert app.focused.id == "answer"
        await pilot.press(*"带身份证")
        await pilot.press("f5")
        await settle(pilot)
        assert app.store.get(screen.saved_number).status.value == "answered"


async def test_phone_is_checked_as_typed(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        screen.query_one("#phone", Input).focus()
        await pilot.press(*"0571-8800")
        assert text_of(screen, "#phone-error") == ""  # not complete yet: no nagging
        await pilot.press(*"1234", "转", "1", "2", "3")
        assert "✓ 固话 0571-88001234-123" in text_of(screen, "#phone-error")
        screen.query_one("#phone", Input).value = ""
        await pilot.press(*"1381234567890")
        await pilot.pause()
        assert "手机号码应为11位" in text_of(screen, "#phone-error")


async def test_reply_wanted_needs_a_method(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await fill_caller(pilot)
        await fill_matter(pilot)
        screen.query_one("#reply_wanted").focus()
        await pilot.press("space")
        await pilot.press("f5")
        assert "请选择回复方式" in text_of(screen, "#reply_method-error")
        assert app.focused.has_class("picker-input")
        await pilot.press("d", "x", "enter", "f5")
        await settle(pilot)
        state = app.store.get(screen.saved_number)
        assert state.reply_wanted and state.reply_method == "短信"


async def test_draft_survives_a_crash_and_a_screen_switch(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await fill_caller(pilot, name="王")
        screen.query_one("#description", TextArea).text = "小区门口的路灯坏了一周"
        await pilot.press("f4")  # another desk, then back: nothing lost
        await pilot.press("f2")
        assert app.screen is screen and screen.query_one("#caller_name", Input).value == "王"
        draft = data_dir / "drafts" / "intake-A01.json"
        await until(pilot, lambda: "路灯坏了一周" in _text(draft))  # the debounced write, with its content
        assert "路灯坏了一周" in _text(draft)
    # "crash": a new process on the same data dir gets the draft back
    app2 = make_app(data_dir)
    async with app2.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        assert screen.query_one("#caller_name", Input).value == "王"
        assert screen.query_one("#phone", Input).value == "13812345678"
        assert screen.query_one("#description", TextArea).text == "小区门口的路灯坏了一周"
        assert screen.fields()["caller_title"] == "先生"


def _text(path) -> str:
    return path.read_text(encoding="utf-8") if path.exists() else ""


async def test_what_was_typed_just_before_quitting_is_in_the_draft(data_dir):
    """Keys typed inside the draft debounce, then the console quits: the draft on disk has them."""
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await fill_caller(pilot, name="赵")
        await pilot.click("#description")
        await pilot.press(*"井盖丢了")
        app.exit()  # at once, well inside DRAFT_DELAY
    draft = json.loads((data_dir / "drafts" / "intake-A01.json").read_text(encoding="utf-8"))
    assert draft["caller_name"] == "赵" and draft["description"].endswith("井盖丢了")


async def test_draft_is_cleared_once_saved(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await fill_caller(pilot)
        await fill_matter(pilot)
        draft = data_dir / "drafts" / "intake-A01.json"
        await until(pilot, draft.exists)
        assert draft.exists()
        await pilot.press("f5")
        await settle(pilot)
        await until(pilot, lambda: not draft.exists())
        assert screen.saved_number and not draft.exists()


async def test_phrasing_follows_the_call(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        panel = screen.query_one(PhrasingPanel)
        assert panel.key == "greeting" and panel.line() == "您好，市民热线，请问有什么可以帮您？"
        await pilot.press("tab")  # to the title; then 女士: typing anything moves past the greeting
        await pilot.press("right", "enter")
        assert panel.key == "ask_surname" and panel.line() == "女士，请问您贵姓？"
        screen.query_one("#caller_title", RadioSet).focus()
        screen.query_one("#caller_name", Input).focus()
        await pilot.press("王")
        assert screen.fields()["caller_title"] == "女士"
        assert panel.line().startswith("王女士，您好，关于")
        # the phrase picker by pinyin initials
        await pilot.press("alt+p", *"wsdh", "enter")
        assert panel.key == "silent_caller" and "听不到您的声音" in panel.line()


async def test_hold_timer_demands_the_hold_phrase_every_30_seconds(data_dir):
    clock = FakeClock()
    app = make_app(data_dir, clock=clock)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        panel = screen.query_one(PhrasingPanel)
        screen.query_one("#caller_name", Input).value = "王"
        screen.query_one("#title-f").value = True
        await pilot.pause()
        await pilot.press("f9")
        assert panel.on_hold and panel.key == "ask_wait"
        assert "王女士，对于您咨询的这个问题" in panel.line()
        clock.advance(29)
        panel.refresh_panel()
        assert not panel.hold_due
        clock.advance(1)
        panel.refresh_panel()
        assert panel.hold_due and panel.has_class("-due")
        assert panel.line() == "请稍等，王女士，正在为您查询。"
        assert "保持 00:30" in text_of(screen, "#hold-timer")
        await pilot.press("alt+h")
        assert not panel.hold_due
        clock.advance(30)
        panel.refresh_panel()
        assert panel.hold_due  # again 30 s after the last reminder
        await pilot.press("f9")
        assert not panel.on_hold and panel.line() == "王女士，感谢您的耐心等待。"
        assert "通话 01:00" in text_of(screen, "#call-timer")


async def test_help_and_command_palette_list_the_keys(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        titles = [c.title for c in app.get_system_commands(screen)]
        assert "保存（F5）" in titles and "新来电（F8）" in titles and "受理（F2）" in titles
        await pilot.press("f1")
        rows = [str(w.render()) for w in app.screen.query(".keys-help-row")]
        assert any("save_order" in r and "F5" in r for r in rows)
        assert any("quit" in r and "F10" in r for r in rows)
        await pilot.press("escape")
        assert app.screen is screen


async def test_keys_are_remapped_from_the_config_file(data_dir):
    (data_dir / "config.toml").write_text('[keys]\nsave_order = "f12"\nnew_call = "alt+n"\npick_phrase = "alt+g"\n',
                                          encoding="utf-8")
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await ready(pilot)
        # the hints on screen name the operator's keys, not the defaults
        assert "Alt+G" in screen.query_one("#phrase-picker", Picker).placeholder
        await fill_caller(pilot)
        await fill_matter(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert screen.saved_number is None
        await pilot.press("f12")
        await settle(pilot)
        assert screen.saved_number
        await pilot.press("f12")  # saved already: the reminder names the remapped new-call key
        await settle(pilot)
        assert any("新来电请按 Alt+N" in n.message for n in app._notifications)
        await pilot.press("alt+n")
        assert screen.saved_number is None


async def test_kb_answer_fills_a_direct_answer(data_dir):
    from screens.widgets.kb_panel import KBPanel

    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        screen.query_one("#description", TextArea).text = "咨询公积金提取需要什么材料"
        await pilot.press("alt+k")
        await settle(pilot)
        panel = screen.query_one(KBPanel)
        assert app.focused.id == "kb-query"
        # the KB engineer's panel announces the chosen article; the form takes it as a direct answer
        panel.post_message(KBPanel.AnswerChosen("KB-0001", "公积金提取", "带身份证和银行卡到窗口办理", "公积金中心", False))
        await pilot.pause()
        f = screen.fields()
        assert f["disposition"] == "direct_answer" and f["kb_article"] == "KB-0001"
        assert f["answer"] == "带身份证和银行卡到窗口办理"
        screen.query_one("#nature", Picker).focus()
        await pilot.press("z", "x", "enter")
        screen.query_one("#content", Picker).focus()
        await pilot.press(*"hjws", "enter", "f5")
        await settle(pilot)
        state = app.store.get(screen.saved_number)
        assert state.status.value == "answered" and state.kb_article == "KB-0001"


async def test_new_call_resets_the_choice_highlight(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await fill_caller(pilot, name="王", title_key="right")
        await pilot.press("shift+tab", "enter")
        assert screen.fields()["caller_title"] == "女士"
        await pilot.press("f8", "enter")  # a half-typed call: F8 asks, Enter answers yes
        await pilot.press(*"刘", "tab", "enter")  # Enter on the first choice: 先生
        assert screen.fields()["caller_title"] == "先生"


async def test_no_swallowed_control_keys_are_bound(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        # our actions (app and screen bindings); Textual's own editing keys inside an Input stay as they are
        keys = {k for k, b in screen.active_bindings.items() if b.node in (app, screen)}
        for forbidden in ("ctrl+s", "ctrl+q", "ctrl+z", "ctrl+c", "ctrl+b", "ctrl+h", "ctrl+i", "ctrl+j", "ctrl+m"):
            assert all(forbidden not in k.split(",") for k in keys), forbidden
        await pilot.press("ctrl+q")
        assert app.is_running


async def test_holiday_greeting(data_dir):
    from datetime import datetime

    from screens.app import HotlineApp

    app = HotlineApp(data_dir, wallclock=lambda: datetime(2026, 10, 1, 9, 0), operator="A01")
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        assert screen.query_one(PhrasingPanel).line() == "节日好，市民热线，请问有什么可以帮您？"


async def test_the_staff_complaint_box_flags_the_order_for_M04(data_dir):
    """M-04 投诉率: 投诉话务员, reached by Tab after 来电人信息保密 and ticked with the space bar, is
    recorded in the order (its created payload and state); an order saved without it is not flagged."""
    from textual.widgets import Checkbox

    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await fill_caller(pilot)
        await fill_matter(pilot)
        screen.query_one("#confidential", Checkbox).focus()
        await pilot.press("tab")
        assert app.focused.id == "staff_complaint" and "投诉话务员" in str(app.focused.label)
        await pilot.press("space")
        assert screen.query_one("#staff_complaint", Checkbox).value is True
        await pilot.press("f5")
        await settle(pilot)
        flagged = screen.saved_number
        assert flagged and app.store.get(flagged).staff_complaint is True
        assert app.store.events_of(flagged)[0]["payload"]["staff_complaint"] is True
        await pilot.press("f8")
        assert screen.query_one("#staff_complaint", Checkbox).value is False
        await fill_caller(pilot)
        await fill_matter(pilot)
        await pilot.press("f5")
        await settle(pilot)
        plain = screen.saved_number
        assert plain and plain != flagged and app.store.get(plain).staff_complaint is False
