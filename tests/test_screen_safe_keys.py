"""Keys that must never lose or misfile a caller's words (issue 17, part 1), pressed for real
under Pilot on a real store: global keys in every field, F8/F10 asking first, a new call from the
preset form, no hidden Tab stops in the pickers, a multi-line paste kept whole."""

from __future__ import annotations

import json

import pytest
from screen_helpers import make_app, make_store, ready, settle
from textual import events
from textual.widgets import Input, RadioSet, TextArea

from screens.app import DESKS
from screens.widgets.ask import AskModal
from screens.widgets.picker import Picker

# docs/keyboard.md, 受理: "Tab / Shift+Tab move through the fields in this order"
DOC_TAB_ORDER = ["caller_name", "caller_title", "phone", "address", "description", "nature", "content",
                 "reply_wanted", "reply_method", "urgent", "confidential", "staff_complaint", "disposition"]


@pytest.fixture
def data_dir(tmp_path):
    make_store(tmp_path).close()
    return tmp_path


def field_of(widget) -> str:
    """The form field a focused widget belongs to (a picker's input answers for its picker)."""
    while widget is not None and not widget.id:
        widget = widget.parent
    return widget.id if widget is not None else ""


def keys_of(node) -> set[str]:
    return {k.strip() for k in node._bindings.key_to_bindings}


