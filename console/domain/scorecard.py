"""The call-taker's monthly scorecard (考核办法, 百分制): 录音质检 and the other components, each with
the points the centre publishes with the rules (`scorecard` in the rules file; DEFAULT_SCORECARD
when none), and the agent's place among their peers. Pure.

- qa (录音质检): the 40-point conversion of the month's QA score (console/domain/qa.py), scaled to
  the component's points;
- answered_in_time (应答及时率): the agent's calls answered within 15 s / answered (M-02 per agent);
- satisfaction (服务满意率): the agent's calls rated 满意 or 基本满意 / rated (M-05 per agent);
- order_quality (工单合格率): the agent's orders forwarded without being returned to intake for
  correction (R-20) / the agent's orders that went to dispatch.
A component without a case this month is left out and the others are scaled up to 100.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

COMPONENTS: dict[str, str] = {
    "qa": "录音质检",
    "answered_in_time": "应答及时率",
    "satisfaction": "服务满意率",
    "order_quality": "工单合格率",
}
DEFAULT_SCORECARD: dict[str, int] = {"qa": 40, "answered_in_time": 20, "satisfaction": 20, "order_quality": 20}
FULL = 100


def scorecard_problem(weights: Mapping[str, object]) -> str:
    """Why a published scorecard cannot be used ("" when it can): known components, whole points,
    adding up to 100."""
    unknown = sorted(set(weights) - set(COMPONENTS))
    if unknown:
        return f"unknown scorecard component {unknown[0]!r} (expected {', '.join(COMPONENTS)})"
    if any(isinstance(v, bool) or not isinstance(v, int) or v < 0 for v in weights.values()):
        return "scorecard points must be whole numbers, 0 or more"
    total = sum(int(v) for v in weights.values() if isinstance(v, int))
    if total != FULL:
        return f"scorecard points must add up to {FULL} (they add up to {total})"
    return ""


@dataclass(frozen=True)
class AgentMonth:
    """What one agent's month shows, as ratios (None: no case)."""

    operator: str
    qa_points: int | None = None  # the 40-point conversion (the seed's tiers), None: nothing reviewed
    answered_in_time: float | None = None
    satisfaction: float | None = None
    order_quality: float | None = None


@dataclass
class Scorecard:
    operator: str
    points: dict[str, float | None] = field(default_factory=dict)  # component -> points earned (None: no case)
    total: float | None = None  # out of 100
    rank: int | None = None
    of: int = 0


def score(month: AgentMonth, weights: Mapping[str, int], qa_full: int = 40) -> Scorecard:
    """One agent's components and total out of 100 under the published weights."""
    shares: dict[str, float | None] = {
        "qa": None if month.qa_points is None else month.qa_points / qa_full,
        "answered_in_time": month.answered_in_time,
        "satisfaction": month.satisfaction,
        "order_quality": month.order_quality,
    }
    card = Scorecard(month.operator)
    earned, possible = 0.0, 0
    for code, weight in weights.items():
        share = shares.get(code)
        card.points[code] = None if share is None else round(weight * share, 2)
        if share is not None:
            earned += weight * share
            possible += weight
    card.total = round(earned * FULL / possible, 2) if possible else None
    return card


def ranked(months: Iterable[AgentMonth], weights: Mapping[str, int], qa_full: int = 40) -> list[Scorecard]:
    """Every agent's scorecard with their place among the agents (equal totals share a place)."""
    cards = [score(m, weights, qa_full) for m in months]
    totals = [c.total for c in cards if c.total is not None]
    for c in cards:
        c.of = len(totals)
        c.rank = None if c.total is None else 1 + sum(1 for t in totals if t > c.total)
    return sorted(cards, key=lambda c: c.operator)
