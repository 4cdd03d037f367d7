"""Caller text is never parsed as markup (TEXTUAL-NOTES): payloads that would crash a Static or
become a live link go through every seat widget that shows caller data and must show literally."""

from __future__ import annotations

import html
import re

import pytest
from screen_helpers import make_app, make_store, ready, seed_order, until
from textual.widgets import Input, TextArea

from screens.widgets.order_panels import CallerHistory, SimilarOrders
from screens.widgets.phrasing_panel import PhrasingPanel

PAYLOADS = ["[/]", "[b]x[/b]", "[B]x[/B]", "[$accent]x[/]", "[@click=app.quit]x[/]", "C:\\temp\\"]


def screen_text(app) -> str:
    svg = app.export_screenshot()
    text = "".join(re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S))
    return html.unescape(text).replace("\xa0", " ")


def assert_no_links(app) -> None:
    """A parsed [@click=…] would leave an action in the style under the mouse."""
    width, height = app.size
    for y in range(height):
        for x in range(width):
            style = app.screen.get_style_at(x, y)
            assert not (style.meta or {}).get("@click"), (x, y, style.meta)


@pytest.mark.parametrize("payload", PAYLOADS)
async def test_caller_text_shows_literally_everywhere(tmp_path, payload):
    store = make_store(tmp_path)
    number = seed_order(store, caller_name=f"李{payload}", address=f"幸福路{payload}",
                        description=f"河道发黑发臭{payload}一个多月了")
    store.close()
    app = make_app(tmp_path, operator=f"A{payload}")
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await ready(pilot)
        # the form itself, the phrasing panel (surname), caller history, similar orders
        screen.query_one("#caller_name", Input).value = f"{payload}张"
        screen.query_one("#title-m").value = True
        screen.query_one("#phone", Input).value = "13900001111"
        screen.query_one("#address", Input).value = "幸福路"
        screen.query_one("#description", TextArea).text = f"河道发黑发臭{payload}"
        await until(pilot, lambda: screen.query_one(CallerHistory).numbers
                    and number in screen.query_one(SimilarOrders).numbers)
        assert screen.query_one(CallerHistory).numbers == [number]
        assert number in screen.query_one(SimilarOrders).numbers
        panel = screen.query_one(PhrasingPanel)
        assert f"{payload[:1]}先生，您好" in panel.line()  # the surname is the name's first character
        shown = screen_text(app)
        assert f"A{payload}（受理坐席）" in shown  # header: operator id
        assert f"幸福路{payload}"[:16] in shown  # similar orders: address
        assert f"河道发黑发臭{payload}" in shown  # form text and similar orders
        assert_no_links(app)
        # the order view: name, address, description, events
        await pilot.press("alt+y", "enter")
        await pilot.pause()
        shown = screen_text(app)
        assert f"李{payload}先生" in shown and f"幸福路{payload}" in shown
        assert_no_links(app)
        await pilot.press("escape")
        # the three-way screen's summary
        screen.query_one("#nature").choose(None)
        from screens.widgets.picker import Choice

        screen.query_one("#nature").choose(Choice("投诉", "投诉"))
        screen.query_one("#content").choose(Choice(["城建环保", "环境卫生"], "城建环保 / 环境卫生"))
        screen.query_one("#description", TextArea).text = f"河道发黑发臭很久了{payload}"
        await pilot.press("alt+t")
        await pilot.pause()
        assert type(app.screen).__name__ == "ThreeWayScreen"
        shown = screen_text(app)
        assert f"{payload}张先生" in shown and f"河道发黑发臭很久了{payload}" in shown
        await pilot.press("escape")
        # a rejection reason quoting caller text goes out as a plain notification
        app.notify(f"未保存：{payload}", markup=False)
        await pilot.pause()
        assert app.is_running  # nothing crashed, [@click=app.quit] did not quit
