"""The statistics desk (Alt+S) under Pilot, pressing the keys docs/keyboard.md names: the figures
of the demo store against their targets, the orders behind a missed figure, one of them opened."""

from __future__ import annotations

from datetime import date, timedelta

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
        assert "按本坐席所存计" in str(board.query_one("#wall-stamp").render())  # not the centre's figures
        await pilot.press("escape")
        assert type(app.screen).__name__ == "StatsScreen"


async def test_the_order_view_lists_a_typical_case_and_prints_its_documents(data_dir, tmp_path, capsys):
    """From the statistics desk (Enter on a missed figure, Enter on an order) the supervisor
    presses t in the order view and Enter on the first standard reason: the order is one of the
    month's typical cases (每月典型工单), which the month's XLSX carries in 典型工单 with its
    history; p writes its 工单, 承办单 and 呈阅件 (PDF) into <data dir>/print/, named on screen."""
    import openpyxl

    from console.cli import main
    from screens.widgets.order_view import TYPICAL_REASONS, OrderView

    app = make_app(data_dir, role="supervisor", operator="S501")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("alt+s")
        figures = app.screen.query_one("#stats-figures", DataTable)
        assert await until(pilot, lambda: figures.row_count == 11)
        row = next(i for i, (v, c) in enumerate(zip(cells(figures, 6), cells(figures, 0), strict=True))
                   if v == "未达标" and c >= "M-06")
        await pilot.press(*["down"] * row, "enter")
        orders = app.screen.query_one("#stats-orders", DataTable)
        assert await until(pilot, lambda: orders.row_count > 0)
        number = orders.get_row_at(0)[0].plain
        await pilot.press("enter")
        assert await until(pilot, lambda: isinstance(app.screen, OrderView))
        view = app.screen
        status = view.query_one("#order-view-status")
        await pilot.press("t")
        assert await until(pilot, lambda: type(app.screen).__name__ == "ReasonModal")
        await pilot.press("enter")  # the highlighted first standard reason
        assert await until(pilot, lambda: app.screen is view)
        assert f"已列为本月典型工单：{TYPICAL_REASONS[0]}" in str(status.render())
        state = app.store.get(number)
        assert state.typical and state.typical_note == TYPICAL_REASONS[0]
        await pilot.press("p")
        assert await until(pilot, lambda: "已生成 3 份" in str(status.render()), timeout=20)
        printed = sorted(p.name for p in (data_dir / "print").iterdir())
        assert printed == sorted(f"{number}-{form}.pdf" for form in ("工单", "承办单", "呈阅件"))
        assert all((data_dir / "print" / name).read_bytes().startswith(b"%PDF") for name in printed)
        assert str(data_dir / "print") in str(status.render())
        await pilot.press("t")  # listed already: Enter confirms taking it off, Esc keeps it
        assert await until(pilot, lambda: type(app.screen).__name__ == "ConfirmModal")
        await pilot.press("escape")
        assert await until(pilot, lambda: app.screen is view)
        assert app.store.get(number).typical
    out = tmp_path / "month.xlsx"
    assert main(["stats", "export", "--month", "2026-11", "--out", str(out), "--data-dir", str(data_dir)]) == 0
    sheet = openpyxl.load_workbook(out)["典型工单"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] == number]
    assert len(rows) == 1 and rows[0][2] == TYPICAL_REASONS[0]
    history = rows[0][8].splitlines()
    assert history[0].split()[2] == "受理" and "典型工单 S501" in history[-1] and TYPICAL_REASONS[0] in history[-1]


async def test_only_the_supervision_office_and_leads_may_list_a_typical_case(data_dir):
    """每月典型工单 is the supervision office's list (decide()'s roles for typical_marked): an
    agent's order view offers 打印 and no 典型工单, and t does nothing there."""
    from screens.widgets.order_view import OrderView

    store = Store.open(data_dir)
    number = store.list_orders(limit=1)[0]["number"]
    row, events = store.order_row(number), store.events_of(number)
    store.close()
    app = make_app(data_dir, role="agent", operator="A101")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        app.push_screen(OrderView(row, events))
        assert await until(pilot, lambda: isinstance(app.screen, OrderView))
        view = app.screen
        assert view.check_action("typical", ()) is False and view.check_action("print_forms", ()) is True
        await pilot.press("t")
        await pilot.pause()
        assert app.screen is view and not app.store.get(number).typical


