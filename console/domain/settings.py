"""The hotline's configurable rules in one value: defaults from DOMAIN.md, overridable from config."""

from __future__ import annotations

from dataclasses import dataclass, field

from console.domain.deadlines import CutoffMode
from console.domain.scorecard import DEFAULT_SCORECARD

DEFAULT_NATURES = ("咨询", "求助", "建议", "投诉", "举报", "表扬")


@dataclass(frozen=True)
class Rules:
    hotline_name: str = "市民热线"  # some cities say 市长热线
    natures: tuple[str, ...] = DEFAULT_NATURES
    # R-26 unit time limits in working days, per nature ("default" for the rest).
    limits: dict[str, dict[str, int]] = field(default_factory=lambda: {"default": {"general": 5, "complex": 10}})
    cutoff_mode: CutoffMode = "daily"  # R-23; "12h" for a county office
    max_extension_days: int = 7
    callback_days: int = 3
    callback_max_failures: int = 2  # two failed tries = unreachable
    # R-32 means two attempts, not two key presses: a failed try counts only this long after the last
    callback_min_gap_minutes: int = 30
    # the call-takers' monthly scorecard: component -> points out of 100 (console/domain/scorecard.py)
    scorecard: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_SCORECARD))
    # The monthly ranking (考核, console/domain/ranking.py): weight per figure, unit kind -> peer
    # group. Empty here; console/config.py fills them from console/kb_data/ranking.toml or from
    # the `ranking` table the centre publishes.
    ranking_weights: dict[str, float] = field(default_factory=dict)
    peer_groups: dict[str, str] = field(default_factory=dict)

    def limit_days(self, nature: str, complexity: str) -> int:
        per_nature = self.limits.get(nature) or self.limits["default"]
        return int(per_nature.get(complexity) or self.limits["default"][complexity])


DEFAULT_RULES = Rules()
