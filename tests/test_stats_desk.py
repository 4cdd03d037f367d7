"""The statistics desk (Alt+S) under Pilot, pressing the keys docs/keyboard.md names: the figures
of the demo store against their targets, the orders behind a missed figure, one of them opened."""

from __future__ import annotations

from datetime import date

import pytest
from screen_helpers import FIXED_NOW, make_app, until
from textual.widgets import DataTable

from console.demo import fill_demo
from console.store import Store
from screens.stats import period_range


@pytest.fixture
def data_dir(tmp_path):
    store = Store.init(tmp_path, "S01")
    fill_demo(store, 300, seed=7, now=FIXED_NOW)
    store.close()
    return tmp_path


def cells(table: DataTable, column: int) -> list[str]:
    return [table.get_row_at(i)[column].plain for i in range(table.row_count)]


async def test_the_desk_shows_every_figure_and_lists_what_a_missed_one_missed(data_dir):
    app = make_app(data_dir, role="supervisor", operator="S501")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("alt+s")
        figures = app.screen.query_one("#stats-figures", DataTable)
        assert await until(pilot, lambda: figures.row_count == 11)
        assert cells(figures, 0) == ["M-01", "M-02", "M-03", "M-04", "M-05", "M-06", "M-07", "M-08", "M-09", "M-10",
                                     "M-11"]
        m04 = figures.get_row_at(3)
        assert m04[1].plain == "投诉率" and int(m04[2].plain) > 0 and int(m04[3].plain) > int(m04[2].plain)  # demo
        verdicts, codes = cells(figures, 6), cells(figures, 0)
        row = next(i for i, (v, c) in enumerate(zip(verdicts, codes, strict=True)) if v == "未达标" and c >= "M-06")
        assert "red" in str(figures.get_row_at(row)[6].style)  # a missed target is red
        numerator, denominator = int(figures.get_row_at(row)[2].plain), int(figures.get_row_at(row)[3].plain)
        await pilot.press(*["down"] * row)
        await pilot.press("enter")
        orders = app.screen.query_one("#stats-orders", DataTable)
        assert orders.row_count == denominator - numerator > 0
        assert app.screen.query_one("#stats-units", DataTable).row_count > 0
        first = orders.get_row_at(0)[0].plain
        await pilot.press("enter")  # the list has the focus: open its first order
        assert await until(pilot, lambda: type(app.screen).__name__ == "OrderView")
        assert first in str(app.screen.query_one("#order-view-title").render())


async def test_the_period_keys_change_the_period(data_dir):
    app = make_app(data_dir, role="supervisor", operator="S501")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("alt+s")
        figures = app.screen.query_one("#stats-figures", DataTable)
        assert await until(pilot, lambda: figures.row_count == 11)
        label = app.screen.query_one("#stats-period")
        await pilot.press("l")
        assert await until(pilot, lambda: "上月" in str(label.render()))


def test_periods_start_on_their_first_day():
    wed = date(2026, 11, 25)
    assert [d.date() for d in period_range("week", wed)] == [date(2026, 11, 23), date(2026, 11, 26)]
    assert [d.date() for d in period_range("last_month", wed)] == [date(2026, 10, 1), date(2026, 11, 1)]
    assert [d.date() for d in period_range("month", wed)] == [date(2026, 11, 1), date(2026, 11, 26)]


async def test_the_wallboard_shows_the_big_numbers_and_goes_back(data_dir):
    from textual.widgets import Digits

    from console import queues

    app = make_app(data_dir, role="supervisor", operator="S501")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("alt+s")
        await pilot.press("b")
        assert await until(pilot, lambda: type(app.screen).__name__ == "WallboardScreen")
        board = app.screen
        assert await until(pilot, lambda: board.query_one("#wall-overdue", Digits).value != "-")
        store = app.store
        assert board.query_one("#wall-overdue", Digits).value == str(queues.queue_counts(store, FIXED_NOW).overdue)
        assert board.query_one("#wall-callbacks", Digits).value == str(queues.callback_count(store))
        await pilot.press("escape")
        assert type(app.screen).__name__ == "StatsScreen"