async def test_the_charts_draw_the_periods_volume_classes_and_a_figures_trend(data_dir):
    """c on the statistics desk: the month's orders per day by nature (the legend's totals are the
    orders taken, as 分类统计 counts them), the top content classes, and the trend of the figure
    under the cursor, each day's point the figure (M-06, docs/figures.md) that day; f moves the
    trend to the next figure."""
    from datetime import datetime

    from textual.widgets import Static
    from textual_plotext import PlotextPlot

    from console.stats import class_rows, report
    from screens.stats_charts import ChartsScreen

    app = make_app(data_dir, role="supervisor", operator="S501")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("alt+s")
        figures = app.screen.query_one("#stats-figures", DataTable)
        assert await until(pilot, lambda: figures.row_count == 11)
        await pilot.press(*["down"] * 5)  # M-06
        await pilot.press("c")
        assert await until(pilot, lambda: isinstance(app.screen, ChartsScreen) and app.screen.data is not None)
        charts, screen = app.screen.data, app.screen
        start, end = period_range("month", FIXED_NOW.date())
        expected: dict[str, int] = {}
        for r in class_rows(app.store, start, end):
            expected[r["nature"]] = expected.get(r["nature"], 0) + r["orders"]
        assert {n: sum(v) for n, v in charts.by_nature.items()} == expected and sum(expected.values()) > 50
        legend = str(screen.query_one("#chart-volume-title", Static).render())
        assert all(f"{n} {k}" in legend for n, k in expected.items())
        top_name, top_n = charts.top_classes[0]
        assert top_n == max(n for _c, n in charts.top_classes)
        assert top_name[-14:] in str(screen.query_one("#chart-classes-names", Static).render())
        day = charts.days[10]
        one = report(app.store, datetime.combine(day, datetime.min.time()),
                     datetime.combine(day, datetime.min.time()) + timedelta(days=1), FIXED_NOW).figures["M-06"]
        assert charts.trend["M-06"][10] == one.ratio
        assert "M-06 转办及时率 每日趋势" in str(screen.query_one("#chart-trend-title", Static).render())
        assert all(screen.query_one(f"#chart-{n}", PlotextPlot).size.height > 5 for n in ("volume", "classes", "trend"))
        await pilot.press("f")
        assert "M-07 按期回复率 每日趋势" in str(screen.query_one("#chart-trend-title", Static).render())
        await pilot.press("escape")
        assert await until(pilot, lambda: type(app.screen).__name__ == "StatsScreen")


async def test_a_connected_desk_shows_the_centres_figures_and_its_own_as_partial_offline(tmp_path):
    """Connected, the desk reads the centre's rollups (M-06..M-11 over every seat's orders, marked
    中心全量 with the log's seq) and lists a figure's missed orders from there; with the centre
    gone, F5 shows this seat's own history, marked 部分 (docs/figures.md, issue 15)."""
    import time as _time

    from sync_support import CentreThread, client, connect, new_centre

    from console.centre import rollups
    from console.centre.model import SeatInfo
    from console.centre.service import SEAT_ROLES
    from console.domain.roles import Role
    from console.sync.session import pending_batch, sync_once

    other = Store.init(tmp_path / "other", "S02")  # another seat's orders: at the centre, not on this seat
    fill_demo(other, 120, seed=4, now=FIXED_NOW)
    batch = pending_batch(other, limit=10**6)
    other.close()
    centre = new_centre(str(tmp_path / "centre.db"))
    centre.enroll("S02", "all")
    seat = SeatInfo("S02", frozenset({r.value for r in SEAT_ROLES} | {Role.UNIT.value}), None)
    for i in range(0, len(batch), 200):
        centre.push(seat, batch[i:i + 200])
    data = tmp_path / "seat"
    store = Store.init(data, "S01")
    fill_demo(store, 40, seed=7, now=FIXED_NOW)
    with CentreThread(centre) as server:
        connect(store, centre, server.url)
        sync_once(store, client(store))  # this seat's orders are at the centre too: nothing left to push
        store.close()
        deadline = _time.monotonic() + 20
        while not rollups.is_current(centre.engine) and _time.monotonic() < deadline:
            _time.sleep(0.05)
        start, end = period_range("month", FIXED_NOW.date())
        full = rollups.report(centre.engine, start, end, FIXED_NOW)
        app = make_app(data, role="supervisor", operator="S501")
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("alt+s")
            figures = app.screen.query_one("#stats-figures", DataTable)
            label = app.screen.query_one("#stats-period")
            assert await until(pilot, lambda: figures.row_count == 6 and "中心全量" in str(label.render()))
            assert cells(figures, 0) == ["M-06", "M-07", "M-08", "M-09", "M-10", "M-11"]
            assert [(int(a), int(b)) for a, b in zip(cells(figures, 2), cells(figures, 3), strict=True)] == \
                [(full.figures[c].numerator, full.figures[c].denominator) for c in cells(figures, 0)]
            assert await until(pilot, lambda: app.screen.missed is not None)
            row = next(i for i, c in enumerate(cells(figures, 0)) if full.figures[c].missed)
            await pilot.press(*["down"] * row)
            await pilot.press("enter")
            orders = app.screen.query_one("#stats-orders", DataTable)
            assert await until(pilot, lambda: orders.row_count == len(full.figures[cells(figures, 0)[row]].missed))
            server.stop()
            await pilot.press("escape")  # back to the figures table
            figures.focus()
            await pilot.press("f5")
            assert await until(pilot, lambda: figures.row_count == 11 and "部分" in str(label.render()))
            assert "中心未响应" in str(label.render())
    centre.engine.dispose()