async def test_f6_and_f7_in_the_description_switch_desk_and_keep_every_word(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.click("#description")
        await pilot.press(*"井盖丢了")
        await pilot.press("f6")
        await settle(pilot)
        assert app.current_mode == "callback"
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert app.current_mode == "supervision"
        await pilot.press("f2")
        await settle(pilot)
        assert app.focused is screen.query_one("#description")
        await pilot.press(*"很危险")  # nothing was selected: typing adds, it replaces nothing
        assert screen.query_one("#description", TextArea).text == "井盖丢了很危险"


async def test_no_field_on_any_desk_holds_a_global_key(data_dir):
    """A key the app or the screen binds does the same in every field: no focusable widget (nor a
    container between it and its screen) binds it for itself."""
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("alt+k")  # the KB panel's fields too
        await settle(pilot)
        checked = 0
        clashes = []
        for mode in DESKS:
            app.switch_mode(mode)
            await settle(pilot)
            screen = app.screen
            held = keys_of(app) | {k for k in keys_of(screen) if k.startswith("f") and k[1:].isdigit()}
            for widget in screen.query("*"):
                if not widget.focusable:
                    continue
                checked += 1
                node = widget
                while node is not None and node is not screen:
                    for key in keys_of(node) & held:
                        clashes.append(f"{mode}: {widget!r} binds {key}")
                    node = node.parent
        assert checked > 20 and clashes == []


async def test_f8_asks_before_dropping_a_half_typed_call_and_esc_keeps_it(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press(*"王", "tab", "right", "enter", "tab", *"1381234")
        await pilot.press("f8")
        assert isinstance(app.screen, AskModal)
        assert "尚未保存" in str(app.screen.query_one("#ask-question").render())
        await pilot.press("escape")
        assert app.screen is screen and app.focused is screen.query_one("#phone")
        assert screen.fields()["caller_name"] == "王" and screen.fields()["phone"] == "1381234"
        await pilot.press(*"5678")  # the call goes on where it was
        assert screen.fields()["phone"] == "13812345678"
        await pilot.press("f8", "f8")  # the same key again answers yes
        assert app.screen is screen and screen.fields()["caller_name"] == "" and screen.fields()["phone"] == ""
        assert not (data_dir / "drafts" / "intake-A01.json").exists()


async def test_f8_on_a_saved_or_empty_form_starts_at_once(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press("f8")
        assert app.screen is screen


async def test_f8_asks_when_only_a_box_is_ticked(data_dir):
    """A ticked 紧急诉求 is the agent's input too: F8 asks, Esc keeps the tick."""
    from textual.widgets import Checkbox

    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        screen.query_one("#urgent", Checkbox).focus()
        await pilot.press("space")
        assert screen.fields()["urgent"] is True
        await pilot.press("f8")
        assert isinstance(app.screen, AskModal)
        await pilot.press("escape")
        assert app.screen is screen and screen.fields()["urgent"] is True


async def test_f8_asks_while_the_call_is_on_hold(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press("f9", "f8")
        assert isinstance(app.screen, AskModal)
        await pilot.press("enter")
        assert app.screen is screen and not screen.panel.on_hold


async def test_f10_asks_during_a_call_and_the_draft_survives(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.click("#description")
        await pilot.press(*"路灯不亮")
        await pilot.press("f10")
        assert isinstance(app.screen, AskModal) and app.is_running
        await pilot.press("escape")
        assert app.is_running and screen.fields()["description"] == "路灯不亮"
        await pilot.press("f4")  # from another desk too
        await settle(pilot)
        await pilot.press("f10")
        assert isinstance(app.screen, AskModal)
        await pilot.press("enter")
        await pilot.pause()
    assert app.return_code == 0
    draft = json.loads((data_dir / "drafts" / "intake-A01.json").read_text(encoding="utf-8"))
    assert draft["description"] == "路灯不亮"


async def test_f10_quits_at_once_when_nothing_would_be_lost(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f10")
        await pilot.pause()
        assert not app.is_running


async def test_a_new_call_starts_from_the_preset_form(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press(*"王", "tab", "right", "enter", "tab", *"13812345678")
        screen.query_one("#urgent").value = True
        screen.query_one("#disp-direct_answer").value = True
        await pilot.pause()
        assert screen.fields()["caller_title"] == "女士" and screen.panel.key == "address_answer"
        await pilot.press("f8", "enter")
        await settle(pilot)
        f = screen.fields()
        assert f["caller_title"] == "" and f["caller_name"] == "" and f["disposition"] == "transfer"
        assert not f["urgent"]
        title = screen.query_one("#caller_title", RadioSet)
        assert title.pressed_button is None and title._selected == 0  # highlight on 先生, nothing chosen
        assert screen.panel.key == "greeting" and screen.panel.line().startswith("您好")
        await pilot.press(*"刘")
        assert screen.panel.line().startswith("您好")  # no "女士" from the last caller
        await pilot.press("tab", "enter")  # Enter chooses what is highlighted: 先生
        assert screen.fields()["caller_title"] == "先生"
        assert "刘先生" in screen.panel.line()


async def test_tab_walks_the_fields_in_the_documented_order_through_open_pickers(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        seen = [field_of(app.focused)]
        for _ in DOC_TAB_ORDER[1:]:
            await pilot.press("tab")
            seen.append(field_of(app.focused))
        assert seen == DOC_TAB_ORDER
        # letters typed in a picker whose list opened on focus land in the picker
        screen.query_one("#nature", Picker).focus()
        await pilot.pause()
        assert screen.query_one("#nature .picker-list").has_class("-open")
        await pilot.press(*"ts")
        assert screen.query_one("#nature", Picker).text == "ts"
        await pilot.press("enter", "tab")
        assert screen.fields()["nature"] == "投诉" and field_of(app.focused) == "content"


async def test_a_pasted_multi_line_address_keeps_every_line_and_says_so(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await ready(pilot)
        address = screen.query_one("#address", Input)
        address.focus()
        await pilot.press(*"江北区")
        address.post_message(events.Paste("幸福路88号\n幸福家园3栋\r\n2单元501\n"))
        await pilot.pause()
        assert address.value == "江北区幸福路88号 幸福家园3栋 2单元501"
        assert any("3 行，已合并为一行" in str(n.message) for n in app._notifications)


async def test_a_paste_longer_than_the_field_names_what_did_not_fit(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        screen = await ready(pilot)
        address = screen.query_one("#address", Input)
        address.focus()
        address.post_message(events.Paste("路" * 98 + "尾巴"  + "多出来"))
        await pilot.pause()
        assert address.value == "路" * 98 + "尾巴"
        assert any("未粘贴的部分：多出来" in str(n.message) for n in app._notifications)


async def test_tabbing_back_into_a_filled_field_never_selects_it_for_replacing(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press(*"王", "tab", "enter", "tab", *"1381234567", "tab", *"幸福路")
        await pilot.press("shift+tab")  # back to 联系电话: the cursor at the end, nothing selected
        await pilot.press("8")
        assert screen.fields()["phone"] == "13812345678"
        await pilot.press("tab", *"88号")
        assert screen.fields()["address"] == "幸福路88号"
