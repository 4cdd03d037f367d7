"""Pilot tests: the caller's earlier orders (R-11) and the duplicate link (并单)."""

from __future__ import annotations

import pytest
from screen_helpers import make_app, make_store, ready, seed_order, settle, until
from textual.widgets import Input, TextArea

from screens.widgets.order_panels import CallerHistory, SimilarOrders


@pytest.fixture
def seeded(tmp_path):
    store = make_store(tmp_path)
    number = seed_order(store)
    other = seed_order(store, phone="13700002222", address="南湖路社区", description="南湖路社区整栋楼停电7个小时了")
    store.close()
    return tmp_path, number, other


async def type_phone(pilot, phone: str) -> None:
    pilot.app.screen.query_one("#phone", Input).focus()
    await pilot.press(*phone)
    await settle(pilot)


async def test_history_shows_as_the_number_completes(seeded):
    data_dir, number, _other = seeded
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        history = screen.query_one(CallerHistory)
        await type_phone(pilot, "1390000111")
        assert history.numbers == []  # ten digits: not a number yet
        await type_phone(pilot, "1")
        assert history.numbers == [number]
        cells = [str(c) for c in history.table.get_row_at(0)]
        assert cells[0] == number and cells[1] == "待转办" and cells[3] == "待转办"
        assert cells[4] != "-"  # the dispatch deadline


async def test_one_key_records_a_progress_inquiry(seeded):
    data_dir, number, _other = seeded
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await type_phone(pilot, "139-0000-1111")
        await pilot.press("alt+y")
        assert app.focused is screen.query_one(CallerHistory).table
        await pilot.press("alt+i")
        await settle(pilot)
        kinds = [e["kind"] for e in app.store.events_of(number)]
        assert kinds == ["created", "progress_inquiry"]
        assert app.store.get(number).inquiries == 1
        assert app.store.count_orders() == 2  # no new order for "how is my order going"


async def test_enter_opens_the_order_and_records_from_there(seeded):
    data_dir, number, _other = seeded
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await type_phone(pilot, "13900001111")
        await pilot.press("alt+y", "enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "OrderView"
        texts = " ".join(str(w.render()) for w in app.screen.query("Static"))
        assert number in texts and "河道发黑发臭" in texts
        await pilot.press("alt+i")
        await settle(pilot)
        assert app.screen is screen
        assert app.store.get(number).inquiries == 1


async def test_similar_open_orders_and_link_as_duplicate(seeded):
    data_dir, number, _other = seeded
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        screen.query_one("#caller_name", Input).value = "赵"
        screen.query_one("#title-f").value = True
        screen.query_one("#phone", Input).value = "13655556666"
        screen.query_one("#address", Input).focus()
        await pilot.press(*"幸福路88号")
        screen.query_one("#description", TextArea).text = "幸福家园旁边河道发臭"
        similar = screen.query_one(SimilarOrders)
        await until(pilot, lambda: similar.numbers)
        assert similar.numbers and similar.numbers[0] == number
        similar.table.focus()
        await pilot.press("alt+d")
        await settle(pilot)
        new = screen.saved_number
        assert new and new != number
        state = app.store.get(new)
        assert state.status.value == "merged" and state.merged_into == number
        assert state.nature == "投诉" and state.content_path == ["城建环保", "环境卫生"]  # taken from the target
        assert [e["kind"] for e in app.store.events_of(new)] == ["created", "merged_into"]
        assert "已并入" in str(screen.query_one("#order-banner-label").render())
        # reversible
        await pilot.press("alt+u")
        await settle(pilot)
        assert app.store.get(new).status.value == "pending_dispatch"
        assert app.store.get(new).merged_into == ""


async def test_no_history_for_a_new_caller(seeded):
    data_dir, _number, _other = seeded
    app = make_app(data_dir)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await type_phone(pilot, "13511112222")
        history = screen.query_one(CallerHistory)
        assert history.numbers == [] and "没有历史工单" in str(history.query_one(".panel-empty").render())
