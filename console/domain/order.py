"""A work order is the fold of its events (DESIGN.md). This module holds the event kinds,
their payload schemas, the order's state, and `apply()` — pure, no I/O.

Deadlines are not stored in the state: the state keeps their anchors (created_at, dispatched_at,
limit_days, approved extension days, replied_at) and `console.domain.deadlines` turns anchors into
dates with the calendar, so a calendar change re-evaluates every deadline.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from console.domain import payloads as pl
from console.domain.channels import PHONE
from console.domain.kinds import (  # noqa: F401  (the names the rules speak in, re-exported)
    AMENDABLE,
    AWAITING_DISPATCH,
    NOT_OPEN,
    STATUS_LABELS,
    TERMINAL,
    Disposition,
    Kind,
    Status,
)
from console.domain.payloads import ORDER_FIELDS, PayloadError, parse_payload
from console.domain.roles import Actor

CALLBACK_RESULTS = ("满意", "基本满意", "不满意")
CALLBACK_FAILED_OUTCOMES = ("no_answer", "busy", "off", "wrong_number")
CALLBACK_OUTCOMES = ("reached",) + CALLBACK_FAILED_OUTCOMES
THREE_WAY_ATTEMPT_OUTCOMES = ("connected", "busy", "no_answer")
SUPERVISION_REASONS = ("overdue", "leader", "media", "hot", "bounced", "other")
KB_RETURN_NOTE = "{department}知识库已有明确答复"


@dataclass(frozen=True)
class Event:
    kind: str
    order: str  # order number; for `created` it may be "" until the store allocates one
    payload: Any  # the kind's typed payload (console.domain.payloads)
    at: datetime
    actor: Actor
    id: str = ""

    @classmethod
    def of(cls, kind: str, order: str, data: Mapping[str, Any], at: datetime, actor: Actor, id: str = "") -> Event:
        """An event from its JSON payload; PayloadError when the payload lacks its kind's shape."""
        return cls(kind, order, parse_payload(kind, data), at, actor, id)


__all__ = ["Event", "OrderState", "PayloadError", "apply", "fold"]


@dataclass
class OrderState:
    number: str
    status: Status
    created_at: datetime
    seat: str = ""
    intake_operator: str = ""
    call_time: datetime | None = None
    channel: str = PHONE  # console/domain/channels.py; a state stored before channels was a phone order
    channel_message_id: str = ""  # a written channel's original message id and text
    channel_text: str = ""
    original_id: str = ""  # an imported order's id in the system it came from ("": taken here)
    imported_at: datetime | None = None  # when it was imported: what happened before ran elsewhere
    caller_name: str = ""
    caller_title: str = ""
    phone: str = ""
    address: str = ""
    description: str = ""
    nature: str = ""
    content_path: list[str] = field(default_factory=list)
    reply_wanted: bool = False
    reply_method: str = ""
    urgent: bool = False
    confidential: bool = False
    leader_day: bool = False
    complexity: str = "general"
    disposition: str = ""
    not_accepted_reason: str = ""
    kb_article: str = ""
    answer: str = ""
    leader_report: bool = False
    leader_instruction: str = ""
    returned_reason: str = ""
    escalated_reason: str = ""
    three_way_unit: str = ""
    lead_unit: str = ""
    assist_units: list[str] = field(default_factory=list)
    dispatched_at: datetime | None = None
    dispatched_by: str = ""  # operator@seat of the last (re)dispatch: shown when a second one loses
    first_dispatched_at: datetime | None = None
    dispatch_count: int = 0
    limit_days: int = 0
    extension_days: list[int] = field(default_factory=list)  # approved extensions, in working days
    extension_pending: dict[str, Any] | None = None  # {"days", "reason", "at", "n"}
    extension_requests: int = 0
    supervision_notices: int = 0  # notices issued for extensions beyond the first
    unit_returns: list[dict[str, str]] = field(default_factory=list)  # [{"unit", "reason", "at"}]
    bounced: bool = False
    replied_at: datetime | None = None
    reply: str = ""
    reply_accepted_at: datetime | None = None  # the county office accepted the reply: callback from here
    # replies the county office sent back to the unit: [{"unit", "ground", "reason", "reply", "at"}]
    replies_sent_back: list[dict[str, str]] = field(default_factory=list)
    phrasing_warnings: list[str] = field(default_factory=list)  # R-44, warned about at intake
    staff_complaint: bool = False  # M-04: a complaint about hotline staff, flagged at intake
    typical: bool = False  # one of the month's typical cases (每月典型工单)
    typical_note: str = ""
    typical_at: datetime | None = None
    callback_failures: int = 0
    callback_failed_at: datetime | None = None  # the last failed try that counted
    # what each callback result since the last other event changed, newest last: callback_undone
    # takes back the newest (JSON values: the state is stored and synced as JSON)
    callback_undo: list[dict[str, Any]] = field(default_factory=list)
    callback_result: str = ""
    callback_words: str = ""
    unreachable: bool = False
    rework_count: int = 0
    supervised: bool = False
    supervision_reasons: list[str] = field(default_factory=list)
    merged_into: str = ""
    status_before_merge: str = ""
    inquiries: int = 0
    last_inquiry_at: datetime | None = None
    closed_at: datetime | None = None
    close_reason: str = ""
    updated_at: datetime | None = None
    event_count: int = 0

    @property
    def is_open(self) -> bool:
        return self.status not in TERMINAL

    @property
    def callback_from(self) -> datetime | None:
        """R-32's days run from when the reply may be called back: its acceptance by the county
        office, or (a reply recorded before the review existed) the reply itself."""
        return self.reply_accepted_at or self.replied_at


