"""Where the seat's data lives: --data-dir, then $HOTLINE_DATA_DIR, then the platform data dir."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

# Shipped data (taxonomy, units, phrasing, calendar years, starter KB) is package data of `console`,
# so a built wheel carries it; an installed package is a directory, so the traversable is a path.
KB_DATA = Path(str(resources.files("console") / "kb_data"))
STORE_FILE = "seat.db"


def data_dir(explicit: str | os.PathLike | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("HOTLINE_DATA_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("hotline", appauthor=False))


def store_path(explicit: str | os.PathLike | None = None) -> Path:
    return data_dir(explicit) / STORE_FILE


def admin_calendar_dir(explicit: str | os.PathLike | None = None) -> Path:
    """Year files an admin added from the State Council notice (override shipped ones)."""
    return data_dir(explicit) / "calendar"
