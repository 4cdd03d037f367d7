"""Deadline rules: dispatch cutoffs (R-23), unit time limits (R-26), extensions (R-25), callback (R-32).

All times are naive China wall-clock datetimes (Asia/Shanghai).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Literal

from console.domain.calendar import WorkCalendar

CutoffMode = Literal["daily", "12h"]
CUTOFF_MODES: tuple[str, ...] = ("daily", "12h")

DAY_WINDOW_START = time(8, 30)
DAY_CUTOFF = time(17, 0)
NIGHT_CUTOFF = time(12, 0)
COUNTY_WINDOW = timedelta(hours=12)
END_OF_DAY = time(23, 59, 59)

# The figures these rules take (time limits, the extension cap, callback days, the cutoff mode)
# are the hotline's settings: console.domain.settings.Rules holds them and their defaults.


@dataclass(frozen=True)
class Deadline:
    at: datetime
    provisional: bool  # computed over a year without an official holiday schedule


def dispatch_cutoff(created: datetime, mode: CutoffMode = "daily") -> datetime:
    """When an order created at `created` must have been forwarded (R-23).

    Cutoffs are clock times, not working-day times: the hotline and its dispatchers work 24/7
    (日结日清), so a Saturday-evening order is still due at 12:00 on Sunday.
    Windows are half-open: [08:30, 17:00) -> 17:00 the same day; [17:00, 24:00) -> 12:00 the
    next day; [00:00, 08:30) -> 12:00 the same day.
    """
    if mode == "12h":
        return created + COUNTY_WINDOW
    if mode != "daily":
        raise ValueError(f"cutoff mode must be one of {CUTOFF_MODES}, got {mode!r}")
    t = created.time()
    day = created.date()
    if t < DAY_WINDOW_START:
        return datetime.combine(day, NIGHT_CUTOFF)
    if t < DAY_CUTOFF:
        return datetime.combine(day, DAY_CUTOFF)
    return datetime.combine(day + timedelta(days=1), NIGHT_CUTOFF)


def unit_due(dispatched_at: datetime, workdays: int, cal: WorkCalendar) -> Deadline:
    """R-26: `workdays` working days after dispatch, the dispatch day not counted, due at the end
    of the last working day."""
    if workdays < 1:
        raise ValueError(f"time limit must be at least 1 working day, got {workdays}")
    day, provisional = cal.add_workdays(dispatched_at.date(), workdays)
    return Deadline(datetime.combine(day, END_OF_DAY), provisional)


def extended_due(current: Deadline, days: int, cal: WorkCalendar) -> Deadline:
    """R-25: an extension adds `days` working days after the current due date. The cap
    (Rules.max_extension_days) is decide()'s to enforce."""
    if days < 1:
        raise ValueError(f"extension must be at least 1 working day, got {days}")
    day, provisional = cal.add_workdays(current.at.date(), days)
    return Deadline(datetime.combine(day, END_OF_DAY), provisional or current.provisional)


def callback_due(replied_at: datetime, days: int) -> datetime:
    """R-32: the callback is due `days` calendar days after the unit's reply (callback seats
    work every day, so no working-day arithmetic)."""
    return replied_at + timedelta(days=days)