def _unit_done(state: OrderState, at: datetime) -> None:
    state.dispatched_at = at
    state.extension_days = []
    state.extension_pending = None
    state.extension_requests = 0
    state.supervision_notices = 0


def _dispatch(state: OrderState, p: pl.Dispatched, at: datetime, actor: Actor,
              rules_limit: Callable[[str, str], int]) -> None:
    state.status = Status.DISPATCHED
    state.dispatched_by = f"{actor.operator}@{actor.seat}" if actor.seat else actor.operator
    state.lead_unit = p.lead_unit
    state.assist_units = list(p.assist_units)
    if p.complexity:
        state.complexity = p.complexity
    state.limit_days = p.limit_days or rules_limit(state.nature, state.complexity)
    state.dispatch_count += 1
    state.first_dispatched_at = state.first_dispatched_at or at
    _unit_done(state, at)


def _imported(event: Event) -> OrderState:
    """A historical order as its record says: closed, replied (awaiting callback), with its unit, or
    waiting for dispatch (console/domain/history.py checked it)."""
    from console.domain.history import history_time

    p: pl.Imported = event.payload
    taken = history_time(p.taken_at)
    s = OrderState(number=event.order, status=Status.PENDING_DISPATCH, created_at=taken, call_time=taken)
    s.seat, s.intake_operator = event.actor.seat, event.actor.operator
    s.channel, s.original_id, s.imported_at = p.channel, p.original_id, event.at
    s.caller_name, s.caller_title, s.phone, s.address = p.caller_name, p.caller_title, p.phone, p.address
    s.description = f"{p.title}：{p.description}" if p.title and p.title not in p.description else p.description
    s.nature, s.content_path, s.confidential = p.nature, list(p.content_path), p.confidential
    s.disposition, s.lead_unit, s.dispatch_count = Disposition.TRANSFER, p.unit, p.transfers
    if p.reply:
        s.reply = p.reply
        s.replied_at = history_time(p.replied_at) if p.replied_at else None
        s.status = Status.REPLIED
    elif p.unit:
        s.status = Status.DISPATCHED
    if p.closed:
        s.status, s.close_reason = Status.CLOSED, "历史工单，原系统已办结"
        s.closed_at = history_time(p.closed_at) if p.closed_at else (s.replied_at or taken)
    s.updated_at, s.event_count = event.at, 1
    return s


def _created(event: Event) -> OrderState:
    p: pl.Created = event.payload
    at = event.at
    s = OrderState(number=event.order, status=Status.PENDING_DISPATCH, created_at=at)
    s.seat = event.actor.seat
    s.intake_operator = event.actor.operator
    s.call_time = datetime.fromisoformat(p.call_time) if p.call_time else at
    for key in ORDER_FIELDS:
        setattr(s, key, copy.copy(getattr(p, key)))
    s.disposition = p.disposition
    s.channel, s.channel_message_id, s.channel_text = p.channel, p.channel_message_id, p.channel_text
    s.phrasing_warnings = list(p.phrasing_warnings)
    s.staff_complaint = p.staff_complaint
    d = s.disposition
    if d == Disposition.NOT_ACCEPTED:
        s.status, s.not_accepted_reason, s.closed_at = Status.NOT_ACCEPTED, p.reason, at
    elif d == Disposition.DIRECT_ANSWER:
        s.status, s.closed_at = Status.ANSWERED, at
        s.answer, s.kb_article = p.answer, p.kb_article
    elif d == Disposition.THREE_WAY:
        s.status = Status.THREE_WAY
    elif d == Disposition.REPORT:
        s.leader_report = True
    s.updated_at, s.event_count = at, 1
    return s


