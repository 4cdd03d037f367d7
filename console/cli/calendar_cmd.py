"""`hotline calendar ...`: working days, dispatch cutoffs, calendar status, adding a year."""

from __future__ import annotations

import argparse
import re
from datetime import date, datetime

from console.cli.common import add_data_dir, print_json
from console.cli.errors import CliError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$")


def register(sub) -> None:
    cal = sub.add_parser("calendar", help="working-day calendar and deadline rules")
    add_data_dir(cal)
    cmds = cal.add_subparsers(dest="calendar_command", metavar="ACTION")

    p = cmds.add_parser("workdays", help="the date N working days after DATE (DATE not counted)")
    p.add_argument("date", metavar="DATE", help="YYYY-MM-DD")
    p.add_argument("n", metavar="N", help="number of working days (>= 0)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir(p)
    p.set_defaults(func=cmd_workdays)

    p = cmds.add_parser("cutoff", help="when an order created at DATETIME must be forwarded")
    p.add_argument("created", metavar="DATETIME", help="'YYYY-MM-DD HH:MM[:SS]', local time")
    p.add_argument("--mode", choices=("daily", "12h"), default="daily",
                   help="daily: 17:00 / 12:00 cutoffs (default); 12h: county office")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir(p)
    p.set_defaults(func=cmd_cutoff)

    p = cmds.add_parser("status", help="each year known: official or provisional, and its source")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir(p)
    p.set_defaults(func=cmd_status)

    p = cmds.add_parser("add-year", help="add a year file from the State Council notice")
    p.add_argument("file", metavar="FILE", help="TOML year file (see console/kb_data/calendar)")
    add_data_dir(p)
    p.set_defaults(func=cmd_add_year)


# -- parsing ----------------------------------------------------------------------------------


def parse_date(text: str) -> date:
    if _DATE.match(text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            pass
    raise CliError(f"bad date '{text}': expected YYYY-MM-DD")


def parse_datetime(text: str) -> datetime:
    if _DATETIME.match(text):
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            pass
    raise CliError(f"bad date-time '{text}': expected YYYY-MM-DD HH:MM[:SS] (local time)")


def _data_dir(args: argparse.Namespace):
    from console.paths import data_dir

    return data_dir(getattr(args, "data_dir", None))


def _calendar(args: argparse.Namespace):
    from console.calendar_source import calendar_for_data_dir

    try:
        return calendar_for_data_dir(_data_dir(args))
    except ValueError as exc:  # a broken year file: say which, without a traceback
        raise CliError(f"calendar: {exc}") from exc


# -- handlers ---------------------------------------------------------------------------------


def cmd_workdays(args: argparse.Namespace) -> int:
    start = parse_date(args.date)
    try:
        n = int(args.n)
    except ValueError:
        n = -1
    if n < 0:
        raise CliError(f"bad number '{args.n}': expected a whole number >= 0")
    cal = _calendar(args)
    try:
        day, provisional = cal.add_workdays(start, n)
    except OverflowError as exc:
        raise CliError(f"{n} working days after {start} is past year 9999") from exc
    if args.json:
        print_json({"start": start.isoformat(), "n": n, "date": day.isoformat(),
                    "provisional": provisional})
        return 0
    line = day.isoformat()
    if provisional:
        years = ", ".join(str(y) for y in cal.unknown_years(start, day))
        line += f" (provisional: no official schedule for {years})"
    print(line)
    return 0


def cmd_cutoff(args: argparse.Namespace) -> int:
    from console.domain.deadlines import dispatch_cutoff

    created = parse_datetime(args.created)
    try:
        cutoff = dispatch_cutoff(created, args.mode)
    except OverflowError:
        raise CliError(f"{args.created} is too close to the end of the calendar (year 9999)")
    if args.json:
        print_json({"created": created.isoformat(timespec="seconds"), "mode": args.mode,
                    "cutoff": cutoff.isoformat(timespec="seconds")})
    else:
        print(cutoff.isoformat(sep=" ", timespec="seconds"))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    rows = _calendar(args).status()
    if args.json:
        print_json([{"year": r.year, "official": r.official, "source": r.source} for r in rows])
        return 0
    print("YEAR  STATUS       SOURCE")
    for r in rows:
        print(f"{r.year}  {'official' if r.official else 'provisional':<11}  {r.source}")
    last = rows[-1].year if rows else None
    if last is not None:
        print(f"after {last}: provisional, fixed-date holidays only (元旦, 劳动节, 国庆)")
    return 0


def cmd_add_year(args: argparse.Namespace) -> int:
    from console.calendar_source import add_year_file

    data_dir = _data_dir(args)
    try:
        sched = add_year_file(args.file, data_dir)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    except OSError as exc:
        raise CliError(f"cannot add {args.file}: {exc.strerror or exc}") from exc
    kind = "official" if sched.official else "provisional"
    print(f"added {sched.year} ({kind}, {sched.source}): {len(sched.holidays)} holidays, "
          f"{len(sched.makeup_workdays)} makeup workdays")
    from console.store import recompute_deadlines

    print(f"re-evaluated deadlines of {recompute_deadlines(data_dir)} orders")
    return 0
