"""The monthly ranking of undertaking units (考核): a weighted score of each unit's figures, ranked
within its peer group. Weights and groups are data (console/kb_data/ranking.toml); pure."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from console.domain.figures import UnitMonth

FIGURE_KEYS = ("close_rate", "reply_rate", "satisfaction", "returns")


@dataclass(frozen=True)
class Ranked:
    unit: str
    group: str
    score: float | None  # 0..100; None when the unit had no case to score
    rank: int | None  # 1 = best in its group
    of: int  # units ranked in the group


def _values(m: UnitMonth) -> dict[str, float | None]:
    returns = None if not m.handed_over else max(0.0, 1 - m.returns / m.handed_over)
    return {"close_rate": m.close_rate, "reply_rate": m.reply_rate, "satisfaction": m.satisfaction,
            "returns": returns}


def score(m: UnitMonth, weights: Mapping[str, float]) -> float | None:
    """The weighted mean of the unit's figures (0..100), over the figures it has cases for."""
    total = used = 0.0
    for key, value in _values(m).items():
        w = float(weights.get(key, 0.0))
        if value is not None and w > 0:
            total += w * value
            used += w
    return round(100 * total / used, 2) if used else None


def rank(units: Mapping[str, UnitMonth], kind_of: Mapping[str, str], weights: Mapping[str, float],
         groups: Mapping[str, str]) -> list[Ranked]:
    """Every unit with its score and its place in its peer group (ties share a place)."""
    by_group: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
    for code, m in units.items():
        group = groups.get(kind_of.get(code, ""), "其他")
        by_group[group].append((code, score(m, weights)))
    out: list[Ranked] = []
    for group, members in sorted(by_group.items()):
        scored = sorted((s for _, s in members if s is not None), reverse=True)
        for code, s in sorted(members, key=lambda x: (x[1] is None, -(x[1] or 0), x[0])):
            place = None if s is None else scored.index(s) + 1
            out.append(Ranked(code, group, s, place, len(scored)))
    return out
