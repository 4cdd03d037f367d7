"""F6 — the callback desk (R-32, R-33, R-02): orders with a unit reply waiting for a callback, by
due time; the caller's number, the reply to read out and the standard phrases; every attempt
recorded (two failed attempts at least Rules.callback_min_gap_minutes apart = unreachable); the result, and 不满意 sends the order back for rework with
the caller's words in the same command. Confidential callers never appear here."""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static
from textual.widgets.data_table import CellDoesNotExist

from console import queues
from console.domain.order import Kind, OrderState, failed_try_counts
from console.store import NewEvent
from screens.caller_view import caller_name, caller_phone
from screens.desk import DeskScreen, Page
from screens.dispatch_common import unit_name
from screens.safe import clip, content, labelled, plain
from screens.widgets.dispatch_reason import ReasonModal
from screens.widgets.keys_help import bound_key

FAILED = {"no_answer": "无人接听", "busy": "占线", "off": "关机", "wrong_number": "号码错误"}
UNSATISFIED_WORDS = ("问题没有解决", "单位未联系本人", "处理结果与实际不符", "对答复不认可")


def callback_script(phrasebook, state, unit: str) -> str:
    """What the agent says, from the standard phrasing (R-40..R-43) where it has a line."""
    ctx = phrasebook.context(surname=(state.caller_name or "")[:1] or None, title=state.caller_title or None,
                             matter=clip(state.description or "", 60) or None)
    opening = phrasebook.render("address_answer", ctx)
    return "\n".join([
        f"{opening}这里是{phrasebook.hotline}回访。",
        f"您反映的问题，{unit}答复如下：（宣读右侧答复）",
        "请问您对办理结果是否满意？满意、基本满意还是不满意？",
        phrasebook.render("callback_closing" if "callback_closing" in phrasebook.phrases else "closing", ctx),
    ])


