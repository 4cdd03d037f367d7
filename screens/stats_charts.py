"""c on the statistics desk — charts of the period in the terminal (textual-plotext): orders taken
each day by nature (性质), the content classes taken most, and one figure's daily trend against
its target. Computed in a worker from console.stats.charts (the figures' own definitions).

plotext counts every character as one cell, and a Chinese character takes two: the Chinese
(titles, the natures' legend, the class names) is in Textual widgets beside the plots, which
measure it right, and the plots carry only digits and dates."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Label, Static
from textual_plotext import PlotextPlot

from console.domain.figures import FIGURES
from screens.desk_style import DESKS_TCSS
from screens.safe import content
from screens.widgets.footer import StableFooter
from screens.widgets.status_header import StatusHeader


class ChartsLoaded(Message):
    def __init__(self, charts) -> None:
        super().__init__()
        self.charts = charts


def _inert(text: str) -> str:
    """Taxonomy text as plotext draws it (its output is read as ANSI): one line, no control
    character left to start an escape sequence."""
    from console.domain.inert import inert

    return inert(text).replace("\n", " ").replace("\t", " ")


COLORS = ("blue", "red", "green", "yellow", "magenta", "cyan", "white")  # named alike in plotext and Rich


class ChartsScreen(Screen):
    CSS_PATH = DESKS_TCSS
    BINDINGS = [
        Binding("escape", "app.pop_screen", "返回", id="charts.close"),
        Binding("f", "next_figure", "下一指标", id="charts.next_figure"),
    ]

    def __init__(self, start: datetime, end: datetime, label: str, code: str = "M-06") -> None:
        super().__init__()
        self.start, self.end, self.label = start, end, label
        self.codes = list(FIGURES)
        self.code = code if code in FIGURES else self.codes[0]
        self.data = None

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with Horizontal(id="desk-header"):
            yield Label("统计图表", id="desk-title")
            yield Label(content(f"{self.label}（按本坐席所存计）"), id="charts-period", classes="desk-count")
        with Vertical(id="charts-body"):
            yield Static("", id="chart-volume-title", classes="chart-title")
            yield PlotextPlot(id="chart-volume")
            with Horizontal(id="charts-lower"):
                with Vertical(classes="chart-box"):
                    yield Static("", id="chart-classes-title", classes="chart-title")
                    with Horizontal():
                        yield PlotextPlot(id="chart-classes")
                        yield Static("", id="chart-classes-names")
                with Vertical(classes="chart-box"):
                    yield Static("", id="chart-trend-title", classes="chart-title")
                    yield PlotextPlot(id="chart-trend")
        yield Static(content("正在计算……"), id="desk-status")
        yield StableFooter(compact=True)

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="charts")
    def _load(self) -> None:
        from console import clock
        from console.stats import charts

        now = getattr(self.app, "wallclock", clock.now)()
        self.post_message(ChartsLoaded(charts(self.app.store, self.start, self.end, now)))

    @on(ChartsLoaded)
    def _loaded(self, message: ChartsLoaded) -> None:
        self.data = message.charts
        self._draw_volume()
        self._draw_classes()
        self._draw_trend()

    def _draw_volume(self) -> None:
        data = self.data
        widget = self.query_one("#chart-volume", PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        labels = [f"{d:%m-%d}" for d in data.days]
        natures = list(data.by_nature)
        colors = [COLORS[i % len(COLORS)] for i in range(len(natures))]
        if natures:
            plt.stacked_bar(labels, [data.by_nature[n] for n in natures], color=colors)
            step = max(1, len(labels) // 10)
            plt.xticks(list(range(1, len(labels) + 1, step)), labels[::step])
        widget.refresh()
        title = Text("每日受理量（按性质）  ")
        for nature, color in zip(natures, colors, strict=True):
            title.append("██ ", style=color)
            title.append(f"{_inert(nature)} {sum(data.by_nature[nature])}  ")
        self.query_one("#chart-volume-title", Static).update(title)

    def _draw_classes(self) -> None:
        widget = self.query_one("#chart-classes", PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        top = self.data.top_classes
        if top:
            plt.bar([str(i) for i in range(len(top), 0, -1)], [n for _name, n in reversed(top)],
                    orientation="horizontal")
        widget.refresh()
        self.query_one("#chart-classes-title", Static).update(content(f"受理最多的内容分类（前 {len(top)}）"))
        names = Text(no_wrap=True, overflow="ellipsis")
        for i, (name, n) in enumerate(top, start=1):
            names.append(f"{i:>2} {n:>4}  {_inert(name)[-14:]}\n")
        self.query_one("#chart-classes-names", Static).update(names)

    def _draw_trend(self) -> None:
        data, code = self.data, self.code
        definition = FIGURES[code]
        widget = self.query_one("#chart-trend", PlotextPlot)
        plt = widget.plt
        plt.clear_data()
        points = [(i, r * 100) for i, r in enumerate(data.trend[code]) if r is not None]
        labels = [f"{d:%m-%d}" for d in data.days]
        if points:
            plt.plot([i for i, _ in points], [v for _, v in points], marker="braille")
            plt.hline(definition.target * 100)
            step = max(1, len(labels) // 6)
            plt.xticks(list(range(0, len(labels), step)), labels[::step])
        widget.refresh()
        sign = "≥" if definition.at_least else "≤"
        self.query_one("#chart-trend-title", Static).update(content(
            f"{code} {definition.name} 每日趋势（%；横线为目标 {sign}{definition.target * 100:.0f}%；f 换指标）"))
        days = len(points)
        self.query_one("#desk-status", Static).update(content(
            f"{code} {definition.name}：{days} 天有数据" if days else f"{code} {definition.name}：本期间无数据"))

    def action_next_figure(self) -> None:
        self.code = self.codes[(self.codes.index(self.code) + 1) % len(self.codes)]
        if self.data is not None:
            self._draw_trend()
