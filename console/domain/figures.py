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
    FigureDef("M-04", "投诉率", 0.02, False),
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
    staff_complaints: list[str] = field(default_factory=list)  # M-04's numerator: orders taken in the period


ANSWER_IN_TIME_SECONDS = 15  # M-02
_CALL_FIGURES = frozenset({"M-01", "M-02", "M-03", "M-04", "M-05"})  # need call or SMS records


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


def complaint_figure(staff_complaints: list[str], calls: Iterable[CallRecord], start: datetime,
                     end: datetime) -> Figure:
    """M-04: orders flagged as complaints about hotline staff, taken in [start, end) (from the
    orders' facts: Report.staff_complaints) / valid calls, those answered by an agent then."""
    fig = Figure("M-04", numerator=len(staff_complaints), missed=list(staff_complaints))
    fig.denominator = sum(1 for c in calls if _in(c.offered_at, start, end) and c.answered_at is not None)
    return fig


def _in(at: datetime | None, start: datetime, end: datetime) -> bool:
    return at is not None and start <= at < end


STAFF_COMPLAINT = "M-04/complaint"  # M-04's numerator: an order flagged as a complaint about hotline staff
REWORKED = "M-10/reworked"  # M-10's numerator: a rework after an unsatisfied callback (R-33)
RETURNED = "returned"  # 退回明细: a unit sent the order back
UNIT_FIELD = "unit/"  # "unit/handed_over": one increment of that UnitMonth field


@dataclass(frozen=True)
class Fact:
    """One thing an order's history contributes to the figures, independent of the period asked:
    a figure's case (hit or missed), one increment of a unit's month, a return. `at` is the time
    that decides which period it falls in. A pending fact is a case still undecided (its deadline
    has no deciding event yet): it counts, as missed, once `at` (the deadline) has passed."""

    order: str
    name: str  # a figure code, REWORKED, RETURNED, or UNIT_FIELD + a UnitMonth field
    at: datetime
    unit: str  # the lead unit the case belongs to (what `unit=` filters on)
    hit: bool = True
    pending: bool = False

    def counts(self, start: datetime, end: datetime, now: datetime) -> bool:
        return _in(self.at, start, end) and (not self.pending or self.at <= now)


def order_facts(number: str, events: list[Event], calendar: WorkCalendar, rules: Rules) -> list[Fact]:
    """Every fact of one order's history (its events in fold order): the one definition of what
    each figure counts. `compute` tallies them over a period; the centre stores them per order
    as events arrive (console/centre/rollups.py) and tallies the stored ones."""
    out: list[Fact] = []
    ctx = Context(rules=rules, calendar=calendar)

    def add(name: str, at: datetime, unit: str, hit: bool = True, pending: bool = False) -> None:
        out.append(Fact(number, name, at, unit or "", hit, pending))

    state: OrderState | None = None
    for event in events:
        before = state
        state = apply(state, event, rules)
        at, kind = event.at, event.kind
        if kind in (Kind.DISPATCHED, Kind.REDISPATCHED):
            add(UNIT_FIELD + "handed_over", at, state.lead_unit)
            if kind == Kind.REDISPATCHED and before is not None and before.unit_returns:
                add(UNIT_FIELD + "redispatched", at, before.unit_returns[-1]["unit"])
        elif kind == Kind.UNIT_RETURNED and before is not None:
            add(UNIT_FIELD + "returns", at, before.lead_unit)
            add(RETURNED, at, before.lead_unit, hit=False)
        elif kind == Kind.EXTENSION_REQUESTED and before is not None:
            add(UNIT_FIELD + "extensions", at, before.lead_unit)
        elif kind == Kind.REPLY_REVIEWED and not event.payload.accept and before is not None:
            add(UNIT_FIELD + "sent_back", at, before.lead_unit)
        elif kind == Kind.UNIT_REPLIED and before is not None and not _sent_back(events, event):
            replied_unit = before.lead_unit
            due = unit_deadline(before, ctx)
            if due is not None:
                in_time = at <= due.at
                add("M-07", due.at, replied_unit, in_time)
                add(UNIT_FIELD + "replies_due", due.at, replied_unit)
                add(UNIT_FIELD + ("replies_in_time" if in_time else "overdue"), due.at, replied_unit)
            add("M-10", at, replied_unit)
            reached = _reply_case(state, events, event)
            if reached is not None:
                add("M-09", at, replied_unit, reached)
        elif kind == Kind.CALLBACK_DONE:
            satisfied = event.payload.result in SATISFIED
            add("M-08", at, state.lead_unit, satisfied)
            add(UNIT_FIELD + "callbacks", at, state.lead_unit)
            if satisfied:
                add(UNIT_FIELD + "satisfied", at, state.lead_unit)
        elif kind == Kind.REWORK:
            add(REWORKED, at, state.lead_unit, hit=False)
        if (before is None or before.status != Status.CLOSED) and state.status == Status.CLOSED \
                and state.replied_at is not None and state.lead_unit:
            closed_when = state.closed_at if kind == Kind.IMPORTED and state.closed_at else at  # history: when it closed there
            add(UNIT_FIELD + "closed", closed_when, state.lead_unit)
    if state is None:
        return out
    if state.staff_complaint:  # counted when the call was taken; not a unit's case
        add(STAFF_COMPLAINT, state.created_at, "", hit=False)
    _dispatch_case(add, state, calendar, rules)
    _open_reply_case(add, state, ctx)
    _callback_cases(add, events, rules)
    return out