class CallbackScreen(DeskScreen):
    TITLE_TEXT = "回访"
    HEADER_IDS = ("total", "overdue", "view")
    COLUMNS = (
        ("due", "回访截止", 11), ("left", "倒计时", 12), ("number", "工单编号", 17), ("caller", "来电人", 10), ("phone", "电话", 12),
        ("unit", "承办单位", 12), ("tries", "未接通", 6),
    )
    BINDINGS = [
        Binding("y", "done('满意')", "满意", id="callback.satisfied"),
        Binding("j", "done('基本满意')", "基本满意", id="callback.basic"),
        Binding("u", "unsatisfied", "不满意", id="callback.unsatisfied"),
        Binding("w", "failed('no_answer')", "无人接听", id="callback.no_answer"),
        Binding("b", "failed('busy')", "占线", id="callback.busy"),
        Binding("o", "failed('off')", "关机", id="callback.off"),
        Binding("x", "failed('wrong_number')", "号码错误", id="callback.wrong_number"),
        Binding("z", "undo", "撤销", id="callback.undo"),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._phrasebook = None
        self.last_result: str | None = None  # the order whose result this desk recorded last (z takes it back)

    @property
    def phrasebook(self):
        if self._phrasebook is None:
            from console.phrasing_source import load_phrasebook

            self._phrasebook = load_phrasebook()
        return self._phrasebook

    def compose_detail(self) -> ComposeResult:
        yield Static("", id="cb-caller", classes="detail-big")
        yield Static("", id="cb-order")
        yield Static("承办单位答复（请宣读）", classes="detail-heading")
        yield Static("", id="cb-reply")
        yield Static("回访用语", classes="detail-heading")
        yield Static("", id="cb-script")
        yield Static("", id="cb-attempts", classes="detail-warning")

    def fetch_page(self, offset: int, limit: int) -> Page:
        return Page(queues.callback_queue(self.store, limit=limit, offset=offset), queues.callback_count(self.store),
                    offset)

    def row_cells(self, row: dict) -> list:
        t = self.table
        label, level = queues.countdown(row["callback_due"], self.now())
        failures = row["failures"] or 0
        return [
            plain((row["callback_due"] or "")[5:16].replace("T", " ")),
            t.deadline(label, level),
            plain(row["number"]),
            plain(caller_name(self.app, row["caller_name"], row["caller_title"], bool(row["confidential"]))),
            plain(caller_phone(self.app, row["number"], row["phone_norm"], bool(row["confidential"]))),
            plain(unit_name(self.store, row["lead_unit"])),
            t.styled(str(failures) if failures else "", "queue--soon"),
        ]

    def header_values(self) -> dict[str, tuple[str, str]]:
        now = self.now().isoformat()
        overdue = sum(1 for r in self.page_rows.values() if (r["callback_due"] or "9") < now)
        return {
            "total": (f"待回访 {self.page_total}", ""),
            "overdue": (f"本页已超3天 {overdue}", "-late" if overdue else ""),
            "view": (self.page_label(), "-muted"),
        }

    def tick(self) -> None:
        now = self.now()
        for number, row in self.page_rows.items():
            label, level = queues.countdown(row["callback_due"], now)
            try:
                self.table.update_cell(number, "left", self.table.deadline(label, level))
            except CellDoesNotExist:  # the row left the page between ticks
                continue

    def render_detail(self, row: dict | None, state: OrderState | None) -> None:
        if row is None or state is None:
            for name in ("caller", "order", "reply", "script", "attempts"):
                self.query_one(f"#cb-{name}", Static).update("")
            return
        unit = unit_name(self.store, state.lead_unit)
        self.query_one("#cb-caller", Static).update(labelled("回访电话", f"{caller_phone(self.app, state.number, state.phone, state.confidential)}  "
                      f"{caller_name(self.app, state.caller_name, state.caller_title, state.confidential)}"))
        self.query_one("#cb-order", Static).update(labelled(state.number, f"{unit}承办｜{state.description}"))
        self.query_one("#cb-reply", Static).update(content(state.reply))
        self.query_one("#cb-script", Static).update(content(callback_script(self.phrasebook, state, unit)))
        tries = ""
        if state.callback_failures:
            gap = self.store.rules.callback_min_gap_minutes
            last = state.callback_failed_at
            when = f"（{last:%H:%M}），{last + timedelta(minutes=gap):%H:%M} 后" if last else "，"
            tries = (f"已拨打未接通 {state.callback_failures} 次{when}再拨仍未接通将记为无法联系"
                     f"（R-32：两次尝试至少间隔{gap}分钟）")
        self.query_one("#cb-attempts", Static).update(content(tries))

    # -- actions ----------------------------------------------------------------------------

    def action_failed(self, outcome: str) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]
        rules = self.store.rules

        def record(state: OrderState) -> None:
            at = self.now()
            before = state.callback_failures
            if not failed_try_counts(state, at, rules):
                done = (f"{number} {FAILED[outcome]}，已记录；距上次未接通不足{rules.callback_min_gap_minutes}分钟，"
                        f"不计为第{before + 1}次尝试（R-32）")
            elif before + 1 >= rules.callback_max_failures:
                done = f"{number} {FAILED[outcome]}，第{before + 1}次未接通，已记为无法联系（R-32）"
            else:
                done = f"{number} {FAILED[outcome]}，已记录第{before + 1}次未接通"
            event = NewEvent(Kind.CALLBACK_ATTEMPTED, {"outcome": outcome}, self.actor, number, at=at)
            self.record_result([event], done, number)

        self.with_state(number, record)

    def action_done(self, result: str) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]
        self.record_result([
            NewEvent(Kind.CALLBACK_ATTEMPTED, {"outcome": "reached"}, self.actor, number),
            NewEvent(Kind.CALLBACK_DONE, {"result": result}, self.actor, number),
        ], f"{number} 回访{result}，已办结", number)

    def record_result(self, events: list[NewEvent], done: str, number: str):
        """A callback result, with its undo named in the status line while the order is on screen."""
        pending = self.record(events, f"{done}（{bound_key(self.app, 'callback.undo', 'z')} 撤销）")

        def recorded(result) -> None:
            if result.ok:
                self.last_result = number

        return pending.then(recorded)

    def action_undo(self) -> None:
        number = self.last_result
        if number is None:
            self.say("本次没有可撤销的回访结果", error=True)
            return
        self.record([NewEvent(Kind.CALLBACK_UNDONE, {}, self.actor, number)],
                    f"{number} 已撤销上一次回访结果，工单回到待回访")

    def action_unsatisfied(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]

        def sent_back(result) -> None:
            if result.ok:  # it has gone back to the unit: no callback result left to take back
                self.last_result = None

        def submit(words: str):
            return self.record([
                NewEvent(Kind.CALLBACK_ATTEMPTED, {"outcome": "reached"}, self.actor, number),
                NewEvent(Kind.CALLBACK_DONE, {"result": "不满意", "words": words}, self.actor, number),
                NewEvent(Kind.REWORK, {"reason": words}, self.actor, number),
            ], f"{number} 来电人不满意，已退回{unit_name(self.store, row['lead_unit'])}重办（R-33）").then(sent_back)

        self.app.push_screen(ReasonModal(f"不满意 {number}：记录来电人意见（R-33）", UNSATISFIED_WORDS, submit,
                                         placeholder="来电人的原话"))
