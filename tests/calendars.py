"""Calendars the tests build themselves, so that they do not depend on which years the installed
chinese-calendar knows: 2026 is the last official year here, 2027 the provisional one (weekdays
less the statutory holidays), whatever a later chinese-calendar release learns."""

from __future__ import annotations

from pathlib import Path

from console.calendar_source import load_calendar
from console.domain.calendar import WorkCalendar
from console.paths import admin_calendar_dir

LAST_OFFICIAL_YEAR = 2026
PROVISIONAL_YEAR = 2027


def calendar_through_2026(extra_dirs=()) -> WorkCalendar:
    """The shipped calendar with no official schedule after 2026."""
    cal = load_calendar(extra_dirs)
    schedules = {y: s for y, s in cal.schedules.items() if y <= LAST_OFFICIAL_YEAR or not s.official}
    return WorkCalendar(schedules, cal.fallback_holidays, cal.fallback_source)


def make_2027_provisional(data_dir: Path) -> Path:
    """An admin year file that states 2027 as provisional (official = false, the statutory
    holidays only): a seat on `data_dir` estimates 2027 deadlines as it does today."""
    holidays = sorted(load_calendar().fallback_holidays[PROVISIONAL_YEAR])
    folder = admin_calendar_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{PROVISIONAL_YEAR}.toml"
    listed = ", ".join(f'"{d.isoformat()}"' for d in holidays)
    path.write_text(f'year = {PROVISIONAL_YEAR}\nofficial = false\nsource = "statutory holidays only (test)"\n'
                    f"holidays = [{listed}]\nmakeup_workdays = []\n", encoding="utf-8")
    return path
