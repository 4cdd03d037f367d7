"""Loads the ranking's weights and peer groups (console/kb_data/ranking.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from console.domain.ranking import FIGURE_KEYS
from console.errors import HotlineError
from console.paths import KB_DATA

RANKING_FILE = KB_DATA / "ranking.toml"


def load_ranking(path: Path = RANKING_FILE) -> tuple[dict[str, float], dict[str, str]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise HotlineError(f"bad ranking file {path}: {exc}") from None
    weights = {k: float(v) for k, v in (data.get("weights") or {}).items()}
    unknown = sorted(set(weights) - set(FIGURE_KEYS))
    if unknown or not weights or any(w < 0 for w in weights.values()):
        raise HotlineError(f"bad ranking file {path}: weights must be >= 0 and among {', '.join(FIGURE_KEYS)}")
    return weights, {str(k): str(v) for k, v in (data.get("peer_groups") or {}).items()}
