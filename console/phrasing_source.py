"""Loads the standard phrasing (console/kb_data/phrasing.toml) into a console.domain.phrasing.Phrasebook."""

from __future__ import annotations

import tomllib
from pathlib import Path

from console.domain.phrasing import Phrasebook
from console.paths import KB_DATA

PHRASING_FILE = KB_DATA / "phrasing.toml"


def load_phrasebook(path: str | Path | None = None) -> Phrasebook:
    """Raises OSError, tomllib.TOMLDecodeError or ValueError (missing phrase, bad placeholder)."""
    with open(Path(path) if path else PHRASING_FILE, "rb") as fh:
        return Phrasebook.from_dict(tomllib.load(fh))