_CALLBACK_FIELDS = ("callback_failures", "callback_result", "callback_words", "unreachable", "close_reason")
_CALLBACK_TIMES = ("callback_failed_at", "closed_at")


def _callback_snapshot(s: OrderState) -> dict[str, Any]:
    snap: dict[str, Any] = {name: getattr(s, name) for name in _CALLBACK_FIELDS}
    for name in _CALLBACK_TIMES:
        value = getattr(s, name)
        snap[name] = value.isoformat() if value is not None else None
    snap["status"] = s.status.value
    return snap


def _callback_restore(s: OrderState, snap: dict[str, Any]) -> None:
    for name in _CALLBACK_FIELDS:
        setattr(s, name, snap[name])
    for name in _CALLBACK_TIMES:
        setattr(s, name, datetime.fromisoformat(snap[name]) if snap[name] else None)
    s.status = Status(snap["status"])


def _reply_accepted(s: OrderState, at: datetime) -> None:
    if s.confidential:  # confidential callers are not called back
        s.status, s.closed_at, s.close_reason = Status.CLOSED, at, "保密件，免回访"
    else:
        s.status = Status.REPLIED


def failed_try_counts(state: OrderState, at: datetime, rules: Any) -> bool:
    """R-32: a failed callback try at `at` is a new attempt only `callback_min_gap_minutes` after
    the last one that counted; a try sooner is recorded but does not bring "unreachable" nearer."""
    last = state.callback_failed_at
    return last is None or (at - last).total_seconds() >= rules.callback_min_gap_minutes * 60


