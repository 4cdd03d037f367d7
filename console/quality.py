"""Drawing the month's 录音质检 sample in a store: the seeded sample per agent (console.domain.qa),
each sampled call pre-filled from its call record and its transcript. Used by `hotline qa sample`
and the demo."""

from __future__ import annotations

from datetime import datetime


def _nature_of_calls(store, start: datetime, end: datetime) -> dict[tuple[str, str], str]:
    """(operator, call minute) -> the nature of the order the agent recorded on that call."""
    out = {}
    for _number, events in store.histories():
        created = events[0]
        if created.kind != "created" or not start <= created.at < end:
            continue
        call_time = created.payload.call_time or created.at.isoformat()
        out[(created.actor.operator, call_time[:16])] = created.payload.nature
    return out


def draw_sample(store, month: str, per_agent: int) -> tuple[dict[str, list[str]], int]:
    """(the sample per agent, how many reviews were written): an inspector's decided review is kept."""
    from console.domain.qa import recording_score, sample, scan_call, scan_transcript
    from console.qa_source import load_checklist
    from console.stats import period_of_month
    from console.store.call_records import calls_between
    from console.store.quality import finding_dict, save_review, transcript

    start, end = period_of_month(month)
    checklist = load_checklist()
    calls = {c.call_id: c for c in calls_between(store, start, end)}
    natures = _nature_of_calls(store, start, end)

    def stratum(c) -> str:
        return f"{c.offered_at:%Y-%m-%d}/{natures.get((c.operator, c.offered_at.isoformat()[:16]), '')}"

    drawn = sample(calls.values(), seed=month, per_agent=per_agent, stratum=stratum)
    written = 0
    for operator, ids in drawn.items():
        for call_id in ids:
            found = scan_call(calls[call_id])
            t = transcript(store, call_id)
            if t is not None:
                found += scan_transcript(checklist, t)
            written += save_review(store, call_id, month, operator, [finding_dict(f) for f in found],
                                   recording_score(checklist, [f.code for f in found]), keep_decided=True)
    return drawn, written
