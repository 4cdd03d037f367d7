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
Complexity = Literal["general", "complex"]
COMPLEXITIES: tuple[str, ...] = ("general", "complex")

DAY_WINDOW_START = time(8, 30)
DAY_CUTOFF = time(17, 0)
NIGHT_CUTOFF = time(12, 0)
COUNTY_WINDOW = timedelta(hours=12)
END_OF_DAY = time(23, 59, 59)

# one extension decided by the dispatcher is at most 7 (working) days.
MAX_EXTENSION_DAYS = 7
CALLBACK_DAYS = 3

# general matters within 5 working days, complex ones within 10; a nature (事项性质) name
# may override either figure, missing ones fall back to "default".
DEFAULT_LIMITS: dict[str, dict[str, int]] = {"default": {"general": 5, "complex": 10}}


@dataclass(frozen=True)
class Deadline:
    at: datetime
    provisional: bool  # computed over a year without an official holiday schedule


@dataclass(frozen=True)
class CutoffSettings:
    """'daily' = the city centre's 17:00 / 12:00 cutoffs; '12h' = a county office's 12 hours."""

    mode: CutoffMode = "daily"

    def __post_init__(self) -> None:
        if self.mode not in CUTOFF_MODES:
            raise ValueError(f"cutoff mode must be one of {CUTOFF_MODES}, got {self.mode!r}")

    def cutoff(self, created: datetime) -> datetime:
        return dispatch_cutoff(created, self.mode)


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
    (MAX_EXTENSION_DAYS for the dispatcher's own decision) is the workflow's to enforce."""
    if days < 1:
        raise ValueError(f"extension must be at least 1 working day, got {days}")
    day, provisional = cal.add_workdays(current.at.date(), days)
    return Deadline(datetime.combine(day, END_OF_DAY), provisional or current.provisional)


def callback_due(replied_at: datetime, days: int = CALLBACK_DAYS) -> datetime:
    """R-32: the callback is due `days` calendar days after the unit's reply (callback seats
    work every day, so no working-day arithmetic)."""
    return replied_at + timedelta(days=days)


def time_limit_days(
    nature: str, complexity: Complexity, limits: dict[str, dict[str, int]] = DEFAULT_LIMITS
) -> int:
    """Working days allowed for an order of this nature and complexity (R-26)."""
    if complexity not in COMPLEXITIES:
        raise ValueError(f"complexity must be one of {COMPLEXITIES}, got {complexity!r}")
    own = limits.get(nature) or {}
    if complexity in own:
        return own[complexity]
    default = limits.get("default") or DEFAULT_LIMITS["default"]
    return default.get(complexity, DEFAULT_LIMITS["default"][complexity])
