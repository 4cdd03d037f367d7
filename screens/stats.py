"""Alt+S — the statistics desk: the figures against their targets (red where missed) and the
month per undertaking unit, for today, this week, this month, last month; Enter on a figure lists
the orders it missed, Enter on one of those opens it; c shows the period's charts
(screens/stats_charts.py). Computed in a worker: from the centre's rollups when the seat is
connected (its M-06..M-11 and month per unit over the whole log), else over this seat's store,
marked 部分 (docs/figures.md); the header says which."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Label, Static

from console import clock
from console.log import log
from screens.desk_style import DESKS_TCSS
from screens.safe import content, plain
from screens.widgets.footer import StableFooter
from screens.widgets.status_header import StatusHeader

PERIODS = {"today": "今日", "week": "本周", "month": "本月", "last_month": "上月"}
UNIT_SORTS = ("handed_over", "close_rate", "satisfaction", "returns", "overdue", "reply_rate")


def period_range(period: str, today: date) -> tuple[datetime, datetime]:
    """[start, end) of a named period around `today` (weeks start on Monday)."""
    if period == "today":
        start = today
        end = today + timedelta(days=1)
    elif period == "week":
        start = today - timedelta(days=today.weekday())
        end = today + timedelta(days=1)
    elif period == "month":
        start = today.replace(day=1)
        end = today + timedelta(days=1)
    elif period == "last_month":
        end = today.replace(day=1)
        start = (end - timedelta(days=1)).replace(day=1)
    else:
        raise ValueError(f"unknown period {period!r}")
    return datetime.combine(start, time()), datetime.combine(end, time())


class StatsLoaded(Message):
    """missed None: the lists behind the figures are still on their way from the centre."""

    def __init__(self, figures: list[dict], units: list[dict], missed: dict[str, list[str]] | None,
                 label: str) -> None:
        super().__init__()
        self.figures, self.units, self.missed, self.label = figures, units, missed, label


class StatsMissed(Message):
    def __init__(self, missed: dict[str, list[str]], problem: str = "") -> None:
        super().__init__()
        self.missed, self.problem = missed, problem


def centre_label(got) -> str:
    """Where the figures come from: the centre's log, and how far its rollups are behind it."""
    if got.building:
        return f"中心汇总建立中：已汇总 {got.done:,}/{got.total:,} 条记录，数字不全"
    if got.behind:
        return f"中心汇总追赶中：截至 seq {got.as_of:,}，共 {got.head:,} 条"
    return f"中心全量，截至 seq {got.as_of:,}"


