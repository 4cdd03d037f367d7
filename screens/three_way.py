"""三方通话 (R-14): opened from the intake form with the order's fields already filled in.

The agent picks the unit (its phone is shown), records that the reason was explained and whether
the caller agreed, each try at the unit's line (time, number, outcome), and notes of the
conversation. After two failed tries or a refusal the screen offers to turn the call into a
transfer with everything filled in. Saving records created(three_way) + three_way_call_logged in
one store command; the screen is dismissed with (Recorded, outcome label).

Keys: Alt+J / Alt+X / Alt+W record a try (接通 connected / 占线 busy / 无人接听 no answer; letters,
not digits: tmux and some terminals turn Alt+digit into other characters), F5 save as resolved, Alt+Z save as
transfer, Escape back to the form (nothing is lost: the form keeps its fields).
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Checkbox, Label, RadioButton, RadioSet, Static, TextArea

from console.domain.decide import THREE_WAY_TWO_TRIES, ThreeWayOffer, three_way_offer
from console.domain.units import suggest_units
from console.drafts import Drafts, draft_name
from screens.desk_style import SCREEN_TCSS
from screens.safe import content, field, labelled
from screens.widgets.choices import unit_choice, unit_source
from screens.widgets.fields import FieldTextArea
from screens.widgets.footer import StableFooter
from screens.widgets.keys_help import bound_key
from screens.widgets.picker import Picker
from screens.widgets.status_header import StatusHeader
from screens.widgets.worker_errors import ReportsWorkerErrors

OUTCOME_LABELS = {"connected": "接通", "busy": "占线", "no_answer": "无人接听"}


class ThreeWaySaved(Message):
    def __init__(self, recorded, outcome: str) -> None:
        super().__init__()
        self.recorded = recorded
        self.outcome = outcome


class ThreeWayScreen(ReportsWorkerErrors, Screen):
    CSS_PATH = SCREEN_TCSS
    BINDINGS = [
        Binding("alt+j", "attempt('connected')", "接通", id="three_way_connected", priority=True),
        Binding("alt+x", "attempt('busy')", "占线", id="three_way_busy", priority=True),
        Binding("alt+w", "attempt('no_answer')", "无人接听", id="three_way_no_answer", priority=True),
        Binding("f5", "save('resolved')", "保存：已解决", id="three_way_resolved"),
        Binding("alt+z", "save('transfer')", "转为转办", id="three_way_transfer", priority=True),
        Binding("escape", "back", "返回受理", id="three_way_back"),
    ]

    def __init__(self, payload: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.payload = payload
        self.attempts: list[dict] = []
        self.unit_phone = ""

    def compose(self) -> ComposeResult:
        p = self.payload
        yield StatusHeader()
        with VerticalScroll(id="three-way"):
            yield Static(content("三方通话"), id="three-way-title")
            yield Static(labelled("来电人：", f"{p.get('caller_name', '')}{p.get('caller_title', '')}  {p.get('phone', '')}"),
                         classes="tw-summary")
            yield Static(labelled("诉求：", p.get("description", "")), classes="tw-summary")
            with Horizontal(classes="row"):
                yield Label("承办单位", classes="field-label")
                yield Picker(unit_source(self.app.units), placeholder="单位名称或拼音首字母，如 zjj 住建局", id="tw-unit")
            yield Static("", id="tw-unit-phone")
            yield Static("", id="tw-unit-error", classes="field-error")
            yield Checkbox("已向来电人说明转接原因和承办单位", id="tw-explained", compact=True)
            with RadioSet(id="tw-consent", compact=True):
                yield RadioButton("来电人同意三方通话", id="consent-yes")
                yield RadioButton("来电人不同意", id="consent-no")
            yield Static("", id="tw-consent-error", classes="field-error")
            keys = [bound_key(self.app, f"three_way_{what}", default)
                    for what, default in (("connected", "alt+j"), ("busy", "alt+x"), ("no_answer", "alt+w"))]
            yield Static(content(f"拨打记录（{keys[0]} 接通，{keys[1]} 占线，{keys[2]} 无人接听）"), classes="panel-title")
            yield Vertical(id="tw-attempts")
            yield Static("", id="tw-attempts-error", classes="field-error")
            yield Label("通话记录", classes="field-label")
            yield FieldTextArea(id="tw-notes", soft_wrap=True, tab_behavior="focus")
            yield Static("", id="tw-offer")
        yield StableFooter(compact=True)

    def on_mount(self) -> None:
        self.drafts = Drafts(self.app.data_dir, draft_name("three_way", self.app.actor.operator))
        draft = self.drafts.load()
        if draft and draft.get("call") == self.call_key():
            self.restore(draft)  # the same call, after a crash or Esc: tries and notes come back
        else:
            suggested = suggest_units(self.app.units, self.payload.get("description", ""), limit=1)
            if suggested:
                self.set_unit(suggested[0][0])
        self.query_one("#tw-unit", Picker).focus()
        self.refresh_offer()

    # -- draft ------------------------------------------------------------------------------

    def call_key(self) -> str:
        p = self.payload
        return f"{p.get('call_time', '')}|{p.get('phone', '')}"

    def save_draft(self) -> None:
        self.drafts.save({
            "call": self.call_key(), "unit": self.unit_code or "", "attempts": self.attempts,
            "explained": self.query_one("#tw-explained", Checkbox).value,
            "consent": "" if self.consent is None else ("yes" if self.consent else "no"),
            "notes": self.query_one("#tw-notes", TextArea).text,
        })

    def restore(self, draft: dict) -> None:
        unit = next((u for u in self.app.units if u.code == draft.get("unit")), None)
        if unit is not None:
            self.set_unit(unit)
        self.query_one("#tw-explained", Checkbox).value = bool(draft.get("explained"))
        if draft.get("consent") in ("yes", "no"):
            self.query_one(f"#consent-{draft['consent']}", RadioButton).value = True
        self.query_one("#tw-notes", TextArea).text = field(draft.get("notes"))
        for attempt in draft.get("attempts") or []:
            self._show_attempt(attempt)

    @on(Checkbox.Changed)
    @on(RadioSet.Changed)
    @on(TextArea.Changed)
    @on(Picker.Picked)
    def _changed(self, event) -> None:
        if self.is_mounted:
            self.save_draft()

    # -- state ------------------------------------------------------------------------------

    @property
    def unit_code(self) -> str | None:
        return self.query_one("#tw-unit", Picker).value

    @property
    def consent(self) -> bool | None:
        pressed = self.query_one("#tw-consent", RadioSet).pressed_button
        return None if pressed is None else pressed.id == "consent-yes"

    @property
    def offer(self) -> ThreeWayOffer:
        return three_way_offer(self.attempts)

    @property
    def failed(self) -> int:
        return self.offer.failed

    @property
    def connected(self) -> bool:
        return self.offer.connected

    def set_unit(self, unit) -> None:
        self.query_one("#tw-unit", Picker).choose(unit_choice(unit))
        self._unit_changed()

    @on(Picker.Picked, "#tw-unit")
    def _unit_changed(self, event=None) -> None:
        code = self.unit_code
        unit = next((u for u in self.app.units if u.code == code), None)
        self.unit_phone = unit.phone if unit else ""
        text = f"☎ {unit.phone}（{unit.name}）" if unit else "请选择承办单位"
        self.query_one("#tw-unit-phone", Static).update(content(text))

    @on(RadioSet.Changed, "#tw-consent")
    def _consent_changed(self, event) -> None:
        self.refresh_offer()

    def transfer_key(self) -> str:
        return bound_key(self.app, "three_way_transfer", "alt+z")

    def refresh_offer(self) -> None:
        offer = self.query_one("#tw-offer", Static)
        reason = ""
        if self.consent is False:
            reason = "来电人不同意三方通话"
        elif self.offer.may_transfer:  # R-14, as decide() counts it
            reason = f"承办单位已{self.failed}次未接通"
        if reason:
            offer.update(content(f"{reason}：按 {self.transfer_key()} 转为转办工单（来电人、诉求、拨打记录已填好）"))
        else:
            offer.update("")
        offer.set_class(bool(reason), "-shown")

    # -- actions ----------------------------------------------------------------------------

    def action_attempt(self, outcome: str) -> None:
        if not self.unit_code:
            self._error("tw-unit", "请先选择承办单位")
            return
        at = self.app.wallclock().isoformat(timespec="seconds")
        self._show_attempt({"at": at, "number": self.unit_phone, "outcome": outcome})
        self.save_draft()

    def _show_attempt(self, attempt: dict) -> None:
        self.attempts.append(attempt)
        line = (f"第{len(self.attempts)}次  {attempt['at'][11:19]}  {attempt['number']}  "
                f"{OUTCOME_LABELS.get(attempt['outcome'], attempt['outcome'])}")
        self.query_one("#tw-attempts", Vertical).mount(Static(content(line), classes="tw-attempt"))
        self.refresh_offer()

    def action_back(self) -> None:
        self.dismiss(None)

    def _error(self, field: str, message: str) -> None:
        slot = self.query_one(f"#{field}-error", Static)
        slot.update(content(message))
        slot.add_class("-shown")
        target = {"tw-attempts": "tw-unit"}.get(field, field)
        self.query_one(f"#{target}").focus()

    def _clear_errors(self) -> None:
        for slot in self.query(".field-error"):
            slot.update("")
            slot.remove_class("-shown")

    def check(self, outcome: str) -> tuple[str, str] | None:
        if not self.unit_code:
            return "tw-unit", "请选择承办单位"
        if outcome == "resolved":
            if not self.query_one("#tw-explained", Checkbox).value:
                return "tw-explained-hint", ""
            if self.consent is not True:
                return "tw-consent", f"来电人同意后才能进行三方通话；不同意请按 {self.transfer_key()} 转为转办"
            if not self.connected:
                return "tw-attempts", f"尚未接通承办单位：接通后按 {bound_key(self.app, 'three_way_connected', 'alt+j')} 记录"
        else:
            if self.consent is None:
                return "tw-consent", "请记录来电人是否同意三方通话"
            if self.consent and self.offer.must_keep_trying:
                return "tw-attempts", THREE_WAY_TWO_TRIES
        return None

    def action_save(self, outcome: str) -> None:
        self._clear_errors()
        problem = self.check(outcome)
        if problem == ("tw-explained-hint", ""):
            self._error("tw-consent", "请先向来电人说明转接原因和承办单位，并勾选“已说明”")
            self.query_one("#tw-explained").focus()
            return
        if problem:
            self._error(*problem)
            return
        notes = self.query_one("#tw-notes", TextArea).text.strip()
        if self.query_one("#tw-explained", Checkbox).value:
            notes = "【已向来电人说明原因及承办单位】" + notes
        log = {"unit": self.unit_code, "consent": bool(self.consent), "attempts": list(self.attempts),
               "notes": notes, "outcome": outcome}
        self._save_worker(log)

    @work(thread=True, exclusive=True, exit_on_error=False, group="three_way_save")
    def _save_worker(self, log: dict) -> None:
        from screens.order_commands import record_three_way

        rec = record_three_way(self.app.store, self.payload, log, self.app.actor)
        self.post_message(ThreeWaySaved(rec, log["outcome"]))

    def on_three_way_saved(self, message: ThreeWaySaved) -> None:
        rec = message.recorded
        if not rec.ok:
            self.app.notify(f"未保存：{rec.reason}", severity="error", markup=False)
            field = {"unit": "tw-unit", "consent": "tw-consent", "attempt": "tw-attempts"}.get(rec.code)
            if field:
                self._error(field, rec.reason)
            return
        label = "已解决" if message.outcome == "resolved" else "已转为转办"
        self.drafts.clear()
        self.dismiss((rec, label))
