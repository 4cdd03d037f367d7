"""Drawing the month's 录音质检 sample in a store: the seeded sample per agent (console.domain.qa),
each sampled call pre-filled from its call record, its transcript and what the console recorded
of it (the order's call log and its call_ended marks). Used by `hotline qa sample`, the quality
desk and the demo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any


@dataclass
class CallOrder:
    """The order an agent recorded on a call: its `created` payload and its call_ended payloads."""

    created: Any
    ended: list[Any] = field(default_factory=list)


@dataclass
class CallOrders:
    by_call: dict[str, CallOrder] = field(default_factory=dict)  # the call id the form was popped for
    by_minute: dict[tuple[str, str], CallOrder] = field(default_factory=dict)  # (operator, call minute)

    def of(self, call) -> CallOrder | None:
        """The order recorded on a call: by its call id first; an order without one (typed by
        hand, or the call records imported) by operator and the minute the form started, which
        is the minute the call was offered or answered (or the next)."""
        found = self.by_call.get(call.call_id)
        if found is not None:
            return found
        at = call.answered_at or call.offered_at
        for minute in (call.offered_at, at, at + timedelta(minutes=1)):
            found = self.by_minute.get((call.operator, minute.isoformat()[:16]))
            if found is not None:
                return found
        return None


def orders_of_calls(store, start: datetime, end: datetime) -> CallOrders:
    """The orders recorded on the period's calls (the call's month, not the recording's)."""
    from console.domain.kinds import Kind

    out = CallOrders()
    for _number, events in store.histories():
        created = events[0]
        if created.kind != Kind.CREATED:
            continue
        call_time = created.payload.call_time or created.at.isoformat()
        if not start.isoformat() <= call_time < end.isoformat():
            continue
        order = CallOrder(created.payload, [e.payload for e in events if e.kind == Kind.CALL_ENDED])
        if created.payload.call_id:
            out.by_call[created.payload.call_id] = order
        out.by_minute[(created.actor.operator, call_time[:16])] = order
    return out


def call_timelines(store, month: str) -> dict[str, str]:
    """Each sampled call's timeline as the console recorded it (the quality desk shows it beside
    the findings), by call id; calls without a recorded order are left out."""
    from console.domain.call_log import recorded_call, timeline
    from console.stats import period_of_month
    from console.store.call_records import calls_between
    from console.store.quality import reviews

    start, end = period_of_month(month)
    sampled = {r["call_id"] for r in reviews(store, month)}
    if not sampled:
        return {}
    orders = orders_of_calls(store, start, end)
    out = {}
    for call in calls_between(store, start, end):
        order = orders.of(call) if call.call_id in sampled else None
        if order is not None:
            text = timeline(recorded_call(order.created, order.ended))
            if text:
                out[call.call_id] = text
    return out


def draw_sample(store, month: str, per_agent: int) -> tuple[dict[str, list[str]], int]:
    """(the sample per agent, how many reviews were written): an inspector's decided review is kept."""
    from console.domain.call_log import scan_recorded
    from console.domain.qa import recording_score, sample, scan_call, scan_transcript
    from console.qa_source import load_checklist
    from console.stats import period_of_month
    from console.store.call_records import calls_between
    from console.store.quality import finding_dict, save_review, transcript

    start, end = period_of_month(month)
    checklist = load_checklist()
    calls = {c.call_id: c for c in calls_between(store, start, end)}
    orders = orders_of_calls(store, start, end)

    def stratum(c) -> str:
        order = orders.of(c)
        return f"{c.offered_at:%Y-%m-%d}/{order.created.nature if order is not None else ''}"

    drawn = sample(calls.values(), seed=month, per_agent=per_agent, stratum=stratum)
    written = 0
    for operator, ids in drawn.items():
        for call_id in ids:
            found = scan_call(calls[call_id])
            t = transcript(store, call_id)
            if t is not None:
                found += scan_transcript(checklist, t)
            order = orders.of(calls[call_id])
            if order is not None:  # what the console itself recorded of the call
                seen = {f.code for f in found}
                found += [f for f in scan_recorded(checklist, order.created, calls[call_id], order.ended)
                          if f.code not in seen]
            written += save_review(store, call_id, month, operator, [finding_dict(f) for f in found],
                                   recording_score(checklist, [f.code for f in found]), keep_decided=True)
    return drawn, written