class StatsScreen(Screen):
    CSS_PATH = DESKS_TCSS
    BINDINGS = [
        Binding("t", "period('today')", "今日", id="stats.today"),
        Binding("w", "period('week')", "本周", id="stats.week"),
        Binding("m", "period('month')", "本月", id="stats.month"),
        Binding("l", "period('last_month')", "上月", id="stats.last_month"),
        Binding("s", "sort_units", "单位排序", id="stats.sort"),
        Binding("enter", "details", "明细/打开", id="stats.details"),
        Binding("f5", "reload", "刷新", id="stats.reload"),
        Binding("b", "wallboard", "大屏", id="stats.wallboard"),
        Binding("c", "charts", "图表", id="stats.charts"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.period = "month"
        self.sort_key = "handed_over"
        self.units: list[dict] = []
        self.missed: dict[str, list[str]] | None = {}  # None: on their way from the centre
        self.listed: list[str] = []  # the orders in the detail list, in order
        self.loaded = False  # a load was asked for (the first waits until the desk is shown)

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with Horizontal(id="desk-header"):
            yield Label("统计", id="desk-title")
            yield Label("", id="stats-period", classes="desk-count")
        with Horizontal(id="desk-body"):
            with Vertical(id="stats-left"):
                yield DataTable(id="stats-figures", cursor_type="row", zebra_stripes=True)
                yield DataTable(id="stats-units", cursor_type="row", zebra_stripes=True)
            yield DataTable(id="stats-orders", cursor_type="row")
        yield Static("", id="desk-status")
        yield StableFooter(compact=True)

    def on_mount(self) -> None:
        figures = self.query_one("#stats-figures", DataTable)
        for label, width in (("指标", 5), ("名称", 14), ("分子", 7), ("分母", 7), ("比率", 8), ("目标", 7), ("", 6)):
            figures.add_column(label, width=width)
        units = self.query_one("#stats-units", DataTable)
        for label, width in (("单位", 10), ("交办", 5), ("办结率", 7), ("满意率", 7), ("退单", 5), ("逾期", 5),
                             ("按期回复率", 9)):
            units.add_column(label, width=width)
        self.query_one("#stats-orders", DataTable).add_column("未达标工单", width=20)
        figures.focus()
        if self.app.screen is self:  # built ahead for a supervisor or lead (app._prebuild): loads when shown
            self.reload()

    def on_screen_resume(self) -> None:
        if not self.loaded and self.app.screen is self:
            self.reload()

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        self.loaded = True
        if self.app.store is None:
            self.query_one("#desk-status", Static).update(content("正在打开数据库……"))
            return
        self._load(self.period)

    def on_store_ready(self, _message) -> None:
        self.reload()

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats")
    def _load(self, period: str) -> None:
        """From the centre's rollups when the seat is connected (the whole log: M-06..M-11, the
        month per unit; then the missed orders' lists), else from this seat's store (partial)."""
        from console.stats import figure_rows, report, unit_kinds, unit_rows
        from console.sync.client import SyncError
        from console.sync.figures import centre_figures

        store = self.app.store
        now = getattr(self.app, "wallclock", clock.now)()
        start, end = period_range(period, now.date())
        span = f"{PERIODS[period]} {start:%Y-%m-%d} 至 {(end - timedelta(days=1)):%Y-%m-%d}"
        unreachable = False
        try:
            got = centre_figures(store, start, end, now)
        except SyncError as exc:
            log("seat").warning("stats desk: the centre's figures are not available: %s", exc)
            got, unreachable = None, True
        if got is not None:
            rep = got.report
            rep.figures = dict(sorted(rep.figures.items()))
            self.post_message(StatsLoaded(figure_rows(rep), unit_rows(rep, unit_kinds(store), store.rules), None,
                                          f"{span}（{centre_label(got)}）"))
            try:  # the lists behind each figure take longer: painted first without them
                listed = centre_figures(store, start, end, now, listed=True, timeout=60)
            except SyncError as exc:
                log("seat").warning("stats desk: the centre's missed orders are not available: %s", exc)
                self.post_message(StatsMissed({}, "中心明细未能读取，请按 F5 重试"))
                return
            if listed is not None:
                self.post_message(StatsMissed({c: list(f.missed) for c, f in listed.report.figures.items()}))
            return
        rep = report(store, start, end, now)
        missed = {code: list(f.missed) for code, f in rep.figures.items()}
        where = "本坐席所存，部分；中心未响应" if unreachable else "本坐席所存，部分"
        rows = unit_rows(rep, unit_kinds(store), store.rules)
        self.post_message(StatsLoaded(figure_rows(rep), rows, missed, f"{span}（{where}）"))

    @on(StatsMissed)
    def _missed(self, message: StatsMissed) -> None:
        self.missed = message.missed
        if message.problem:
            self.query_one("#desk-status", Static).update(content(message.problem))

    @on(StatsLoaded)
    def _loaded(self, message: StatsLoaded) -> None:
        self.query_one("#stats-period", Label).update(content(message.label))
        table = self.query_one("#stats-figures", DataTable)
        table.clear()
        for r in message.figures:
            style = {True: "green", False: "bold red", None: ""}[r["met"]]
            sign = "≥" if r["at_least"] else "≤"
            ratio = "-" if r["ratio"] is None else f"{r['ratio'] * 100:.1f}%"
            table.add_row(plain(r["code"]), plain(r["name"]), plain(r["numerator"]), plain(r["denominator"]),
                          plain(ratio, style), plain(f"{sign}{r['target'] * 100:.0f}%"),
                          plain({True: "达标", False: "未达标", None: "无数据"}[r["met"]], style), key=r["code"])
        self.units, self.missed = message.units, message.missed
        self._show_units()
        self.query_one("#desk-status", Static).update(
            content("回车：列出未达标的工单；t/w/m/l 切换期间；s 单位排序；c 图表"))

    def _show_units(self) -> None:
        table = self.query_one("#stats-units", DataTable)
        table.clear()

        def pct(v: float | None) -> str:
            return "-" if v is None else f"{v * 100:.0f}%"

        rows = sorted(self.units, key=lambda r: (r[self.sort_key] is None, -(r[self.sort_key] or 0), r["unit"]))
        for r in rows:
            table.add_row(plain(r["unit"]), plain(r["handed_over"]), plain(pct(r["close_rate"])),
                          plain(pct(r["satisfaction"])), plain(r["returns"]), plain(r["overdue"]),
                          plain(pct(r["reply_rate"])), key=r["unit"])

    # -- actions ----------------------------------------------------------------------------

    def action_period(self, period: str) -> None:
        self.period = period
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_wallboard(self) -> None:
        from screens.wallboard import WallboardScreen

        self.app.push_screen(WallboardScreen())

    def action_charts(self) -> None:
        """The period's charts; the trend is of the figure under the cursor."""
        from screens.stats_charts import ChartsScreen

        now = getattr(self.app, "wallclock", clock.now)()
        start, end = period_range(self.period, now.date())
        figures = self.query_one("#stats-figures", DataTable)
        code = "M-06"
        if figures.row_count:
            code = str(figures.coordinate_to_cell_key(figures.cursor_coordinate).row_key.value)
        label = f"{PERIODS[self.period]} {start:%Y-%m-%d} 至 {(end - timedelta(days=1)):%Y-%m-%d}（本坐席所存，部分）"
        self.app.push_screen(ChartsScreen(start, end, label, code))

    def action_sort_units(self) -> None:
        self.sort_key = UNIT_SORTS[(UNIT_SORTS.index(self.sort_key) + 1) % len(UNIT_SORTS)]
        self._show_units()
        self.query_one("#desk-status", Static).update(content(f"单位表按 {self.sort_key} 排序"))

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        """Enter in a table (the table takes Enter before the screen does)."""
        event.stop()
        self.action_details()

    def action_details(self) -> None:
        focused = self.focused
        if isinstance(focused, DataTable) and focused.id == "stats-orders":
            if focused.row_count:
                self._open(self.listed[focused.cursor_row])
            return
        figures = self.query_one("#stats-figures", DataTable)
        if not figures.row_count:
            return
        code = str(figures.coordinate_to_cell_key(figures.cursor_coordinate).row_key.value)
        if self.missed is None:
            self.query_one("#desk-status", Static).update(content("明细正在从中心读取，请稍候"))
            return
        self.listed = self.missed.get(code, [])
        orders = self.query_one("#stats-orders", DataTable)
        orders.clear()
        for number in self.listed:
            orders.add_row(plain(number))
        orders.focus()
        self.query_one("#desk-status", Static).update(
            content(f"{code} 未计入分子的工单 {len(self.listed)} 张；回车打开"))

    def _open(self, number: str) -> None:
        if number.startswith(("C", "M")) and "-" not in number:  # a call or message id, not an order
            self.notify(f"{number} 是话务记录，不是工单", markup=False)
            return
        self._open_worker(number)

    @work(thread=True, exclusive=True, exit_on_error=False, group="stats-open")
    def _open_worker(self, number: str) -> None:
        store = self.app.store
        row = store.order_row(number)
        events = store.events_of(number) if row else []
        self.app.call_from_thread(self._show_order, number, row, events)

    def _show_order(self, number: str, row: dict | None, events: list[dict]) -> None:
        from screens.widgets.order_view import OrderView

        if row is None:  # counted at the centre, not held by this seat
            self.query_one("#desk-status", Static).update(content(f"工单 {number} 不在本坐席，请在中心查询"))
            return
        self.app.push_screen(OrderView(row, events, self.app.unit_names))
