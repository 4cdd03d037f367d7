"""Builds the WorkCalendar from chinese-calendar, shipped year files and the admin's year files.

Precedence (later wins, per year): chinese-calendar's tables < console/kb_data/calendar/*.toml < each of
`extra_dirs` in order (the admin dir: an admin adds a year from the State Council notice).
`statutory.toml` in any of those dirs is the provisional fallback table, not a year file.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from console.domain.calendar import WorkCalendar, YearSchedule
from console.paths import KB_DATA, admin_calendar_dir

SHIPPED_DIR = KB_DATA / "calendar"
STATUTORY_FILE = "statutory.toml"
YEAR_FILE_KEYS = {"year", "official", "source", "holidays", "makeup_workdays"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def load_calendar(extra_dirs: Iterable[str | os.PathLike] = ()) -> WorkCalendar:
    schedules = _chinese_calendar_schedules()
    fallback: dict[int, frozenset[date]] = {}
    for folder in (SHIPPED_DIR, *map(Path, extra_dirs)):
        if not folder.is_dir():
            continue
        fallback.update(_load_statutory(folder / STATUTORY_FILE))
        schedules.update(_load_year_dir(folder))
    return WorkCalendar(schedules, fallback)


def calendar_for_data_dir(data_dir: str | os.PathLike) -> WorkCalendar:
    """The calendar a seat uses: shipped data plus the admin's year files in `data_dir`."""
    return load_calendar(extra_dirs=(admin_calendar_dir(data_dir),))


def add_year_file(src_path: str | os.PathLike, data_dir: str | os.PathLike) -> YearSchedule:
    """Validate a year file and copy it into the admin dir as YEAR.toml (replacing an older one)."""
    import tempfile  # only needed here; keeps start-up import cost down

    src = Path(src_path)
    sched = parse_year_file(src)
    dest_dir = admin_calendar_dir(data_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / f"{sched.year}.toml"
    # Write-then-rename so a crash never leaves a half-written year file that breaks every start.
    fd, tmp = tempfile.mkstemp(dir=dest_dir, prefix=f".{sched.year}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(src.read_bytes())
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return sched


# -- chinese-calendar -------------------------------------------------------------------------


def _chinese_calendar_schedules() -> dict[int, YearSchedule]:
    # Read the package's tables directly: its per-day API raises NotImplementedError outside its
    # years, and a per-day scan would be slow. Its `holidays` holds every day off of a holiday
    # period, `workdays` the makeup working days.
    import chinese_calendar
    from chinese_calendar import constants

    source = f"chinese-calendar {chinese_calendar.__version__}"
    off: dict[int, set[date]] = defaultdict(set)
    on: dict[int, set[date]] = defaultdict(set)
    for d in constants.holidays:
        off[d.year].add(d)
    for d in constants.workdays:
        on[d.year].add(d)
    first, last = min(off), max(off)
    return {
        y: YearSchedule(y, frozenset(off[y]), frozenset(on[y]), source, official=True)
        for y in range(first, last + 1)
    }


# -- year files -------------------------------------------------------------------------------


def _load_year_dir(folder: Path) -> dict[int, YearSchedule]:
    found: dict[int, YearSchedule] = {}
    seen_in: dict[int, Path] = {}
    for path in sorted(folder.glob("*.toml")):
        if path.name == STATUTORY_FILE:
            continue
        sched = parse_year_file(path)
        if sched.year in found:
            raise ValueError(f"{path}: year {sched.year} is already given by {seen_in[sched.year]}")
        found[sched.year] = sched
        seen_in[sched.year] = path
    return found


def _read_toml(path: Path) -> tuple[str, dict]:
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ValueError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: invalid TOML: {exc}") from exc


def _where(path: Path, text: str, needle: str | None) -> str:
    """'FILE, line N' for the first line mentioning `needle`, else just 'FILE'."""
    if needle:
        for number, line in enumerate(text.splitlines(), start=1):
            if needle in line.split("#", 1)[0]:
                return f"{path}, line {number}"
    return str(path)


def _parse_date(value, path: Path, text: str, field: str, index: int) -> date:
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value  # a native TOML date
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raw = value if isinstance(value, str) else repr(value)
    raise ValueError(
        f"{_where(path, text, raw)}: field '{field}' item {index + 1}: "
        f"bad date {raw!r} (expected 'YYYY-MM-DD')"
    )


def parse_year_file(path: str | os.PathLike) -> YearSchedule:
    """Read and validate one year file; ValueError names the file and the line or field."""
    path = Path(path)
    text, data = _read_toml(path)

    def fail(field: str, message: str, needle: str | None = None) -> ValueError:
        return ValueError(f"{_where(path, text, needle or field)}: field '{field}': {message}")

    unknown = sorted(set(data) - YEAR_FILE_KEYS)
    if unknown:
        raise fail(unknown[0], f"unknown field (expected {', '.join(sorted(YEAR_FILE_KEYS))})")
    for key in ("year", "official", "source", "holidays"):
        if key not in data:
            raise ValueError(f"{path}: missing field '{key}'")
    year = data["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not 1949 <= year <= 2200:
        raise fail("year", f"expected a year like 2027, got {year!r}")
    if not isinstance(data["official"], bool):
        raise fail("official", f"expected true or false, got {data['official']!r}")
    source = data["source"]
    if not isinstance(source, str) or not source.strip():
        raise fail("source", "expected the notice it comes from, e.g. \"国办发明电〔2026〕X号\"")

    lists: dict[str, frozenset[date]] = {}
    for field in ("holidays", "makeup_workdays"):
        values = data.get(field, [])
        if not isinstance(values, list):
            raise fail(field, "expected a list of 'YYYY-MM-DD' dates")
        dates = [_parse_date(v, path, text, field, i) for i, v in enumerate(values)]
        for d in dates:
            # Holiday periods may start in late December or end in early January.
            if not date(year - 1, 12, 1) <= d <= date(year + 1, 1, 31):
                raise fail(field, f"{d} is outside year {year}", d.isoformat())
            if field == "makeup_workdays" and d.weekday() < 5:
                raise fail(field, f"{d} is a weekday, not a makeup (调休) weekend day", d.isoformat())
        lists[field] = frozenset(dates)
    clash = lists["holidays"] & lists["makeup_workdays"]
    if clash:
        first = min(clash).isoformat()
        raise fail("makeup_workdays", f"{first} is also listed in 'holidays'", first)
    return YearSchedule(
        year, lists["holidays"], lists["makeup_workdays"], source.strip(), data["official"]
    )


def _load_statutory(path: Path) -> dict[int, frozenset[date]]:
    """statutory.toml: [years.YYYY] with one list of dates per festival."""
    if not path.is_file():
        return {}
    text, data = _read_toml(path)
    years = data.get("years")
    if not isinstance(years, dict):
        raise ValueError(f"{path}: missing table [years.YYYY]")
    table: dict[int, frozenset[date]] = {}
    for key, festivals in years.items():
        if not (isinstance(key, str) and key.isdigit() and isinstance(festivals, dict)):
            raise ValueError(f"{_where(path, text, key)}: expected a table [years.YYYY], got {key!r}")
        year = int(key)
        days: set[date] = set()
        for name, values in festivals.items():
            if not isinstance(values, list):
                raise ValueError(f"{_where(path, text, name)}: field '{name}': expected a list of dates")
            for i, v in enumerate(values):
                d = _parse_date(v, path, text, f"years.{key}.{name}", i)
                if d.year != year:
                    raise ValueError(f"{_where(path, text, d.isoformat())}: {d} is not in {year}")
                days.add(d)
        table[year] = frozenset(days)
    return table
