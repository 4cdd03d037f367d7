"""Calendar years the centre publishes, as JSON (seat and centre alike), and the calendar with
them: a published year replaces that year of the shipped and admin files."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from console.domain.calendar import WorkCalendar, YearSchedule


def year_to_dict(s: YearSchedule) -> dict[str, Any]:
    return {"year": s.year, "official": s.official, "source": s.source,
            "holidays": sorted(d.isoformat() for d in s.holidays),
            "makeup_workdays": sorted(d.isoformat() for d in s.makeup_workdays)}


def year_from_dict(d: Mapping[str, Any]) -> YearSchedule:
    return YearSchedule(int(d["year"]), frozenset(date.fromisoformat(x) for x in d["holidays"]),
                        frozenset(date.fromisoformat(x) for x in d["makeup_workdays"]), str(d["source"]),
                        bool(d["official"]))


def with_years(calendar: WorkCalendar, years: Iterable[Mapping[str, Any]]) -> WorkCalendar:
    published = {s.year: s for s in map(year_from_dict, years)}
    if not published:
        return calendar
    return WorkCalendar({**calendar.schedules, **published}, calendar.fallback_holidays, calendar.fallback_source)
