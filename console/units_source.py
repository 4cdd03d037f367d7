"""Loads the undertaking-unit directory (console/kb_data/units.toml) into console.domain.units.Unit."""

from __future__ import annotations

import tomllib
from pathlib import Path

from console.domain.units import Unit, units_from_dicts
from console.paths import KB_DATA

UNITS_FILE = KB_DATA / "units.toml"


def _initials(text: str) -> str:
    from console.pinyin import initials  # only for entries without initials: pypinyin loads slowly

    return initials(text)


def load_units(path: str | Path | None = None) -> list[Unit]:
    """All `[[units]]` entries, in file order. Raises OSError, TOMLDecodeError or ValueError."""
    with open(Path(path) if path else UNITS_FILE, "rb") as fh:
        data = tomllib.load(fh)
    return units_from_dicts(data.get("units", ()), initials_fn=_initials)
