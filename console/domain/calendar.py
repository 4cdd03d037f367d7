"""Working-day calendar (R-26): official State Council schedules plus a provisional fallback.

Pure: the schedules are handed in by `console.calendar_source`. A year without an official
schedule is never guessed silently: weekdays count as working days except that year's statutory
public holidays, there are no makeup days (调休), and every answer touching it says provisional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import NamedTuple

ONE_DAY = timedelta(days=1)

# Statutory holidays that fall on fixed Gregorian dates (元旦, 劳动节, 国庆; 2025 rules). Used for
# years beyond the shipped statutory table, where lunar festivals are unknown.
FIXED_STATUTORY = ((1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3))


def fixed_statutory_holidays(year: int) -> frozenset[date]:
    return frozenset(date(year, m, d) for m, d in FIXED_STATUTORY)


@dataclass(frozen=True)
class YearSchedule:
    """One year's days off and makeup working days, as published (or entered) for that year.

    `holidays` are the days off of the holiday periods (weekends inside a period included);
    `makeup_workdays` are weekend days declared working days (调休). Dates may spill into the
    neighbouring year (e.g. 2018-12-29..31 were part of the 2019 New Year arrangement).
    """

    year: int
    holidays: frozenset[date]
    makeup_workdays: frozenset[date]
    source: str
    official: bool

    def __post_init__(self) -> None:
        clash = self.holidays & self.makeup_workdays
        if clash:
            first = min(clash).isoformat()
            raise ValueError(f"{self.year}: {first} is both a holiday and a makeup workday")


class YearStatus(NamedTuple):
    year: int
    official: bool
    source: str


@dataclass
class WorkCalendar:
    schedules: dict[int, YearSchedule]
    fallback_holidays: dict[int, frozenset[date]] = field(default_factory=dict)
    fallback_source: str = "statutory holidays only (no official schedule)"

    def __post_init__(self) -> None:
        # Date -> is-workday overrides. A schedule's own-year entries win over spill-over entries
        # from a neighbouring year's schedule, so index spill-overs first.
        self._override: dict[date, bool] = {}
        ordered = sorted(self.schedules.values(), key=lambda s: s.year)
        for own_year in (False, True):
            for sched in ordered:
                for d in sched.holidays:
                    if (d.year == sched.year) == own_year:
                        self._override[d] = False
                for d in sched.makeup_workdays:
                    if (d.year == sched.year) == own_year:
                        self._override[d] = True
        self._public: set[date] = {d for s in ordered for d in s.holidays}

    # -- single days -------------------------------------------------------------------------

    def is_known(self, year: int) -> bool:
        """True when an official schedule for `year` is loaded."""
        sched = self.schedules.get(year)
        return sched is not None and sched.official

    def _fallback(self, year: int) -> frozenset[date]:
        found = self.fallback_holidays.get(year)
        return found if found is not None else fixed_statutory_holidays(year)

    def is_workday(self, d: date) -> bool:
        if d in self._override:
            return self._override[d]
        if d.year not in self.schedules and d in self._fallback(d.year):
            return False
        return d.weekday() < 5

    def is_public_holiday(self, d: date) -> bool:
        """A day off of a holiday period (for the 节日好 greeting); plain weekends are not."""
        if d in self._public:
            return True
        return d.year not in self.schedules and d in self._fallback(d.year)

    # -- counting ----------------------------------------------------------------------------

    def add_workdays(self, start: date, n: int) -> tuple[date, bool]:
        """The n-th working day after `start` (start not counted) and whether it is provisional.

        Provisional is True when any examined day (start+1 .. result) lies in a year without an
        official schedule. n == 0 returns `start` unchanged.
        """
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        d = start
        provisional = False
        checked_year = None
        while n > 0:
            d += ONE_DAY
            if d.year != checked_year:
                checked_year = d.year
                provisional = provisional or not self.is_known(d.year)
            if self.is_workday(d):
                n -= 1
        return d, provisional

    def workdays_between(self, a: date, b: date) -> int:
        """Working days in (a, b]; negative when b < a. Inverse of add_workdays for workday b."""
        if b < a:
            return -self.workdays_between(b, a)
        count = 0
        d = a
        while d < b:
            d += ONE_DAY
            if self.is_workday(d):
                count += 1
        return count

    def unknown_years(self, start: date, end: date) -> list[int]:
        """Years in [start, end] without an official schedule (for provisional notices)."""
        lo, hi = sorted((start.year, end.year))
        return [y for y in range(lo, hi + 1) if not self.is_known(y)]

    def status(self) -> list[YearStatus]:
        """Each year the calendar knows anything about, official or provisional, with its source."""
        rows = {s.year: YearStatus(s.year, s.official, s.source) for s in self.schedules.values()}
        for year in self.fallback_holidays:
            rows.setdefault(year, YearStatus(year, False, self.fallback_source))
        return [rows[y] for y in sorted(rows)]
