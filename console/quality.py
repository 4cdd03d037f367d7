"""Drawing the month's 录音质检 sample in a store: the seeded sample per agent (console.domain.qa),
each sampled call pre-filled from its call record and its transcript. Used by `hotline qa sample`
and the demo."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any


def _orders_of_calls(store, start: datetime, end: datetime) -> dict[tuple[str, str], Any]:
    """(operator, call minute) -> the `created` payload of the order the agent recorded on that
    call: its nature (the sample's stratum) and what the console recorded of the call."""
    out = {}
    for _number, events in store.histories():
        created = events[0]
        if created.kind != "created":
            continue
        call_time = created.payload.call_time or created.at.isoformat()
        if not start.isoformat() <= call_time < end.isoformat():  # the call's month, not the recording's
            continue
        out[(created.actor.operator, call_time[:16])] = created.payload
    return out


def _order_of(orders: dict[tuple[str, str], Any], call) -> Any:
    """The order recorded on a call: the form starts in the minute the call was answered (or the next)."""
    at = call.answered_at or call.offered_at
    for minute in (call.offered_at, at, at + timedelta(minutes=1)):
        found = orders.get((call.operator, minute.isoformat()[:16]))
        if found is not None:
            return found
    return None


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
    orders = _orders_of_calls(store, start, end)

    def stratum(c) -> str:
        created = orders.get((c.operator, c.offered_at.isoformat()[:16]))
        return f"{c.offered_at:%Y-%m-%d}/{created.nature if created is not None else ''}"

    drawn = sample(calls.values(), seed=month, per_agent=per_agent, stratum=stratum)
    written = 0
    for operator, ids in drawn.items():
        for call_id in ids:
            found = scan_call(calls[call_id])
            t = transcript(store, call_id)
            if t is not None:
                found += scan_transcript(checklist, t)
            created = _order_of(orders, calls[call_id])
            if created is not None:  # what the console itself recorded of the call
                seen = {f.code for f in found}
                found += [f for f in scan_recorded(checklist, created, calls[call_id]) if f.code not in seen]
            written += save_review(store, call_id, month, operator, [finding_dict(f) for f in found],
                                   recording_score(checklist, [f.code for f in found]), keep_decided=True)
    return drawn, written
