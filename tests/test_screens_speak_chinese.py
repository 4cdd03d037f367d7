"""Every screen speaks Chinese (issue 17, part 4): each desk, view, dialog and every standard phrase,
rendered with the demo data, shows no ASCII identifier (greeting_holiday, created, Dismiss …) and
no broken punctuation pair (。， …). F1 and the command palette are left out on purpose: they show
binding ids, the names config.toml remaps keys by."""

from __future__ import annotations

import re

from dispatch_support import NOW, data  # noqa: F401 (fixture: a copy of the demo store)
from screen_helpers import make_app, ready, settle
from textual.widgets import Input

from screens.callback import callback_script
from screens.widgets.choices import PHRASE_LABELS
from screens.widgets.phrasing_panel import PhrasingPanel

SNAKE = re.compile(r"[A-Za-z]+_[A-Za-z_]+")
WORD = re.compile(r"[A-Za-z]{5,}")  # shorter: key names (Alt, Esc) and most pinyin initials
PAIRS = re.compile(r"[。，；：！？、][。，；！？、]")
KEY_NAMES = {"Enter", "Space", "PgUp", "PgDn"}


def initials(word: str) -> bool:
    """Pinyin initials typed into a picker (sgajjtjczd, hjws): lower case, hardly a vowel; English
    words (created, overdue, palette, Dismiss) have many."""
    return word.islower() and sum(c in "aeiou" for c in word) / len(word) < 0.25


def problems(where: str, text: str) -> list[str]:
    words = [w for w in WORD.findall(text) if w not in KEY_NAMES and not initials(w)]
    found = SNAKE.findall(text) + words + PAIRS.findall(text)
    return [f"{where}: {item!r}" for item in found]


def demo_numbers(store) -> list[str]:
    """One demo order of each status, so the order view shows every kind of event once or more."""
    from sqlalchemy import text

    with store.engine.connect() as conn:
        rows = conn.execute(text("SELECT status, min(number) FROM orders GROUP BY status")).all()
    return [number for _status, number in rows]


def screen_text(app) -> str:
    svg = app.export_screenshot()
    return "".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg)).replace("&#160;", " ").replace("&amp;", "&")


async def look(pilot, where: str, found: list[str]) -> None:
    await settle(pilot)
    await pilot.pause(0.2)
    found += problems(where, screen_text(pilot.app))


async def test_every_screen_and_dialog_speaks_chinese(data):
    app = make_app(data, role="lead")
    app.wallclock = lambda: NOW
    found: list[str] = []
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        for key, where in [("f3", "知识库"), ("f6", "回访"), ("f7", "督办"), ("alt+r", "退回件"), ("f4", "转办")]:
            await pilot.press(key)
            await look(pilot, where, found)
            if key == "f3":  # a category list opened: Textual's own Select keys
                app.screen.query_one("#kb-class").focus()
                await pilot.press("enter")
                await look(pilot, "知识库分类列表", found)
                await pilot.press("escape")
            if key == "f7":
                await pilot.press("m")
                await look(pilot, "督办对话框", found)
                await pilot.press("escape")
        for key, where in [("d", "转办对话框"), ("r", "退回对话框"), ("e", "负责人对话框")]:
            await pilot.press(key)
            await look(pilot, where, found)
            await pilot.press("escape")
        for view, where in [("2", "单位退回"), ("3", "延期申请"), ("4", "受理退回")]:
            await pilot.press(view)
            await look(pilot, where, found)
        await pilot.press("3", "a")
        await look(pilot, "批准延期", found)
        await pilot.press("escape", "1", "f2")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#phone", Input).focus()
        await pilot.press(*"13800000000")
        await look(pilot, "受理", found)
        await pilot.press("f8")
        await look(pilot, "新来电确认", found)
        await pilot.press("escape", "alt+p")
        await look(pilot, "话术选择", found)
        for number in demo_numbers(app.store):
            screen.open_order(number)  # the order view: its history of events
            await look(pilot, f"工单 {number}", found)
            assert type(app.screen).__name__ == "OrderView"
            await pilot.press("escape")
        panel = screen.query_one(PhrasingPanel)
        for key in app.phrasebook.phrases:
            panel.show(key)
            await pilot.pause()
            found += problems(f"话术 {key}", screen_text(app))
    assert found == [], "\n".join(found)


def test_every_phrase_has_a_chinese_label_and_no_broken_pairs():
    from console.phrasing_source import load_phrasebook

    book = load_phrasebook()
    assert set(book.keys()) <= set(PHRASE_LABELS)
    ctx = book.context(surname="王", title="女士", matter="不动产证在哪里办理。", trainee_no="07")
    for key in book.phrases:
        assert problems(key, book.render(key, ctx)) == []


def test_the_callback_script_reads_as_one_call_out():
    from types import SimpleNamespace

    from console.phrasing_source import load_phrasebook

    state = SimpleNamespace(caller_name="王芳", caller_title="女士", description="不动产证在哪里办理。")
    script = callback_script(load_phrasebook(), state, "市不动产登记中心")
    assert problems("回访用语", script) == [] and "感谢您的来电" not in script
