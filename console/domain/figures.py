"""The figures the hotline is judged by (DOMAIN.md §7, M-06..M-11) and the monthly statistics per
undertaking unit, computed from orders' event histories. Pure: the seat and the centre feed it the
histories they hold, so both count alike. docs/figures.md states each definition.

Every figure counts over a period [start, end) by the time of the event that decides it (a
deadline, a reply, a callback); `now` says what is still undecided: a case whose deadline has
passed without the deciding event counts as late, one whose deadline is still ahead is left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from console.domain.calendar import WorkCalendar
from console.domain.deadlines import callback_due
from console.domain.decide import Context, unit_deadline
from console.domain.kinds import Kind, Status
from console.domain.order import Event, OrderState, apply
from console.domain.schedule import order_deadlines
from console.domain.settings import Rules

SATISFIED = frozenset({"满意", "基本满意"})


@dataclass(frozen=True)
class FigureDef:
    code: str
    name: str
    target: float  # a ratio, e.g. 0.90
    at_least: bool  # True: the figure must reach the target; False: must stay at or under it


FIGURES: dict[str, FigureDef] = {f.code: f for f in (
    FigureDef("M-01", "人工接通率", 0.95, True),
    FigureDef("M-02", "人工应答及时率", 0.80, True),
    FigureDef("M-03", "短信回复率", 1.00, True),
    FigureDef("M-05", "服务过程满意率", 0.98, True),
    FigureDef("M-06", "转办及时率", 0.90, True),
    FigureDef("M-07", "按期回复率", 0.95, True),
    FigureDef("M-08", "合理诉求满意率", 0.90, True),
    FigureDef("M-09", "答复率", 1.00, True),
    FigureDef("M-10", "退回重办率", 0.05, False),
    FigureDef("M-11", "回访及时率", 0.95, True),
)}


@dataclass
class Figure:
    code: str
    numerator: int = 0
    denominator: int = 0
    orders: list[str] = field(default_factory=list)  # the orders in the denominator
    missed: list[str] = field(default_factory=list)  # those not in the numerator

    @property
    def definition(self) -> FigureDef:
        return FIGURES[self.code]

    @property
    def ratio(self) -> float | None:
        return self.numerator / self.denominator if self.denominator else None

    @property
    def met(self) -> bool | None:
        r = self.ratio
        if r is None:
            return None
        target = self.definition.target
        return r >= target - 1e-12 if self.definition.at_least else r <= target + 1e-12

    def count(self, number: str, hit: bool) -> None:
        self.denominator += 1
        self.orders.append(number)
        if hit:
            self.numerator += 1
        else:
            self.missed.append(number)


@dataclass
class UnitMonth:
    """One undertaking unit's month (the 综合科's table)."""

    unit: str
    handed_over: int = 0  # 交办总数: orders (re)dispatched to the unit as lead
    closed: int = 0  # 办结数: of those, closed (callback done, or confidential closed after the reply)
    callbacks: int = 0  # callbacks completed on the unit's orders
    satisfied: int = 0  # of those, 满意 or 基本满意
    returns: int = 0  # 退单数: the unit sent an order back
    redispatched: int = 0  # 转办数: orders the unit returned that went on to another unit
    overdue: int = 0  # 逾期办理数: replies late, or no reply past the deadline
    extensions: int = 0  # 申请延期件数
    replies_due: int = 0  # M-07 for the unit
    replies_in_time: int = 0
    sent_back: int = 0  # 答复退回数: replies the county office sent back to the unit (审核反馈真实性)

    @property
    def close_rate(self) -> float | None:
        return self.closed / self.handed_over if self.handed_over else None

    @property
    def satisfaction(self) -> float | None:
        return self.satisfied / self.callbacks if self.callbacks else None

    @property
    def reply_rate(self) -> float | None:
        return self.replies_in_time / self.replies_due if self.replies_due else None


@dataclass
class Report:
    start: datetime
    end: datetime
    now: datetime
    unit: str | None
    figures: dict[str, Figure]
    units: dict[str, UnitMonth]
    returned: list[str] = field(default_factory=list)  # orders a unit sent back in the period (退回明细)


ANSWER_IN_TIME_SECONDS = 15  # M-02
_CALL_FIGURES = frozenset({"M-01", "M-02", "M-03", "M-05"})  # from call and SMS records, not orders


@dataclass(frozen=True)
class CallRecord:
    """One call from the telephone system (imported, or from a live CTI link)."""

    call_id: str
    offered_at: datetime
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    seat: str = ""
    operator: str = ""
    rating: str = ""  # the caller's rating of the service: 满意 / 基本满意 / 不满意, or empty


@dataclass(frozen=True)
class SmsRecord:
    message_id: str
    received_at: datetime
    replied_at: datetime | None = None


def call_figures(calls: Iterable[CallRecord], sms: Iterable[SmsRecord], start: datetime, end: datetime,
                 now: datetime) -> dict[str, Figure]:
    """M-01, M-02, M-05 over the calls offered in [start, end); M-03 over the SMS received then (a
    message received today and not yet answered is undecided until the day is over)."""
    out = {code: Figure(code) for code in ("M-01", "M-02", "M-03", "M-05")}
    for c in calls:
        if not _in(c.offered_at, start, end):
            continue
        out["M-01"].count(c.call_id, c.answered_at is not None)
        if c.answered_at is not None:
            out["M-02"].count(c.call_id, (c.answered_at - c.offered_at).total_seconds() <= ANSWER_IN_TIME_SECONDS)
        if c.rating:
            out["M-05"].count(c.call_id, c.rating in SATISFIED)
    for m in sms:
        if not _in(m.received_at, start, end):
            continue
        same_day = m.replied_at is not None and m.replied_at.date() == m.received_at.date()
        if m.replied_at is None and m.received_at.date() == now.date():
            continue
        out["M-03"].count(m.message_id, same_day)
    return out


def _in(at: datetime | None, start: datetime, end: datetime) -> bool:
    return at is not None and start <= at < end


def compute(histories: Iterable[tuple[str, list[Event]]], calendar: WorkCalendar, rules: Rules,
            start: datetime, end: datetime, now: datetime, unit: str | None = None) -> Report:
    """M-06..M-11 over [start, end) and the per-unit statistics, from each order's events in
    fold order. `unit` keeps only the cases of that lead unit (the unit's own figures)."""
    figures = {code: Figure(code) for code in FIGURES if code not in _CALL_FIGURES}
    units: dict[str, UnitMonth] = {}
    returned: list[str] = []
    ctx = Context(rules=rules, calendar=calendar)

    def month(code: str) -> UnitMonth:
        return units.setdefault(code, UnitMonth(code))

    for number, events in histories:
        state: OrderState | None = None
        replied_unit = ""
        for event in events:
            before = state
            state = apply(state, event, rules)
            at, kind = event.at, event.kind
            if kind in (Kind.DISPATCHED, Kind.REDISPATCHED) and _in(at, start, end):
                month(state.lead_unit).handed_over += 1
                if kind == Kind.REDISPATCHED and before is not None and before.unit_returns:
                    month(before.unit_returns[-1]["unit"]).redispatched += 1
            elif kind == Kind.UNIT_RETURNED and before is not None and _in(at, start, end):
                month(before.lead_unit).returns += 1
                if unit in (None, before.lead_unit):
                    returned.append(number)
            elif kind == Kind.EXTENSION_REQUESTED and before is not None and _in(at, start, end):
                month(before.lead_unit).extensions += 1
            elif kind == Kind.REPLY_REVIEWED and not event.payload.accept and before is not None \
                    and _in(at, start, end):
                month(before.lead_unit).sent_back += 1
            elif kind == Kind.UNIT_REPLIED and before is not None and not _sent_back(events, event):
                replied_unit = before.lead_unit
                due = unit_deadline(before, ctx)
                if due is not None and _in(due.at, start, end) and unit in (None, replied_unit):
                    in_time = at <= due.at
                    figures["M-07"].count(number, in_time)
                    m = month(replied_unit)
                    m.replies_due += 1
                    m.replies_in_time += in_time
                    m.overdue += not in_time
                if _in(at, start, end) and unit in (None, replied_unit):
                    figures["M-10"].denominator += 1
                    figures["M-10"].orders.append(number)
                    _reply_case(figures["M-09"], number, state, events, event)
            elif kind == Kind.CALLBACK_DONE and _in(at, start, end) and unit in (None, state.lead_unit):
                figures["M-08"].count(number, event.payload.result in SATISFIED)
                m = month(state.lead_unit)
                m.callbacks += 1
                m.satisfied += event.payload.result in SATISFIED
            elif kind == Kind.REWORK and _in(at, start, end) and unit in (None, state.lead_unit):
                figures["M-10"].numerator += 1
                figures["M-10"].missed.append(number)
            closed_when = state.closed_at if kind == Kind.IMPORTED else at  # history: when it closed there
            if (before is None or before.status != Status.CLOSED) and state.status == Status.CLOSED \
                    and state.replied_at is not None and _in(closed_when, start, end) and state.lead_unit:
                month(state.lead_unit).closed += 1
        if state is None:
            continue
        _dispatch_case(figures["M-06"], number, state, events, calendar, rules, start, end, now, unit)
        _open_reply_case(figures["M-07"], number, state, ctx, start, end, now, unit, month)
        _callback_cases(figures["M-11"], number, events, rules, start, end, now, unit)
    if unit is not None:
        units = {code: m for code, m in units.items() if code == unit}
    return Report(start, end, now, unit, figures, units, returned)


def _dispatch_case(fig: Figure, number: str, state: OrderState, events: list[Event], calendar: WorkCalendar,
                   rules: Rules, start: datetime, end: datetime, now: datetime, unit: str | None) -> None:
    """M-06: due to be forwarded by its cutoff (R-23) in the period; forwarded on or before it."""
    due = order_deadlines(state, calendar, rules).dispatch_due
    if due is None or not _in(due, start, end):
        return
    never_dispatched = state.dispatch_count == 0
    if never_dispatched and state.status in (Status.MERGED, Status.ANSWERED, Status.NOT_ACCEPTED):
        return  # merged into another, or answered at intake after a return: not due to be forwarded
    if unit is not None and state.lead_unit != unit:
        return
    first = state.first_dispatched_at
    if first is None and due > now:
        return  # not yet decided
    fig.count(number, first is not None and first <= due)


def _open_reply_case(fig: Figure, number: str, state: OrderState, ctx: Context, start: datetime,
                     end: datetime, now: datetime, unit: str | None, month: Callable[[str], UnitMonth]) -> None:
    """M-07's open case: still with the unit, its deadline in the period and already past."""
    if state.status != Status.DISPATCHED or (unit is not None and state.lead_unit != unit):
        return
    due = unit_deadline(state, ctx)
    if due is None or not _in(due.at, start, end) or due.at > now:
        return
    fig.count(number, False)
    m = month(state.lead_unit)
    m.replies_due += 1
    m.overdue += 1


def _reply_case(fig: Figure, number: str, state: OrderState, events: list[Event], reply: Event) -> None:
    """M-09: a reply in the period opens a callback case; answered when the caller was reached
    afterwards. Confidential orders (R-02) and those closed as unreachable are not counted."""
    if state.confidential:
        return
    after = events[events.index(reply) + 1:]
    reached = any(e.kind == Kind.CALLBACK_DONE for e in after)
    unreachable = any(e.kind == Kind.CALLBACK_ATTEMPTED and e.payload.outcome != "reached" for e in after) and \
        not reached and _closed_unreachable(after)
    if unreachable:
        return
    fig.count(number, reached)


def _sent_back(events: list[Event], reply: Event) -> bool:
    """A reply the county office sent back is not the unit's reply: the next one decides M-07,
    M-09 and M-10 (until then the order is still with the unit)."""
    for e in events[events.index(reply) + 1:]:
        if e.kind == Kind.REPLY_REVIEWED:
            return not e.payload.accept
        if e.kind in (Kind.UNIT_REPLIED, Kind.REWORK):
            break
    return False


def _closed_unreachable(events: list[Event]) -> bool:
    failures = 0
    for e in events:
        if e.kind == Kind.CALLBACK_ATTEMPTED and e.payload.outcome != "reached":
            failures += 1
        if e.kind in (Kind.REWORK, Kind.UNIT_REPLIED):
            failures = 0
    return failures >= 2


def _callback_cases(fig: Figure, number: str, events: list[Event], rules: Rules, start: datetime,
                    end: datetime, now: datetime, unit: str | None) -> None:
    """M-11: each reply's callback deadline (R-32) in the period; done on or before it. Twice
    unreachable and confidential cases are left out."""
    state: OrderState | None = None
    for i, event in enumerate(events):
        state = apply(state, event, rules)
        # the reply reaches the callback desk: at once (a v1 reply) or when it is accepted
        if event.kind not in (Kind.UNIT_REPLIED, Kind.REPLY_REVIEWED) or state.status != Status.REPLIED:
            continue
        if unit is not None and state.lead_unit != unit:
            continue
        if state.callback_from is None:
            continue
        due = callback_due(state.callback_from, rules.callback_days)
        if not _in(due, start, end):
            continue
        rest = events[i + 1:]
        done_at = next((e.at for e in rest if e.kind == Kind.CALLBACK_DONE), None)
        if done_at is None and _closed_unreachable(_until_next_reply(rest)):
            continue
        if done_at is None and due > now:
            continue
        fig.count(number, done_at is not None and done_at <= due)


def _until_next_reply(events: list[Event]) -> list[Event]:
    out = []
    for e in events:
        if e.kind in (Kind.UNIT_REPLIED, Kind.REWORK):
            break
        out.append(e)
    return out


__all__ = ["FIGURES", "SATISFIED", "CallRecord", "Figure", "SmsRecord", "call_figures", "FigureDef", "Report", "UnitMonth", "compute"]
