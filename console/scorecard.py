"""The call-takers' monthly scorecards in a store: each agent's month gathered from the 录音质检
reviews, the telephone system's call records and the orders they recorded, scored under the
weights the centre published with the rules (console/domain/scorecard.py). For `hotline qa
report` and the quality desk."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from console.domain.figures import ANSWER_IN_TIME_SECONDS, SATISFIED
from console.domain.kinds import Kind
from console.domain.scorecard import AgentMonth, Scorecard, ranked


def _share(hit: int, of: int) -> float | None:
    return hit / of if of else None


def agent_months(store, month: str, rows: list[dict[str, Any]] | None = None) -> list[AgentMonth]:
    from console.domain.qa import component, month_score
    from console.qa_source import load_checklist
    from console.stats import period_of_month
    from console.store.call_records import calls_between
    from console.store.quality import reviews

    start, end = period_of_month(month)
    checklist = load_checklist()
    decided: dict[str, list[int]] = defaultdict(list)
    agents: set[str] = set()
    for r in rows if rows is not None else reviews(store, month):
        agents.add(r["operator"])
        if r["reviewed_by"]:
            decided[r["operator"]].append(r["score"])
    answered: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    rated: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for c in calls_between(store, start, end):
        if not c.operator or c.answered_at is None:
            continue
        agents.add(c.operator)
        answered[c.operator][0] += (c.answered_at - c.offered_at).total_seconds() <= ANSWER_IN_TIME_SECONDS
        answered[c.operator][1] += 1
        if c.rating:
            rated[c.operator][0] += c.rating in SATISFIED
            rated[c.operator][1] += 1
    orders: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # forwarded without a return, went to dispatch
    for _number, events in store.histories():
        created = events[0]
        call_time = created.payload.call_time or created.at.isoformat() if created.kind == Kind.CREATED else ""
        if not call_time or not start.isoformat() <= call_time < end.isoformat() or created.actor.role != "agent":
            continue
        kinds = {e.kind for e in events}
        returned = Kind.RETURNED_TO_INTAKE in kinds
        if returned or Kind.DISPATCHED in kinds:  # an order still waiting for dispatch is not decided yet
            agents.add(created.actor.operator)
            orders[created.actor.operator][0] += not returned
            orders[created.actor.operator][1] += 1
    out = []
    for op in sorted(agents):
        score = month_score(decided[op])
        out.append(AgentMonth(op, None if score is None else component(checklist, score),
                              _share(*answered[op]), _share(*rated[op]), _share(*orders[op])))
    return out


def scorecards(store, month: str, rows: list[dict[str, Any]] | None = None) -> list[Scorecard]:
    """Every agent's scorecard for the month, with their place among the agents."""
    from console.qa_source import load_checklist

    checklist = load_checklist()
    qa_full = max((t.points for t in checklist.tiers), default=40)
    return ranked(agent_months(store, month, rows), store.rules.scorecard, qa_full)
