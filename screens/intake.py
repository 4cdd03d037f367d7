"""受理: the call-taker's work-order form with the standard-phrasing panel, the caller's history
(R-11) and similar open orders (并单) beside it.

Keys (ids in brackets, remappable): F5 save [save_order], F8 new call [new_call], F9 hold
[toggle_hold], Alt+H the panel's line said (on hold: the hold phrase) [hold_said], Alt+P phrases [pick_phrase], Alt+T three-way
call [three_way], Alt+Y caller history [caller_history], Alt+O open order [open_order], Alt+I
progress inquiry [progress_inquiry], Alt+D link duplicate [link_duplicate], Alt+U undo link
[unmerge], Alt+M message queue [message_queue] (issue 14), Alt+K knowledge panel [kb_panel] (the KBPanel, mounted in the form on first
use so the form stays light; Alt+A inside the panel is its "答复" key, so F9 holds the call even while searching).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Checkbox, Digits, Input, Label, RadioButton, RadioSet, Static, TextArea

from console.channels_source import shipped_channels
from console.domain.channels import PHONE
from console.domain.phone import PhoneError, normalise_phone
from console.drafts import Drafts, draft_name, is_blank
from console.log import log
from screens import intake_check
from screens.desk_style import SCREEN_TCSS
from screens.safe import content, field
from screens.widgets.ask import AskModal
from screens.widgets.choices import (
    channel_source,
    content_source,
    nature_source,
    phrase_source,
    reply_method_source,
)
from screens.widgets.fields import FieldTextArea, OneLineInput, set_pressed
from screens.widgets.footer import StableFooter
from screens.widgets.kb_panel import KBPanel
from screens.widgets.keys_help import bound_key, raw_key
from screens.widgets.order_panels import CallerHistory, SimilarOrders
from screens.widgets.phrasing_panel import PhrasingPanel
from screens.widgets.phrasing_warning import forbidden_warning
from screens.widgets.picker import Choice, Picker
from screens.widgets.route_hint import ClassHint
from screens.widgets.slots import show as show_text
from screens.widgets.status_header import StatusHeader
from screens.widgets.worker_errors import ReportsWorkerErrors

if TYPE_CHECKING:  # the store loads in a worker after the form paints (start-up cost)
    from console.domain.roles import Actor
    from console.store import Recorded

DRAFT_DELAY = 0.5
SIMILAR_DELAY = 0.4
CTI_POLL = 1.0  # seconds between asking the centre for this seat's calls (a connected seat only)
PRESET_DISPOSITION = "transfer"  # what a fresh form has chosen


def message_fields(message: dict | None) -> dict:
    """The form's keys for the written message it was filled from (kept in the draft too)."""
    if not message:
        return {}
    return {"channel_message_id": message["message_id"], "channel_text": message["text"],
            "_message_token": message["token"]}


def message_of(f: dict) -> dict | None:
    if not f.get("_message_token"):
        return None
    return {"token": f["_message_token"], "message_id": f.get("channel_message_id") or "",
            "text": f.get("channel_text") or ""}


def disposition_class(disposition: str) -> str:
    """The form's class while `disposition` is chosen: the stylesheet shows that disposition's rows."""
    return f"-{disposition.replace('_', '-')}"


TITLE_IDS = {"title-m": "先生", "title-f": "女士"}
DEFAULTS = ("disposition", "channel")  # set by the form itself: not something the agent typed


class CommandDone(Message):
    """A store command of the form finished in a worker; a rejection is handled the same for all."""

    def __init__(self, recorded: Recorded) -> None:
        super().__init__()
        self.recorded = recorded


class OrderRecorded(CommandDone):
    """This call's order was recorded: saved, linked as a duplicate of `target`, or after a
    three-way call (`outcome_label`)."""

    def __init__(self, recorded: Recorded, how: str = "save", target: str = "", outcome_label: str = "") -> None:
        super().__init__(recorded)
        self.how, self.target, self.outcome_label = how, target, outcome_label


class InquiryRecorded(CommandDone):
    """A progress inquiry on an earlier order (R-11) was recorded."""


class UnmergeRecorded(CommandDone):
    """The duplicate link of this call's order was undone."""


class HistoryFound(Message):
    """The caller's earlier orders, for the phone number `key`."""

    def __init__(self, rows: list[dict], key: str) -> None:
        super().__init__()
        self.rows, self.key = rows, key


class SimilarFound(Message):
    """Open orders like the one being typed (the duplicate check)."""

    def __init__(self, rows: list[dict]) -> None:
        super().__init__()
        self.rows = rows


class OrderOpened(Message):
    """An earlier order's row and events, read in a worker, to show in the order view."""

    def __init__(self, row: dict | None, events: list[dict]) -> None:
        super().__init__()
        self.row, self.events = row, events


class CallsSeen(Message):
    """The live calls the telephone system reports at this seat (read from the centre)."""

    def __init__(self, calls: list[dict]) -> None:
        super().__init__()
        self.calls = calls


class LinkPrepared(Message):
    """The form's fields completed from the order the call duplicates, read in a worker."""

    def __init__(self, fields: dict, target: str) -> None:
        super().__init__()
        self.fields, self.target = fields, target