Count = tuple[str, str, bool, int]  # (fact name, unit, hit, how many)
Listed = tuple[str, str, str, bool]  # (order, fact name, unit, hit)


def tally(counts: Iterable[Count], listed: Iterable[Listed], start: datetime, end: datetime, now: datetime,
          unit: str | None = None) -> Report:
    """The report from the facts that count in the period: `counts` gives the numbers, `listed`
    the orders behind them in history order (at least every fact with hit False: the missed
    cases and the returns; every fact when the denominators' orders are wanted too)."""
    figures = {code: Figure(code) for code in FIGURES if code not in _CALL_FIGURES}
    units: dict[str, UnitMonth] = {}
    returned: list[str] = []
    staff_complaints: list[str] = []
    for name, code, hit, n in counts:
        if unit is not None and code != unit:
            continue
        if name == "M-10":
            figures[name].denominator += n
        elif name == REWORKED:
            figures["M-10"].numerator += n
        elif name in figures:
            figures[name].denominator += n
            figures[name].numerator += n if hit else 0
        elif name.startswith(UNIT_FIELD):
            month = units.setdefault(code, UnitMonth(code))
            attr = name[len(UNIT_FIELD):]
            setattr(month, attr, getattr(month, attr) + n)
    for number, name, code, hit in listed:
        if unit is not None and code != unit:
            continue
        if name == RETURNED:
            returned.append(number)
        elif name == STAFF_COMPLAINT:
            staff_complaints.append(number)
        elif name == REWORKED:
            figures["M-10"].missed.append(number)
        elif name in figures:
            figures[name].orders.append(number)
            if not hit and name != "M-10":
                figures[name].missed.append(number)
    return Report(start, end, now, unit, figures, units, returned, staff_complaints)


def count_facts(facts: Iterable[Fact], start: datetime, end: datetime, now: datetime) -> tuple[list[Count], list[Listed]]:
    """The facts that count in [start, end) at `now`, grouped as `tally` takes them."""
    grouped: dict[tuple[str, str, bool], int] = {}
    listed: list[Listed] = []
    for f in facts:
        if f.counts(start, end, now):
            key = (f.name, f.unit, f.hit)
            grouped[key] = grouped.get(key, 0) + 1
            listed.append((f.order, f.name, f.unit, f.hit))
    return [(*k, n) for k, n in grouped.items()], listed


def compute(histories: Iterable[tuple[str, list[Event]]], calendar: WorkCalendar, rules: Rules,
            start: datetime, end: datetime, now: datetime, unit: str | None = None) -> Report:
    """M-06..M-11 over [start, end) and the per-unit statistics, from each order's events in
    fold order. `unit` keeps only the cases of that lead unit (the unit's own figures)."""
    facts = (f for number, events in histories for f in order_facts(number, events, calendar, rules))
    counts, listed = count_facts(facts, start, end, now)
    return tally(counts, listed, start, end, now, unit)


Add = Callable[..., None]