def apply(state: OrderState | None, event: Event, rules: Any = None) -> OrderState:
    """Fold one accepted event into the state; returns a new state (the input is not changed)."""
    from console.domain.settings import DEFAULT_RULES

    rules = rules or DEFAULT_RULES
    if event.kind == Kind.CREATED:
        return _created(event)
    if event.kind == Kind.IMPORTED:
        return _imported(event)
    if state is None:
        raise ValueError(f"{event.kind} of order {event.order} before its created event")
    if event.kind == Kind.CALL_ENDED:  # what the console saw of the call: for the quality desk only
        s = copy.copy(state)
        s.event_count += 1
        return s
    p: Any = event.payload
    at = event.at
    s = copy.copy(state)
    for attr in ("content_path", "assist_units", "extension_days", "unit_returns", "supervision_reasons",
                 "callback_undo", "replies_sent_back"):
        setattr(s, attr, list(getattr(state, attr)))
    s.updated_at = at
    s.event_count += 1
    kind = event.kind
    if kind == Kind.CALLBACK_DONE or (kind == Kind.CALLBACK_ATTEMPTED and p.outcome in CALLBACK_FAILED_OUTCOMES):
        s.callback_undo.append(_callback_snapshot(state))  # a result: it can be taken back
    elif kind == Kind.CALLBACK_UNDONE:
        _callback_restore(s, s.callback_undo.pop())
        return s
    elif kind not in (Kind.CALLBACK_ATTEMPTED, Kind.TYPICAL_MARKED):  # anything else happened to the order:
        # its results stand (listing it as a typical case is not something happening to it)
        s.callback_undo = []
    if kind == Kind.AMENDED:
        for key, value in p.given().items():
            setattr(s, key, copy.copy(value))
    elif kind == Kind.RESUBMITTED:
        s.status, s.returned_reason = Status.PENDING_DISPATCH, ""
    elif kind == Kind.ANSWERED_DIRECTLY:
        s.status, s.answer, s.closed_at = Status.ANSWERED, p.answer, at
        s.kb_article = p.kb_article or s.kb_article
        s.disposition = Disposition.DIRECT_ANSWER
    elif kind == Kind.RETURNED_TO_INTAKE:
        s.status = Status.RETURNED_TO_INTAKE
        s.returned_reason = return_reason(p)
        if p.kb_article:
            s.kb_article = p.kb_article
    elif kind == Kind.ESCALATED:
        s.status, s.escalated_reason = Status.ESCALATED, p.reason
        if p.to_supervision:
            s.supervised = True
            s.supervision_reasons.append("other")
    elif kind == Kind.REPORTED_TO_LEADER:
        s.leader_report = True
        s.leader_instruction = p.instruction or s.leader_instruction
        if "leader" not in s.supervision_reasons and p.instruction:
            s.supervised = True
            s.supervision_reasons.append("leader")
    elif kind == Kind.THREE_WAY_CALL_LOGGED:
        s.three_way_unit = p.unit
        if p.outcome == "resolved":
            s.status, s.closed_at = Status.ANSWERED, at
            s.answer = p.notes
        else:
            s.status = Status.PENDING_DISPATCH
            s.disposition = Disposition.TRANSFER
    elif kind in (Kind.DISPATCHED, Kind.REDISPATCHED):
        _dispatch(s, p, at, event.actor, rules.limit_days)
    elif kind == Kind.UNIT_RETURNED:
        s.status = Status.UNIT_RETURNED
        s.unit_returns.append({"unit": s.lead_unit, "reason": p.reason, "at": at.isoformat()})
        if len({r["unit"] for r in s.unit_returns}) >= 2:  # pushed between units (推诿)
            s.bounced = True
            if "bounced" not in s.supervision_reasons:
                s.supervised = True
                s.supervision_reasons.append("bounced")
    elif kind == Kind.EXTENSION_REQUESTED:
        s.extension_requests += 1
        s.extension_pending = {
            "days": p.days,
            "reason": p.reason,
            "at": at.isoformat(),
            "n": len(s.extension_days) + 1,
        }
    elif kind == Kind.SUPERVISION_NOTICE:
        s.supervision_notices += 1
    elif kind == Kind.EXTENSION_DECIDED:
        if p.approve:
            days = p.days or (s.extension_pending or {}).get("days", 0)
            s.extension_days.append(int(days))
        s.extension_pending = None
    elif kind == Kind.UNIT_REPLIED:
        s.reply, s.replied_at, s.reply_accepted_at = p.reply, at, None
        s.callback_failures, s.callback_result, s.callback_words = 0, "", ""
        s.callback_failed_at = None
        if p.review:  # the county office checks it first (审核反馈真实性)
            s.status = Status.REPLY_REVIEW
        else:
            _reply_accepted(s, at)
    elif kind == Kind.REPLY_REVIEWED:
        if p.accept:
            s.reply_accepted_at = at
            _reply_accepted(s, at)
        else:  # back to the unit, under the time limit it already had
            s.replies_sent_back.append({"unit": s.lead_unit, "ground": p.ground, "reason": p.reason,
                                        "reply": s.reply, "at": at.isoformat()})
            s.status, s.reply, s.replied_at = Status.DISPATCHED, "", None
    elif kind == Kind.CALLBACK_ATTEMPTED:
        if p.outcome in CALLBACK_FAILED_OUTCOMES and failed_try_counts(s, at, rules):
            s.callback_failures += 1
            s.callback_failed_at = at
            if s.callback_failures >= rules.callback_max_failures:
                s.unreachable = True
                s.status, s.closed_at, s.close_reason = Status.CLOSED, at, "两次回访未联系上"
    elif kind == Kind.CALLBACK_DONE:
        s.callback_result, s.callback_words = p.result, p.words
        if p.result != "不满意":
            s.status, s.closed_at, s.close_reason = Status.CLOSED, at, f"回访{p.result}"
    elif kind == Kind.REWORK:  # back to the same lead unit, a new time limit
        s.status = Status.DISPATCHED
        s.rework_count += 1
        s.reply, s.replied_at, s.reply_accepted_at, s.callback_result = "", None, None, ""
        _unit_done(s, at)
    elif kind == Kind.SUPERVISED:
        s.supervised = True
        if p.reason not in s.supervision_reasons:
            s.supervision_reasons.append(p.reason)
    elif kind == Kind.PROGRESS_INQUIRY:
        s.inquiries += 1
        s.last_inquiry_at = at
    elif kind == Kind.MERGED_INTO:
        s.status_before_merge, s.status, s.merged_into = s.status, Status.MERGED, p.target
    elif kind == Kind.UNMERGED:
        s.status, s.merged_into, s.status_before_merge = Status(s.status_before_merge), "", ""
    elif kind == Kind.CLOSED:
        s.status, s.closed_at, s.close_reason = Status.CLOSED, at, p.reason
    elif kind == Kind.TYPICAL_MARKED:
        s.typical, s.typical_note, s.typical_at = p.typical, p.note if p.typical else "", at if p.typical else None
    return s


def return_reason(p: pl.ReturnedToIntake) -> str:
    """R-21 returns carry the fixed note "<部门>知识库已有明确答复"."""
    if p.kb_article or p.department:
        note = KB_RETURN_NOTE.format(department=p.department)
        return f"{note}；{p.reason}" if p.reason else note
    return p.reason


def fold(events: Iterable[Event], rules: Any = None) -> OrderState | None:
    state = None
    for event in events:
        state = apply(state, event, rules)
    return state
