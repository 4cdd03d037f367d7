"""Pick the lead unit and assisting units for one or several orders (R-12, R-24, R-26).

With an empty query the list shows the units whose remit keywords match the description (the
likely unit first, marked 建议); typing filters by pinyin initials, code or name. The unit time
limit of every order is computed and shown before anything is confirmed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from console.domain.deadlines import unit_due
from console.domain.order import OrderState
from console.domain.units import Unit, match_units, suggest_units
from screens.desk_style import DESKS_TCSS
from screens.safe import content, plain
from screens.widgets.keys_help import bound_key

COMPLEXITY_LABELS = {"general": "一般件", "complex": "复杂件"}


@dataclass
class DispatchChoice:
    lead: str = ""
    assists: list[str] = field(default_factory=list)
    complexity: str = "general"


def limit_preview(orders: Sequence[OrderState], choice: DispatchChoice, units: dict[str, Unit], rules, calendar,
                  now: datetime) -> str:
    """What will happen, in words: the units and each order's unit deadline (R-26)."""
    lead = units[choice.lead].short if choice.lead in units else "（未选）"
    assists = "、".join(units[c].short for c in choice.assists if c in units) or "无"
    lines = [f"主办：{lead}    协办：{assists}    办理类型：{COMPLEXITY_LABELS[choice.complexity]}"]
    shown = 0
    for state in orders:
        days = rules.limit_days(state.nature, choice.complexity)
        due = unit_due(now, days, calendar)
        mark = "（预估）" if due.provisional else ""
        if shown < 5:
            lines.append(f"{state.number}：{days}个工作日，办结时限 {due.at:%Y-%m-%d %H:%M}{mark}")
        shown += 1
    if shown > 5:
        lines.append(f"……共 {shown} 张")
    return "\n".join(lines)


class UnitPickerModal(ModalScreen[bool]):
    BINDINGS = [
        Binding("up", "move(-1)", "上", id="picker.up", show=False),
        Binding("down", "move(1)", "下", id="picker.down", show=False),
        Binding("f3", "toggle_assist", "加/减协办", id="picker.assist"),
        Binding("f4", "toggle_complexity", "一般/复杂", id="picker.complexity"),
        Binding("f2", "confirm", "确认转办", id="picker.confirm"),
        Binding("escape", "cancel", "取消", id="picker.cancel"),
    ]
    CSS_PATH = DESKS_TCSS

    def __init__(self, orders: Sequence[OrderState], units: Sequence[Unit], rules, calendar, now: datetime,
                 submit: Callable[[DispatchChoice], object], title: str = "转办", exclude: Sequence[str] = ()) -> None:
        super().__init__()
        self.orders, self.units, self.rules, self.calendar, self.now = list(orders), list(units), rules, calendar, now
        self.by_code = {u.code: u for u in self.units}
        self.submit, self.title_text, self.exclude = submit, title, set(exclude)
        complexity = self.orders[0].complexity if self.orders else "general"
        self.choice = DispatchChoice(complexity=complexity if complexity in COMPLEXITY_LABELS else "general")
        self.shown: list[Unit] = []
        self.suggested: set[str] = set()

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box"):
            yield Label(content(self.title_text), id="modal-title")
            yield Input(placeholder="拼音首字母、名称或编码；回车设为主办", id="picker-input")
            yield OptionList(id="modal-options")
            yield Static("", id="modal-preview")
            yield Static("", id="modal-status")
        yield Footer()

    def on_mount(self) -> None:
        self._fill("")
        self._preview()
        self.query_one("#picker-input", Input).focus()

    # -- the list ---------------------------------------------------------------------------

    def _fill(self, query: str) -> None:
        if query.strip():
            found = match_units(self.units, query, limit=20)
            self.suggested = set()
        else:
            text = " ".join(s.description for s in self.orders[:20])
            ranked = [u for u, _score in suggest_units(self.units, text, limit=8)]
            self.suggested = {u.code for u in ranked}
            found = ranked + [u for u in self.units if u.code not in self.suggested][: 20 - len(ranked)]
        self.shown = [u for u in found if u.code not in self.exclude]
        options = self.query_one("#modal-options", OptionList)
        options.clear_options()
        options.add_options([Option(self._label(u), id=u.code) for u in self.shown])
        if self.shown:
            options.highlighted = 0

    def _label(self, unit: Unit):
        role = "【主办】" if unit.code == self.choice.lead else ("【协办】" if unit.code in self.choice.assists else "")
        hint = "建议 " if unit.code in self.suggested else ""
        return plain(f"{role}{hint}{unit.short}  {unit.code}  {unit.initials}")

    def _refresh_labels(self) -> None:
        options = self.query_one("#modal-options", OptionList)
        for index, unit in enumerate(self.shown):
            options.replace_option_prompt_at_index(index, self._label(unit))

    def _preview(self) -> None:
        text = limit_preview(self.orders, self.choice, self.by_code, self.rules, self.calendar, self.now)
        self.query_one("#modal-preview", Static).update(content(text))

    def highlighted(self) -> Unit | None:
        index = self.query_one("#modal-options", OptionList).highlighted
        return self.shown[index] if index is not None and 0 <= index < len(self.shown) else None

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-input")
    def _set_lead(self, event: Input.Submitted) -> None:
        unit = self.highlighted()
        if unit is None:
            return
        self.choice.lead = unit.code
        if unit.code in self.choice.assists:
            self.choice.assists.remove(unit.code)
        self._refresh_labels()
        self._preview()
        self._status(f"主办单位：{unit.short}。{bound_key(self.app, 'picker.confirm', 'f2')} 确认转办，"
                     f"{bound_key(self.app, 'picker.assist', 'f3')} 加协办单位")

    @on(OptionList.OptionSelected, "#modal-options")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._set_lead(None)

    # -- keys -------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        options = self.query_one("#modal-options", OptionList)
        if self.shown:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = (current + step) % len(self.shown)

    def action_toggle_assist(self) -> None:
        unit = self.highlighted()
        if unit is None or unit.code == self.choice.lead:
            return
        if unit.code in self.choice.assists:
            self.choice.assists.remove(unit.code)
        else:
            self.choice.assists.append(unit.code)
        self._refresh_labels()
        self._preview()

    def action_toggle_complexity(self) -> None:
        self.choice.complexity = "complex" if self.choice.complexity == "general" else "general"
        self._preview()

    def action_confirm(self) -> None:
        if not self.choice.lead:
            self._status("请先选择主办单位（回车）", error=True)
            return
        self._answered(self.submit(self.choice))

    def _answered(self, result) -> None:
        """Close when the command was recorded, else say why; a desk's PendingCommand answers later."""
        if hasattr(result, "then") and getattr(result, "result", None) is None:
            result.then(self._answered)
            return
        result = getattr(result, "result", None) or result
        if not self.is_attached:
            return
        if getattr(result, "ok", False):
            self.dismiss(True)
        else:
            self._status(f"未执行：{getattr(result, 'reason', '')}", error=True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def _status(self, message: str, error: bool = False) -> None:
        status = self.query_one("#modal-status", Static)
        status.update(content(message))
        status.set_class(error, "-error")