def _dispatch_case(add: Add, state: OrderState, calendar: WorkCalendar, rules: Rules) -> None:
    """M-06: due to be forwarded by its cutoff (R-23); forwarded on or before it. Undecided
    (pending) while never forwarded: late once the cutoff has passed."""
    due = order_deadlines(state, calendar, rules).dispatch_due
    if due is None:
        return
    never_dispatched = state.dispatch_count == 0
    if never_dispatched and state.status in (Status.MERGED, Status.ANSWERED, Status.NOT_ACCEPTED):
        return  # merged into another, or answered at intake after a return: not due to be forwarded
    first = state.first_dispatched_at
    add("M-06", due, state.lead_unit, first is not None and first <= due, first is None)


def _open_reply_case(add: Add, state: OrderState, ctx: Context) -> None:
    """M-07's open case: still with the unit; late once its deadline has passed."""
    if state.status != Status.DISPATCHED:
        return
    due = unit_deadline(state, ctx)
    if due is None:
        return
    add("M-07", due.at, state.lead_unit, False, True)
    add(UNIT_FIELD + "replies_due", due.at, state.lead_unit, True, True)
    add(UNIT_FIELD + "overdue", due.at, state.lead_unit, True, True)


def _reply_case(state: OrderState, events: list[Event], reply: Event) -> bool | None:
    """M-09: a reply opens a callback case; answered (True) when the caller was reached
    afterwards. Confidential orders (R-02) and those closed as unreachable are not counted (None)."""
    if state.confidential:
        return None
    after = events[events.index(reply) + 1:]
    reached = any(e.kind == Kind.CALLBACK_DONE for e in after)
    unreachable = any(e.kind == Kind.CALLBACK_ATTEMPTED and e.payload.outcome != "reached" for e in after) and \
        not reached and _closed_unreachable(after)
    if unreachable:
        return None
    return reached


def _closed_unreachable(events: list[Event]) -> bool:
    failures = 0
    for e in events:
        if e.kind == Kind.CALLBACK_ATTEMPTED and e.payload.outcome != "reached":
            failures += 1
        if e.kind in (Kind.REWORK, Kind.UNIT_REPLIED):
            failures = 0
    return failures >= 2


def _callback_cases(add: Add, events: list[Event], rules: Rules) -> None:
    """M-11: each reply's callback deadline (R-32); done on or before it. Twice unreachable and
    confidential cases are left out; one not done yet is late once the deadline has passed."""
    state: OrderState | None = None
    for i, event in enumerate(events):
        state = apply(state, event, rules)
        # the reply reaches the callback desk: at once (a v1 reply) or when it is accepted
        if event.kind not in (Kind.UNIT_REPLIED, Kind.REPLY_REVIEWED) or state.status != Status.REPLIED:
            continue
        if state.callback_from is None:
            continue
        due = callback_due(state.callback_from, rules.callback_days)
        rest = events[i + 1:]
        done_at = next((e.at for e in rest if e.kind == Kind.CALLBACK_DONE), None)
        if done_at is None and _closed_unreachable(_until_next_reply(rest)):
            continue
        add("M-11", due, state.lead_unit, done_at is not None and done_at <= due, done_at is None)


def _sent_back(events: list[Event], reply: Event) -> bool:
    """A reply the county office sent back is not the unit's reply: the next one decides M-07,
    M-09 and M-10 (until then the order is still with the unit)."""
    for e in events[events.index(reply) + 1:]:
        if e.kind == Kind.REPLY_REVIEWED:
            return not e.payload.accept
        if e.kind in (Kind.UNIT_REPLIED, Kind.REWORK):
            break
    return False


def _until_next_reply(events: list[Event]) -> list[Event]:
    out = []
    for e in events:
        if e.kind in (Kind.UNIT_REPLIED, Kind.REWORK):
            break
        out.append(e)
    return out


__all__ = ["FIGURES", "RETURNED", "REWORKED", "SATISFIED", "STAFF_COMPLAINT", "UNIT_FIELD", "CallRecord", "Count", "Fact", "Figure", "FigureDef",
           "Listed", "Report", "SmsRecord", "UnitMonth", "call_figures", "complaint_figure", "compute", "count_facts", "order_facts", "tally"]