class IntakeScreen(ReportsWorkerErrors, Screen):
    CSS_PATH = SCREEN_TCSS
    BINDINGS = [
        Binding("f5", "save_order", "保存", id="save_order"),
        Binding("f8", "new_call", "新来电", id="new_call"),
        Binding("f9", "toggle_hold", "保持", id="toggle_hold"),
        Binding("alt+h", "hold_said", "已说", id="hold_said", priority=True),  # the panel's line (on hold: 稍等)
        Binding("alt+p", "pick_phrase", "话术", id="pick_phrase", priority=True),
        Binding("alt+t", "three_way", "三方", id="three_way", priority=True),
        Binding("alt+y", "caller_history", "历史", id="caller_history", priority=True),
        Binding("alt+o", "open_order", "查看", id="open_order", priority=True),
        Binding("alt+i", "progress_inquiry", "查进度", id="progress_inquiry", priority=True),
        Binding("alt+d", "link_duplicate", "并单", id="link_duplicate", priority=True),
        Binding("alt+u", "unmerge", "撤销并单", id="unmerge", priority=True),
        Binding("alt+k", "kb_panel", "知识库", id="kb_panel", priority=True),
        Binding("alt+m", "message_queue", "留言", id="message_queue", priority=True),  # issue 14
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.saved_number: str | None = None
        self._linked_number: str | None = None  # the last call linked as a duplicate (for Alt+U)
        self.kb_article = ""
        self.channel_message: dict | None = None  # the written message this form was filled from (issue 14)
        self.call_time = ""
        self._draft_timer: Timer | None = None
        self.draft_fields: dict | None = None  # the form as of the last change
        self._similar_timer: Timer | None = None
        self._history_key = ""
        self.phrasing_warnings: list[str] = []  # R-44 phrases warned about in this call (recorded on save)
        self.popped_call: str | None = None  # the telephone system's id of the call this form took (issue 14)
        self._saving_marks = 0  # how many of the call's marks the order being saved carries
        self._open_call: tuple[str, Actor] | None = None  # the saved order whose call has not ended yet

    # -- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        app = self.app
        yield StatusHeader()
        with Horizontal(id="intake-body"):
            with VerticalScroll(id="form", classes=disposition_class(PRESET_DISPOSITION)):  # no restyle at mount
                with Vertical(id="order-banner"):
                    yield Static("", id="order-banner-label")
                    yield Digits("", id="order-number")
                with Horizontal(classes="row"):  # issue 14: the channel the matter came by
                    yield Label("受理渠道", classes="field-label")
                    yield Picker(channel_source(shipped_channels), placeholder="如 dh 电话、dx 短信", id="channel",
                                 show_all_on_focus=True)
                yield Static("", id="channel-error", classes="field-error")
                with Horizontal(classes="row"):
                    yield Label("来电人", classes="field-label")
                    yield OneLineInput(placeholder="姓名或姓", id="caller_name", max_length=20, compact=True)
                    with RadioSet(id="caller_title", compact=True):
                        yield RadioButton("先生", id="title-m")
                        yield RadioButton("女士", id="title-f")
                yield Static("", id="caller_name-error", classes="field-error")
                yield Static("", id="caller_title-error", classes="field-error")
                with Horizontal(classes="row"):
                    yield Label("联系电话", classes="field-label")
                    yield OneLineInput(placeholder="手机或区号+固话，分机用“转”", id="phone", max_length=30, compact=True)
                yield Static("", id="phone-error", classes="field-error")
                with Horizontal(classes="row"):
                    yield Label("单位/地址", classes="field-label")
                    yield OneLineInput(placeholder="单位名称或住址", id="address", max_length=100, compact=True)
                yield Static("", id="address-error", classes="field-error")
                with Horizontal(classes="row"):
                    yield Label("来电时间", classes="field-label")
                    yield Static("", id="call_time")
                yield Label("问题描述", classes="field-label")
                yield FieldTextArea(id="description", soft_wrap=True, tab_behavior="focus")
                yield Static("", id="description-error", classes="field-error")
                with Horizontal(classes="row"):
                    yield Label("性质分类", classes="field-label")
                    yield Picker(nature_source(lambda: app.taxonomy), placeholder="如 ts 投诉", id="nature",
                                 show_all_on_focus=True)
                yield Static("", id="nature-error", classes="field-error")
                with Horizontal(classes="row"):
                    yield Label("内容分类", classes="field-label")
                    yield Picker(content_source(lambda: app.taxonomy), placeholder="中文或拼音首字母，如 gs 供水",
                                 id="content")
                yield Static("", id="content-error", classes="field-error")
                yield ClassHint(id="class-hint", classes="field-hint")
                with Horizontal(classes="row"):
                    yield Checkbox("需要回复", id="reply_wanted", compact=True)
                    yield Picker(reply_method_source, placeholder="回复方式，如 dh 电话", id="reply_method",
                                 show_all_on_focus=True)
                yield Static("", id="reply_method-error", classes="field-error")
                with Horizontal(classes="row"):
                    yield Checkbox("紧急诉求", id="urgent", compact=True)
                    yield Checkbox("来电人信息保密", id="confidential", compact=True)
                    yield Checkbox("投诉话务员", id="staff_complaint", compact=True)
                yield Label("处置方式", classes="field-label")
                with RadioSet(id="disposition", compact=True):
                    for value, label in intake_check.DISPOSITIONS:
                        yield RadioButton(label, id=f"disp-{value}", value=(value == PRESET_DISPOSITION))
                yield Static("", id="disposition-error", classes="field-error")
                with Horizontal(classes="row", id="reason-row"):
                    yield Label("不受理原因", classes="field-label")
                    yield OneLineInput(placeholder="超出本级行政职权的事项等", id="reason", max_length=200, compact=True)
                yield Static("", id="reason-phrasing", classes="phrasing-warning")
                yield Static("", id="reason-error", classes="field-error")
                with Horizontal(classes="row", id="answer-row"):
                    yield Label("答复内容", classes="field-label")
                    yield OneLineInput(placeholder=f"答复来电人的内容，或按 {bound_key(app, 'kb_panel', 'alt+k')} 选用知识库",
                                id="answer", compact=True)
                yield Static("", id="answer-phrasing", classes="phrasing-warning")
                yield Static("", id="kb-article")
                yield Static("", id="answer-error", classes="field-error")
                yield Vertical(id="kb-slot")  # the KB panel is mounted here on first use (Alt+K)
            with Vertical(id="side"):
                yield PhrasingPanel(app.phrasebook, clock=app.monotonic, trainee_no=app.trainee_no,
                                    holiday=app.holiday, id="phrasing")
                yield Picker(phrase_source(app.phrasebook.keys()), placeholder=f"话术 {bound_key(app, 'pick_phrase', 'alt+p')}：拼音首字母，如 jsy 结束语",
                             id="phrase-picker", show_all_on_focus=True)
                yield CallerHistory(id="history")
                yield SimilarOrders(id="similar")
        yield StableFooter(compact=True)

    def on_mount(self) -> None:
        self.drafts: Drafts | None = None
        self.recorder = self.panel.recorder  # kept: the call's end is recorded after the form is gone too
        if self.app.actor is not None:
            self._bind_operator()

    def on_screen_resume(self) -> None:
        if self.drafts is None and self.app.actor is not None:  # built while the sign-in form showed
            self._bind_operator()

    def _bind_operator(self) -> None:
        """The signed-in operator's call: their own draft back (drafts are per operator), the
        trainee number in the greeting. The app may build this screen while the sign-in form is
        showing, so the first call after signing in does not wait for it."""
        self.panel.trainee_no = self.app.trainee_no
        self.drafts = Drafts(self.app.data_dir, draft_name("intake", self.app.actor.operator))
        draft = self.drafts.load()
        self._start_call(draft, fill=draft is not None)
        self.query_one("#caller_name", Input).focus()
        self._show_disposition()
        if draft and not is_blank(draft, DEFAULTS):
            self.app.notify("已恢复上次未保存的受理内容", markup=False)
        self.set_interval(CTI_POLL, self._poll_calls)  # issue 14: the telephone system's screen pop

    # -- reading and writing the form ------------------------------------------------------

    @property
    def panel(self) -> PhrasingPanel:
        return self.query_one(PhrasingPanel)

    def fields(self) -> dict:
        q = self.query_one
        title = q("#caller_title", RadioSet).pressed_button
        disposition = q("#disposition", RadioSet).pressed_button
        return {
            "channel": q("#channel", Picker).value or PHONE,
            "caller_name": q("#caller_name", Input).value,
            "caller_title": TITLE_IDS.get(title.id, "") if title else "",
            "phone": q("#phone", Input).value,
            "address": q("#address", Input).value,
            "description": q("#description", TextArea).text,
            "nature": q("#nature", Picker).value,
            "nature_text": q("#nature", Picker).text,
            "content_path": q("#content", Picker).value,
            "content_text": q("#content", Picker).text,
            "reply_wanted": q("#reply_wanted", Checkbox).value,
            "reply_method": q("#reply_method", Picker).value or "",
            "urgent": q("#urgent", Checkbox).value,
            "confidential": q("#confidential", Checkbox).value,
            "staff_complaint": q("#staff_complaint", Checkbox).value,
            "disposition": disposition.id.removeprefix("disp-") if disposition else "",
            "reason": q("#reason", Input).value,
            "answer": q("#answer", Input).value,
            "kb_article": self.kb_article,
            "_call_time": self.call_time,
            "_phrasing_warnings": list(self.phrasing_warnings),
            "_call_log": self.panel.recorder.entries(),  # screens/widgets/call_recorder.py
            "_call_seconds": self.panel.recorder.seconds(),  # a recovered call's clock goes on from here
            "_call_id": self.popped_call or "",
            **message_fields(self.channel_message),
        }

    def fill(self, f: dict) -> None:
        q = self.query_one
        channel = f.get("channel") or PHONE
        q("#channel", Picker).choose(Choice(channel, channel))
        q("#caller_name", Input).value = field(f.get("caller_name"))
        title_id = next((i for i, t in TITLE_IDS.items() if t == f.get("caller_title")), None)
        set_pressed(q("#caller_title", RadioSet), title_id)  # none pressed: the highlight on 先生
        q("#phone", Input).value = field(f.get("phone"))
        q("#address", Input).value = field(f.get("address"))
        q("#description", TextArea).text = field(f.get("description"))
        nature = f.get("nature")
        q("#nature", Picker).choose(Choice(nature, nature) if nature else None)
        path = f.get("content_path")
        q("#content", Picker).choose(Choice(list(path), f.get("content_text") or " / ".join(path)) if path else None)
        q("#reply_wanted", Checkbox).value = bool(f.get("reply_wanted"))
        method = f.get("reply_method")
        q("#reply_method", Picker).choose(Choice(method, method) if method else None)
        q("#urgent", Checkbox).value = bool(f.get("urgent"))
        q("#confidential", Checkbox).value = bool(f.get("confidential"))
        q("#staff_complaint", Checkbox).value = bool(f.get("staff_complaint"))
        codes = [value for value, _label in intake_check.DISPOSITIONS]
        disposition = f.get("disposition") if f.get("disposition") in codes else PRESET_DISPOSITION
        set_pressed(q("#disposition", RadioSet), f"disp-{disposition}")
        q("#reason", Input).value = field(f.get("reason"))
        q("#answer", Input).value = field(f.get("answer"))
        self.kb_article = f.get("kb_article") or ""
        self.channel_message = message_of(f)
        q("#kb-article", Static).update(content(f"知识库条目：{self.kb_article}" if self.kb_article else ""))
        self._show_disposition(disposition)

    def _start_call(self, draft: dict | None = None, fill: bool = True) -> None:
        self.end_call()
        self.saved_number = None
        self.popped_call = str((draft or {}).get("_call_id") or "") or None
        self.phrasing_warnings = list((draft or {}).get("_phrasing_warnings") or [])
        self.draft_fields = dict(draft) if draft else None
        self.query_one("#order-banner").remove_class("-shown")
        if fill:  # a fresh form needs no filling (start-up cost)
            self.fill(draft or {})
        else:
            self.query_one("#channel", Picker).choose(Choice(PHONE, PHONE))  # an intake seat answers calls
        self.call_time = (draft or {}).get("_call_time") or self.app.wallclock().isoformat(timespec="seconds")
        recovered = bool((draft or {}).get("_call_time"))  # the call began before a crash or a sign-out
        self.query_one("#call_time", Static).update(content(self.call_time.replace("T", " ")
                                                            + ("（恢复的草稿）" if recovered else "")))
        self.clear_errors()
        for slot in self.query(".phrasing-warning").results(Static):
            slot.update("")
            slot.remove_class("-shown")
        self.query_one(CallerHistory).show([])
        self.query_one(SimilarOrders).show([])
        self._history_key = ""
        if draft:  # the call goes on: its marks so far and its clock (docs/quality.md)
            seconds = draft.get("_call_seconds")
            marks = draft.get("_call_log")
            self.panel.start_call(float(seconds) if isinstance(seconds, (int, float)) else 0.0,
                                  [m for m in marks if isinstance(m, dict)] if isinstance(marks, list) else [])
        else:
            self.panel.start_call()
        if draft:
            self._caller_changed()

    # -- errors -----------------------------------------------------------------------------

    def clear_errors(self) -> None:
        for widget in self.query(".field-error"):
            show_text(widget, "")
            widget.remove_class("-shown")
        for widget in self.query(".-invalid-field"):
            widget.remove_class("-invalid-field")

    def show_errors(self, errors: list[tuple[str, str]]) -> None:
        self.clear_errors()
        for name, message in errors:
            slot = self.query_one(f"#{name}-error", Static)
            show_text(slot, message)
            slot.add_class("-shown")
            self.query_one(f"#{name}").add_class("-invalid-field")
        if errors:
            self.focus_field(errors[0][0])

    def focus_field(self, name: str) -> None:
        widget = self.query_one(f"#{name}")
        widget.focus()
        widget.scroll_visible()

    # -- change handlers --------------------------------------------------------------------

    def _changed(self) -> None:
        """Any edit: the draft in memory follows at once (so what was typed a moment before F10 or a
        crash is kept); the file is written at most every DRAFT_DELAY seconds, and at unmount."""
        self.draft_fields = self.fields()
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.save_draft)

    def save_draft(self) -> None:
        self.draft_fields = self.fields()
        self._write_draft(self.draft_fields)

    def _write_draft(self, fields: dict) -> None:
        if self.drafts is None:  # no operator signed in yet: nothing typed to keep
            return
        try:
            if self.saved_number or is_blank(fields, DEFAULTS):
                self.drafts.clear()
            else:
                self.drafts.save(fields)
        except OSError as exc:  # a full or read-only disk: say so, keep the form as it is
            log("intake").error("draft not written: %s", exc.strerror or exc)
            if self.is_attached:
                self.app.notify(f"草稿无法保存：{exc.strerror or exc}", severity="error", markup=False)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    @on(RadioSet.Changed)
    @on(Picker.Picked)
    def _any_change(self, event) -> None:
        self._changed()
        panel = self.panel
        control = getattr(event, "control", None)
        typed = control is not None and (control.has_focus or control.has_focus_within)
        if typed and control.id and control.id != "phone":  # the agent is fixing it: the old message goes
            for slot in self.query(f"#{control.id}-error.-shown"):
                show_text(slot, "")
                slot.remove_class("-shown")
            control.remove_class("-invalid-field")
        if typed and panel.key == "greeting" and not panel.on_hold and not self.saved_number:
            if not self.query_one("#caller_name", Input).value.strip():
                panel.show("ask_surname")  # the caller has started: ask who is calling

    @on(Input.Changed, "#phone")
    def _phone_changed(self, event: Input.Changed) -> None:
        slot = self.query_one("#phone-error", Static)
        text = event.value.strip()
        phone = None
        try:
            phone = normalise_phone(text)
        except PhoneError as exc:
            complete = len([c for c in text if c.isdigit()]) >= 11 or any(c.isalpha() for c in text)
            message = str(exc) if (text and complete) else ""
            show_text(slot, message)
            slot.set_class(bool(message), "-shown")
            slot.remove_class("-ok")
        if phone is not None:
            kind = "手机" if phone.kind == "mobile" else "固话"
            show_text(slot, f"✓ {kind} {phone.number}")
            slot.add_class("-shown", "-ok")
            self.query_one("#phone").remove_class("-invalid-field")
            self.lookup_history(phone.number)
        else:
            slot.remove_class("-ok")

    @on(Input.Changed, "#answer")
    @on(Input.Changed, "#reason")
    def _said_to_caller(self, event: Input.Changed) -> None:
        """R-44: what the agent will say to the caller is checked as it is typed."""
        warning, phrases = forbidden_warning(self.app.phrasebook, event.value)
        slot = self.query_one(f"#{event.input.id}-phrasing", Static)
        slot.update(warning)
        slot.set_class(bool(phrases), "-shown")
        self.phrasing_warnings += [p for p in phrases if p not in self.phrasing_warnings]

    @on(Input.Changed, "#caller_name")
    @on(RadioSet.Changed, "#caller_title")
    def _caller_changed(self, event=None) -> None:
        f = self.fields()
        self.panel.set_caller(f["caller_name"], f["caller_title"])
        if f["caller_name"].strip() and f["caller_title"] and self.panel.key in ("greeting", "ask_surname"):
            self.panel.show("address_answer")

    @on(Input.Changed, "#address")
    @on(TextArea.Changed, "#description")
    def _matter_changed(self, event) -> None:
        if self._similar_timer is not None:
            self._similar_timer.stop()
        self._similar_timer = self.set_timer(SIMILAR_DELAY, self.lookup_similar)
        f = self.fields()
        self.query_one(ClassHint).schedule(f["description"], f["address"])

    @on(RadioSet.Changed, "#disposition")
    def _disposition_changed(self, event: RadioSet.Changed) -> None:
        self._show_disposition()

    def _show_disposition(self, disposition: str | None = None) -> None:
        disposition = disposition or self.fields()["disposition"]
        form = self.query_one("#form")
        for value, _label in intake_check.DISPOSITIONS:
            form.set_class(value == disposition, disposition_class(value))

    def on_descendant_focus(self, event) -> None:
        widget = event.widget
        if widget.id == "disposition" and self.panel.key in ("greeting", "ask_surname", "address_answer"):
            self.panel.show("confirm")

    # -- lookups (workers) ------------------------------------------------------------------

    def lookup_history(self, phone: str) -> None:
        if self.app.store is None or phone == self._history_key:
            return
        self._history_key = phone
        self._history_worker(phone)

    @work(thread=True, exclusive=True, exit_on_error=False, group="history")
    def _history_worker(self, phone: str) -> None:
        rows = self.app.store.caller_orders(phone, limit=20)
        self.post_message(HistoryFound(rows, phone))

    def lookup_similar(self) -> None:
        if self.app.store is None:
            return
        f = self.fields()
        text, address = f["description"].strip(), f["address"].strip()
        if len(text) < 4 and len(address) < 3:
            self.query_one(SimilarOrders).show([])
            return
        self._similar_worker(text, address)

    @work(thread=True, exclusive=True, exit_on_error=False, group="similar")
    def _similar_worker(self, text: str, address: str) -> None:
        from screens.widgets.similar import similar_open_orders

        rows, _how = similar_open_orders(self.app.store, text, address, limit=8)
        self.post_message(SimilarFound(rows))

    @on(HistoryFound)
    def _history_found(self, message: HistoryFound) -> None:
        if message.key != self._history_key:
            return
        note = "该号码没有历史工单" if not message.rows else ""
        self.query_one(CallerHistory).show(message.rows, note=note, units=self.app.unit_names)

    @on(SimilarFound)
    def _similar_found(self, message: SimilarFound) -> None:
        rows = [r for r in message.rows if r["number"] != self.saved_number]
        self.query_one(SimilarOrders).show(rows, note="没有相似的在办工单" if not rows else "",
                                           units=self.app.unit_names)

    # -- saving -----------------------------------------------------------------------------

    def _ready(self) -> bool:
        if self.app.store is None or self.app.actor is None:
            self.app.notify("数据库正在打开，请稍候再保存（内容已保留）", severity="warning", markup=False)
            self.save_draft()
            return False
        if self.saved_number:
            self.app.notify(f"本次来电已保存为 {self.saved_number}；新来电请按 {bound_key(self.app, 'new_call', 'f8')}", markup=False)
            return False
        return True

    def action_save_order(self) -> None:
        f = self.fields()
        self.save_draft()
        errors = intake_check.check(f)
        if errors:
            self.show_errors(errors)
            return
        if f["disposition"] == "three_way":
            self.action_three_way()
            return
        if not self._ready():
            return
        self.clear_errors()
        payload = self._payload(f)
        self._save_worker(payload)

    def _payload(self, f: dict) -> dict:
        """The created payload of the form; the marks it carries are the call's up to the save."""
        payload = intake_check.payload(f, call_time=self.call_time, trainee_no=self.app.trainee_no)
        self._saving_marks = len(payload.get("call_log") or ())
        return payload

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def _save_worker(self, payload: dict) -> None:
        from screens.order_commands import record_order

        self.post_message(OrderRecorded(record_order(self.app.store, payload, self.app.actor)))

    def _refused(self, rec: Recorded) -> bool:
        """A rejected command: the reason under its field and in a toast (nothing was recorded)."""
        if rec.ok:
            return False
        field = intake_check.FIELD_OF_CODE.get(rec.code)
        if field:
            self.show_errors([(field, rec.reason)])
        self.app.notify(f"未保存：{rec.reason}", severity="error", markup=False)
        return True

    @on(OrderRecorded)
    def _order_recorded(self, message: OrderRecorded) -> None:
        if not self._refused(message.recorded):
            self.order_saved(message.recorded.orders[0], message)

    @on(InquiryRecorded)
    def _inquiry_recorded(self, message: InquiryRecorded) -> None:
        if not self._refused(message.recorded):
            self.app.notify(f"已记录对 {message.recorded.orders[0]} 的进度查询，回访坐席可见", markup=False)
            self.lookup_history_again()

    @on(UnmergeRecorded)
    def _unmerge_recorded(self, message: UnmergeRecorded) -> None:
        if not self._refused(message.recorded):
            number = message.recorded.orders[0]
            self.app.notify(f"已撤销并单：{number} 恢复为独立工单", markup=False)
            self.linked_number = None
            self.query_one("#order-banner-label", Static).update(content(f"受理编号 {number}（已撤销并单）"))

    def order_saved(self, number: str, how: OrderRecorded) -> None:
        self.saved_number = number
        if self.app.actor is not None:  # the closing line and what follows go on its call_ended event
            self.panel.recorder.saved(self._saving_marks)
            self._open_call = (number, self.app.actor)
        if self.channel_message is not None:  # the sender follows it by this number now (issue 14)
            self.message_ordered(self.channel_message["token"], number)
            self.channel_message = None
        if self.drafts is not None:
            self.drafts.clear()
        label = f"受理编号 {number}"
        if how.how == "duplicate":
            self.linked_number = number
            label += f"（已并入 {how.target}，{bound_key(self.app, 'unmerge', 'alt+u')} 撤销）"
        elif how.how == "three_way":
            label += f"（三方通话：{how.outcome_label}）"
        self.query_one("#order-banner-label", Static).update(content(label))
        self.query_one("#order-number", Digits).update(number)
        banner = self.query_one("#order-banner")
        banner.add_class("-shown")
        banner.scroll_visible()
        self.panel.show("closing")
        self.app.notify(f"已保存，受理编号 {number}", markup=False)

    # -- the telephone system's screen pop (issue 14) -------------------------------------------

    def _poll_calls(self) -> None:
        if self.app.store is not None and getattr(self, "_cti_on", None) is not False:
            self.poll_calls()

    @work(thread=True, exclusive=True, exit_on_error=False, group="cti")
    def poll_calls(self) -> None:
        from console.sync.calls import CallWatch, connected
        from console.sync.client import SyncError

        store = self.app.store
        if getattr(self, "_cti_on", None) is None:
            self._cti_on = connected(store)
            self.call_watch = CallWatch()
            if not self._cti_on:
                return
        try:
            with self._centre() as client:
                calls = client.cti_calls(self.call_watch.since)["calls"]
        except SyncError as exc:  # offline or refused: the next poll tries again
            log("cti").warning("calls not read from the centre: %s", exc)
            return
        live = self.call_watch.take(store, calls, self.app.actor.operator)
        if live:
            self.post_message(CallsSeen(live))

    @on(CallsSeen)
    def _calls_seen(self, message: CallsSeen) -> None:
        for call in message.calls:
            first = call["call_id"] not in self.call_watch.popped
            if first:
                self.call_watch.popped.add(call["call_id"])
                self.pop_call(call)
            elif call["call_id"] == getattr(self, "popped_call", None) and call["answered_at"]:
                self._time_call(call["answered_at"])

    def pop_call(self, call: dict) -> None:
        """A call ringing here: a blank form takes it (number, caller history, the call's own
        time); a form in use is left as it is and the agent is told."""
        number = call["caller"]
        if not (self.saved_number or is_blank(self.fields(), DEFAULTS)):
            self.app.notify(f"新来电 {number}：保存当前工单后按 {bound_key(self.app, 'new_call', 'f8')} 受理",
                            markup=False, timeout=10)
            return
        self.new_call()
        self.popped_call = call["call_id"]
        self.query_one("#phone", Input).value = field(number)  # the caller history follows the number
        self._time_call(call["answered_at"] or call["offered_at"])
        self.app.notify(f"来电 {number}（{'已接通' if call['answered_at'] else '振铃中'}）", markup=False)

    def _time_call(self, at: str) -> None:
        """The call time and the call timer from the telephone system's time, not the form's."""
        from datetime import datetime

        self.call_time = at
        self.query_one("#call_time", Static).update(content(at.replace("T", " ")))
        elapsed = max(0.0, (self.app.wallclock() - datetime.fromisoformat(at)).total_seconds())
        self.panel.call_started = self.panel.clock() - elapsed
        self.panel.refresh_panel()

    # -- the message queue (issue 14) ---------------------------------------------------------

    def action_message_queue(self) -> None:
        if self.app.store is None:
            self.app.notify("存储尚未就绪", markup=False)
            return
        from screens.message_queue import MessageQueue

        if self.saved_number:  # the last order is saved: a message starts a new one
            self.new_call()
        elif not is_blank(self.fields(), DEFAULTS):  # never write a message over what was typed
            self.app.notify(f"当前受理内容尚未保存：保存或按 {bound_key(self.app, 'new_call', 'f8')} 清空后再领取留言",
                            markup=False)
            return
        self.app.push_screen(MessageQueue(self._centre, self.app.actor.operator, self.app.actor.role,
                                          self.app.wallclock), self._message_taken)

    def _centre(self):
        from contextlib import closing

        from console.sync.session import client_for

        return closing(client_for(self.app.store))

    def _message_taken(self, m: dict | None) -> None:
        """The claimed message fills the (blank) form: its channel, text, sender and address."""
        if not m:
            return
        f = {"channel": m["channel"], "description": m["text"],
             "phone": m.get("sender_phone") or "", "address": m.get("address") or "",
             "caller_name": m.get("sender_name") or "",
             **message_fields({"token": m["token"], "message_id": m["message_id"], "text": m["text"]})}
        self.fill(f)
        self.app.notify(f"已领取{m['channel']}留言，请补全后保存（F5）", markup=False)

    @work(thread=True, exit_on_error=False, group="message")
    def release_message(self, token: str) -> None:
        """Back to the queue for any agent (issue 14)."""
        with self._centre() as client:
            client.release_message(token, self.app.actor.operator)

    @work(thread=True, exit_on_error=False, group="message")
    def message_ordered(self, token: str, number: str) -> None:
        with self._centre() as client:
            client.message_ordered(token, self.app.actor.operator, number)

    def lookup_history_again(self) -> None:
        key, self._history_key = self._history_key, ""
        if key:
            self.lookup_history(key)

    # -- call actions -----------------------------------------------------------------------

    # -- keys that only apply now and then ----------------------------------------------------

    @property
    def linked_number(self) -> str | None:
        return self._linked_number

    @linked_number.setter
    def linked_number(self, number: str | None) -> None:
        self._linked_number = number
        self.refresh_bindings()

    def footer_hidden_actions(self) -> set[str]:
        """Keys that apply only now and then are in the footer only then (StableFooter reads
        this), so the footer fits 160 columns with every global F-key. They stay enabled: pressed
        anyway they say why nothing happens, and never type their letter into a field."""
        history = sum(p.table.row_count for p in self.query(CallerHistory))  # none before mount
        similar = sum(p.table.row_count for p in self.query(SimilarOrders))
        hidden = set()
        if not self._linked_number:
            hidden.add("unmerge")
        if not (history or similar):
            hidden |= {"caller_history", "open_order"}
        if not history:
            hidden.add("progress_inquiry")
        if not similar:
            hidden.add("link_duplicate")
        return hidden

    def call_at_risk(self) -> str:
        """What dropping this call now would lose ("" when nothing): F8 and F10 ask first."""
        if self.panel.on_hold:
            return "通话正在保持中"
        if not self.saved_number and not is_blank(self.fields(), DEFAULTS):
            return "本次来电录入的内容尚未保存"
        return ""

    def footer_optional_actions(self) -> set[str]:
        """Keys the side panels name in their own titles: the first to leave a footer too narrow
        for all (StableFooter reads this), so the F-keys stay in it at 100 columns."""
        return {"unmerge", "progress_inquiry", "link_duplicate", "caller_history"}

    def action_new_call(self) -> None:
        at_risk = self.call_at_risk()
        if not at_risk:
            self.new_call()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.new_call()

        self.app.push_screen(AskModal(f"{at_risk}，开始新来电吗？", "开始新来电会清空表单并删除草稿。",
                                      "清空，开始新来电", raw_key(self.app, "new_call", "f8")), answered)

    def new_call(self) -> None:
        """A new call starts from the preset form: nothing of the last caller's carries over."""
        if self.channel_message is not None and not self.saved_number:  # a message taken, no order made of it
            self.release_message(self.channel_message["token"])
            self.channel_message = None
        if self.drafts is not None:
            self.drafts.clear()
        self.kb_article = ""
        self.linked_number = None
        for timer in (self._draft_timer, self._similar_timer):  # last call's pending writes and lookups
            if timer is not None:
                timer.stop()
        # the form's own resets are not the agent typing: no draft, no lookup, no phrasing step
        with self.prevent(Input.Changed, TextArea.Changed, Checkbox.Changed, RadioSet.Changed, Picker.Picked):
            self._start_call()
        self.draft_fields = None
        self.refresh_bindings()
        self.query_one("#caller_name", Input).focus()

    def action_toggle_hold(self) -> None:
        self.panel.toggle_hold()
        self.refresh_bindings()

    def action_hold_said(self) -> None:
        self.panel.said()

    # -- the end of a call whose order is saved ----------------------------------------------------

    def end_call(self, wait: bool = False) -> None:
        """The call of the saved order ends (the next call, a screen pop, sign-out, leaving the
        form, quitting): what the console saw after the save, and the call's length, go on the
        order as one call_ended event (docs/quality.md). `wait`: written now (the app is closing)."""
        if self._open_call is None or self.app.store is None:
            return
        number, actor = self._open_call
        self._open_call = None
        payload = {"seconds": self.recorder.seconds(), "marks": self.recorder.later()}
        if wait:
            self._record_call_end(number, payload, actor)
        else:
            self._call_end_worker(number, payload, actor)

    @work(thread=True, exit_on_error=False, group="call-end")
    def _call_end_worker(self, number: str, payload: dict, actor: Actor) -> None:
        self._record_call_end(number, payload, actor)

    def _record_call_end(self, number: str, payload: dict, actor: Actor) -> None:
        from console.domain.kinds import Kind
        from console.store import NewEvent

        result = self.app.store.record([NewEvent(Kind.CALL_ENDED, payload, actor, number)])
        if not result.ok:  # the order stands; only the inspector's timeline misses its end
            log("intake").warning("call end of %s not recorded: %s", number, result.reason)

    def on_screen_suspend(self) -> None:
        if self not in self.app.screen_stack:  # another desk or the sign-in form, not a dialog over the form
            self.end_call()

    def action_pick_phrase(self) -> None:
        self.query_one("#phrase-picker", Picker).focus()

    @on(Picker.Picked, "#phrase-picker")
    def _phrase_picked(self, event: Picker.Picked) -> None:
        if event.choice is not None:
            self.panel.recorder.mark("picked", event.choice.value)
            self.panel.show(event.choice.value)
            self.query_one("#phrase-picker", Picker).choose(None)

    def action_caller_history(self) -> None:
        table = self.query_one(CallerHistory).table
        if table.row_count:
            table.focus()
        else:
            self.app.notify("暂无来电历史：请先输入完整的联系电话", markup=False)

    def _selected_panel(self):
        similar = self.query_one(SimilarOrders)
        if similar.table.has_focus and similar.selected:
            return similar
        return self.query_one(CallerHistory)

    def action_open_order(self) -> None:
        number = self._selected_panel().selected
        if number:
            self.open_order(number)
        else:
            self.app.notify("没有可查看的工单", markup=False)

    @on(CallerHistory.Open)
    def _open_from_panel(self, event) -> None:
        self.open_order(event.number)

    def open_order(self, number: str) -> None:
        if self.app.store is None:
            return
        self._open_order_worker(number)

    @work(thread=True, exclusive=True, exit_on_error=False, group="open-order")
    def _open_order_worker(self, number: str) -> None:
        row = self.app.store.order_row(number)
        self.post_message(OrderOpened(row, self.app.store.events_of(number) if row else []))

    @on(OrderOpened)
    def _order_opened(self, message: OrderOpened) -> None:
        from screens.widgets.order_view import OrderView

        row = message.row
        if row is None:
            return
        number = row["number"]

        def follow(what: str | None) -> None:
            if what == "inquiry":
                self.record_inquiry(number)
            elif what == "link":
                self.link_duplicate(number)

        self.app.push_screen(OrderView(row, message.events, self.app.unit_names), follow)

    def action_progress_inquiry(self) -> None:
        number = self.query_one(CallerHistory).selected
        if not number:
            self.app.notify(f"请先在来电历史中选中要查询的工单（{bound_key(self.app, 'caller_history', 'alt+y')}）",
                            markup=False)
            return
        self.record_inquiry(number)

    def record_inquiry(self, number: str) -> None:
        if self.app.store is None or self.app.actor is None:
            return
        self._inquiry_worker(number)

    @work(thread=True, exclusive=True, exit_on_error=False, group="inquiry")
    def _inquiry_worker(self, number: str) -> None:
        from screens.order_commands import record_inquiry

        self.post_message(InquiryRecorded(record_inquiry(self.app.store, number, self.app.actor)))

    def action_link_duplicate(self) -> None:
        number = self.query_one(SimilarOrders).selected
        if not number:
            self.app.notify("没有选中的相似工单", markup=False)
            return
        self.link_duplicate(number)

    def link_duplicate(self, target: str) -> None:
        if not self._ready():
            return
        self._link_worker(self.fields(), target)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def _link_worker(self, f: dict, target: str) -> None:
        """The call's form completed from the order it duplicates (read here, not on the UI thread)."""
        row = self.app.store.order_row(target) or {}
        if not f["description"].strip():
            f["description"] = f"来电反映的问题与工单 {target} 相同：{row.get('description', '')}"
        if not f["address"].strip():
            f["address"] = row.get("address") or ""
        if not f["nature"] and row.get("nature"):
            f["nature"] = row["nature"]
        if not f["content_path"] and row.get("content_class"):
            f["content_path"] = row["content_class"].split("/")
        if f["disposition"] not in ("transfer", "report"):
            f["disposition"] = "transfer"
        self.post_message(LinkPrepared(f, target))

    @on(LinkPrepared)
    def _link_prepared(self, message: LinkPrepared) -> None:
        f, target = message.fields, message.target
        errors = intake_check.check(f)
        if errors:
            self.show_errors(errors)
            self.app.notify("并单前请补全来电人信息", severity="warning", markup=False)
            return
        payload = self._payload(f)
        self._duplicate_worker(payload, target)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def _duplicate_worker(self, payload: dict, target: str) -> None:
        from screens.order_commands import record_duplicate

        rec = record_duplicate(self.app.store, payload, target, self.app.actor)
        self.post_message(OrderRecorded(rec, "duplicate", target=target))

    def action_unmerge(self) -> None:
        if not self.linked_number or self.app.store is None:
            self.app.notify("本次来电没有并单可撤销", markup=False)
            return
        self._unmerge_worker(self.linked_number)

    @work(thread=True, exclusive=True, exit_on_error=False, group="save")
    def _unmerge_worker(self, number: str) -> None:
        from screens.order_commands import record_unmerge

        self.post_message(UnmergeRecorded(record_unmerge(self.app.store, number, self.app.actor)))

    # -- three-way call ---------------------------------------------------------------------

    def action_three_way(self) -> None:
        f = {**self.fields(), "disposition": "three_way"}
        errors = intake_check.check(f)
        if errors:
            self.show_errors(errors)
            self.app.notify("三方通话前请先记录来电人与诉求", severity="warning", markup=False)
            return
        if not self._ready():
            return
        from screens.three_way import ThreeWayScreen

        payload = self._payload(f)
        self.app.push_screen(ThreeWayScreen(payload), self._three_way_done)

    def _three_way_done(self, result) -> None:
        if result is None:
            return
        rec, outcome_label = result
        self._order_recorded(OrderRecorded(rec, "three_way", outcome_label=outcome_label))

    # -- knowledge base ---------------------------------------------------------------------

    async def action_kb_panel(self) -> None:
        if not self.query("#kb-panel"):
            address = self.query_one("#address", Input).value.strip()
            panel = KBPanel(id="kb-panel", show_timing=False, address=address)
            await self.query_one("#kb-slot").mount(panel)
        self._kb_focus()

    def _kb_focus(self) -> None:
        panel = self.query_one("#kb-panel", KBPanel)
        panel.scroll_visible()
        description = self.query_one("#description", TextArea).text.strip()
        box = panel.query("#kb-query")
        if description and box and not box.first().value.strip():
            panel.set_query(description[:30])
        panel.focus_query()

    @on(Input.Changed, "#address")
    def _address_to_kb(self, event: Input.Changed) -> None:
        if event.input.id == "address":
            for panel in self.query("#kb-panel"):
                panel.address = event.value.strip()

    def kb_answer_chosen(self, article_id, title: str, answer: str, department: str, content_class: str = "") -> None:
        """KBPanel.AnswerChosen: the answer goes into the form as a direct answer (R-10), with the
        nature and content class the article implies where the agent has not picked them."""
        from console.domain.intake import kb_answer_defaults

        taxonomy = self.app.taxonomy
        nature, path = kb_answer_defaults(taxonomy.nature_names(), content_class,
                                          lambda p: taxonomy.is_valid_path(p))
        if nature and self.query_one("#nature", Picker).value is None:
            self.query_one("#nature", Picker).choose(Choice(nature, nature))
        if path and not self.query_one("#content", Picker).value:
            self.query_one("#content", Picker).choose(Choice(path, " / ".join(path)))
        self.kb_article = str(article_id)
        self.query_one("#answer", Input).value = field(answer)
        self.query_one("#kb-article", Static).update(content(f"知识库条目：{title}（{department}）"))
        self.query_one("#disp-direct_answer", RadioButton).value = True
        self._show_disposition("direct_answer")
        self._changed()


    @on(KBPanel.AnswerChosen)
    def _kb_chosen(self, message) -> None:
        message.stop()
        self.kb_answer_chosen(message.article_id, message.title, message.answer, message.department,
                              message.content_class)

    def on_unmount(self) -> None:
        try:
            self.end_call(wait=True)
        except Exception as exc:  # noqa: BLE001 - closing: the order is saved, only its call end is lost
            log("intake").error("call end not recorded at exit: %s", exc)
        # The widgets may be gone by now: write the copy kept on every change, not the form.
        if self._draft_timer is not None:
            self._draft_timer.stop()
        if self.draft_fields is not None:
            self._write_draft(self.draft_fields)
