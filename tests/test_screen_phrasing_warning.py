"""R-44 as the agent types (issue 17, part 4): a forbidden phrase in the answer to the caller is
highlighted with the standard wording offered, and the saved order records that it was warned."""

from __future__ import annotations

import pytest
from screen_helpers import make_app, make_store, ready, settle
from textual.widgets import Input, Static, TextArea

from screens.widgets.picker import Picker


@pytest.fixture
def data_dir(tmp_path):
    make_store(tmp_path).close()
    return tmp_path


SAID = "我不知道，不归我们管，你自己去问派出所"


async def type_text(pilot, field: Input, text: str) -> None:
    """Key by key; Pilot has no key for full-width punctuation, which goes in as a terminal sends it."""
    for char in text:
        if char in "，。":
            field.insert_text_at_cursor(char)
            await pilot.pause()
        else:
            await pilot.press(char)


async def test_a_forbidden_answer_is_flagged_as_typed_and_the_warning_is_recorded(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await pilot.press(*"张", "tab", "enter", "tab", *"13812345678")
        screen.query_one("#description", TextArea).text = "咨询户口迁移需要什么材料"
        screen.query_one("#nature", Picker).focus()
        await pilot.press("z", "x", "enter")
        screen.query_one("#content", Picker).focus()
        await pilot.press(*"hjws", "enter")
        screen.query_one("#disp-direct_answer").value = True
        await pilot.pause()
        answer = screen.query_one("#answer", Input)
        answer.focus()
        await pilot.press(*"我不知")
        slot = screen.query_one("#answer-phrasing", Static)
        assert not slot.has_class("-shown")
        await pilot.press("道")  # the phrase is complete: the warning is there at once
        assert slot.has_class("-shown") and slot.display
        await type_text(pilot, answer, SAID[4:])
        shown = str(slot.render())
        assert shown.startswith(f"规范用语提醒（R-44）：{SAID}")
        assert "「不归我们管」不能对来电人说，建议说：这个问题由相关职能部门负责" in shown
        visual = slot.visual
        highlighted = [visual.plain[s.start:s.end] for s in visual._spans if "reverse" in str(s.style)]
        assert highlighted == ["我不知道", "不归我们管", "你自己去问"]
        await pilot.press("f5")
        await settle(pilot)
        number = screen.saved_number
        assert number
        state = app.store.get(number)
        assert state.answer == SAID  # the agent decides: the warning does not block
        assert state.phrasing_warnings == ["我不知道", "不归我们管", "你自己去问"]
        await pilot.press("f8")
        await settle(pilot)
        assert not slot.has_class("-shown") and screen.phrasing_warnings == []


async def test_a_clean_answer_records_no_warning(data_dir):
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        screen.query_one("#disp-direct_answer").value = True
        await pilot.pause()
        screen.query_one("#answer", Input).focus()
        await pilot.press(*"请携带身份证到派出所办理")
        assert not screen.query_one("#answer-phrasing").has_class("-shown")
        assert screen.fields()["_phrasing_warnings"] == []
