"""`hotline stats figures|units|export`: the figures the hotline is judged by (M-06..M-11), the
monthly table per undertaking unit, and the monthly report as XLSX or a table as CSV — over the
history this seat's store holds (a seat holds its own orders and those sync brought: partial)."""

from __future__ import annotations

import argparse
import csv
import sys
from datetime import date, datetime
from pathlib import Path

from console import clock
from console.cli.common import add_data_dir, month_period, print_json
from console.cli.errors import CliError


def register(sub) -> None:
    stats = sub.add_parser("stats", help="the figures (M-01..M-11), per-unit monthly statistics, the monthly report")
    ssub = stats.add_subparsers(dest="stats_command", metavar="ACTION", required=True)
    add_figure_commands(ssub, add_data_dir)
    p = ssub.add_parser("export", help="the monthly report: FILE.xlsx (every sheet) or FILE.csv (--table)")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--out", required=True, metavar="FILE", help="a .xlsx or .csv path")
    p.add_argument("--table", choices=("总体指标", "各单位", "分类统计", "超期明细", "退回明细", "典型工单"),
                   default="各单位",
                   help="with a .csv file: which table (default 各单位)")
    add_data_dir(p)
    p.set_defaults(func=cmd_export)
    p = ssub.add_parser("staffing", help="calls offered per half hour by weekday and the agents needed (Erlang C, 80%% in 15 s)")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", metavar="FILE.csv", help="write the table as CSV")
    add_data_dir(p)
    p.set_defaults(func=cmd_staffing)
    register_records(sub)


def add_figure_commands(ssub, with_source, **defaults: object) -> None:
    """`figures` and `units` under `hotline stats` (this seat) and `hotline centre stats` (the log)."""
    p = ssub.add_parser("figures", help="each figure over [--from, --to) with numerator, denominator, target")
    p.add_argument("--from", dest="start", required=True, type=_date, metavar="DATE", help="first day, YYYY-MM-DD")
    p.add_argument("--to", dest="end", required=True, type=_date, metavar="DATE", help="day after the last, YYYY-MM-DD")
    p.add_argument("--unit", help="only this lead unit's cases (its code, e.g. U001)")
    p.add_argument("--json", action="store_true")
    with_source(p)
    p.set_defaults(func=cmd_figures, **defaults)
    p = ssub.add_parser("units", help="the month per undertaking unit (交办总数, 办结率, 满意率, 退单数 ...)")
    p.add_argument("--month", required=True, metavar="YYYY-MM")
    p.add_argument("--json", action="store_true")
    with_source(p)
    p.set_defaults(func=cmd_units, **defaults)


def register_records(sub) -> None:
    for kind, what in (("calls", "call records (M-01, M-02, M-05)"), ("sms", "SMS records (M-03)")):
        group = sub.add_parser(kind, help=f"the telephone system's {what}")
        gsub = group.add_subparsers(dest=f"{kind}_command", metavar="ACTION", required=True)
        p = gsub.add_parser("import", help=f"upsert {what} by id from a CSV file (columns: docs/figures.md)")
        p.add_argument("file", metavar="FILE")
        add_data_dir(p)
        p.set_defaults(func=cmd_import_records, kind=kind)


def cmd_import_records(args) -> int:
    from console.records_import import parse_file
    from console.store.call_records import upsert_calls, upsert_sms

    try:
        parsed = parse_file(Path(args.file), args.kind)
    except FileNotFoundError:
        raise CliError(f"no such file: {args.file}")
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror or exc}")
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CliError(f"{args.file} is not a UTF-8 CSV file: {exc}")
    store = _open(args)
    try:
        n = (upsert_calls if args.kind == "calls" else upsert_sms)(store, parsed.records)
    finally:
        store.close()
    for error in parsed.errors:
        print(f"hotline: {args.file}, {error}", file=sys.stderr)
    print(f"imported {n} {args.kind} records, {len(parsed.errors)} rows refused")
    return 1 if parsed.errors else 0


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad date {text!r}: expected YYYY-MM-DD") from None


def _open(args):
    from console.store import Store

    return Store.open(getattr(args, "data_dir", None))


def _pct(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio * 100:.1f}%"


def _report(args, start: datetime, end: datetime, unit: str | None):
    """(report, partial, unit kinds, rules, lag): from the centre's log with `hotline centre stats`
    (lag: how far its rollups are behind the log, None when current), else this seat's store."""
    if getattr(args, "from_centre", False):
        from console.centre.rollups import current_report, lag
        from console.cli.centre_cmd import open_centre

        centre = open_centre(args)
        budget = None if getattr(args, "catch_up", False) else 5.0
        rep = current_report(centre, start, end, clock.now(), unit, listed=False, budget=budget)  # numbers only
        rep.figures = dict(sorted(rep.figures.items()))
        behind = lag(centre.engine)
        return rep, False, centre.unit_kinds(), centre.rules, None if behind.current else behind
    from console.stats import report, unit_kinds

    store = _open(args)
    try:
        return report(store, start, end, clock.now(), unit), True, unit_kinds(store), store.rules, None
    finally:
        store.close()


def _lag_json(behind) -> dict | None:
    return None if behind is None else {"as_of": behind.as_of, "head": behind.head, "done": behind.done,
                                        "total": behind.total, "building": behind.building,
                                        "message": behind.english()}


def _say_lag(behind) -> None:
    if behind is not None:
        print(f"({behind.english()}; `hotline centre serve` folds the rest, or run again with --catch-up)")


def cmd_figures(args) -> int:
    from console.stats import figure_rows, period_of_days

    try:
        start, end = period_of_days(args.start, args.end)
    except ValueError as exc:
        raise CliError(str(exc))
    rep, partial, _kinds, _rules, behind = _report(args, start, end, args.unit)
    rows = figure_rows(rep)
    if args.json:
        print_json({"from": start.isoformat(), "to": end.isoformat(), "unit": args.unit, "partial": partial,
                    "figures": rows, **({"catching_up": _lag_json(behind)} if behind else {})})
        return 0
    _say_lag(behind)
    for r in rows:
        sign = "≥" if r["at_least"] else "≤"
        met = {True: "达标", False: "未达标", None: "无数据"}[r["met"]]
        print(f"{r['code']}  {r['name']:<8} {r['numerator']:>6} / {r['denominator']:<6} {_pct(r['ratio']):>7}  "
              f"目标 {sign}{r['target'] * 100:.0f}%  {met}")
    if partial:
        print("(this seat's history only: partial)")
    return 0


def cmd_units(args) -> int:
    from console.stats import unit_rows

    start, end = month_period(args.month)
    rep, partial, kinds, rules, behind = _report(args, start, end, None)
    rows = unit_rows(rep, kinds, rules)
    if args.json:
        print_json({"month": args.month, "partial": partial, "units": rows,
                    **({"catching_up": _lag_json(behind)} if behind else {})})
        return 0
    _say_lag(behind)
    print("单位      交办  办结  办结率   满意率   退单  退答  转办  逾期  延期  按期回复率   得分  组别 排名")
    for r in rows:
        score = "-" if r["score"] is None else f"{r['score']:.1f}"
        place = "-" if r["rank"] is None else str(r["rank"])
        print(f"{r['unit']:<8} {r['handed_over']:>5} {r['closed']:>5} {_pct(r['close_rate']):>7} "
              f"{_pct(r['satisfaction']):>8} {r['returns']:>5} {r['sent_back']:>5} {r['redispatched']:>5} {r['overdue']:>5} "
              f"{r['extensions']:>5} {_pct(r['reply_rate']):>10} {score:>6}  {r['group']} {place}")
    return 0


STAFFING_HEADINGS = {"weekday": "星期", "start": "时段", "calls": "平均来电", "agents": "所需坐席"}


def cmd_staffing(args) -> int:
    from console.domain.staffing import WEEKDAYS, staffing
    from console.export import write_csv
    from console.store.call_records import calls_between

    start, end = month_period(args.month)
    store = _open(args)
    try:
        slots, aht = staffing(calls_between(store, start, end), start, end)
    finally:
        store.close()
    rows = [{"weekday": WEEKDAYS[s.weekday], "start": s.start, "calls": s.calls, "agents": s.agents} for s in slots]
    if args.out:
        try:
            write_csv(Path(args.out), STAFFING_HEADINGS, rows)
        except OSError as exc:
            raise CliError(f"cannot write {args.out}: {exc.strerror or exc}")
    if args.json:
        print_json({"month": args.month, "handle_seconds": round(aht, 1), "service_level": "80% in 15 s",
                    "slots": rows})
        return 0
    print(f"平均处理时长 {aht:.0f} 秒；目标：80% 的来电在 15 秒内接起（M-02）")
    for r in rows:
        print(f"{r['weekday']} {r['start']}  平均来电 {r['calls']:>6}  所需坐席 {r['agents']:>3}")
    return 0


def cmd_export(args) -> int:
    from console.export import sheets_of, write_csv, write_xlsx
    from console.stats import tables

    start, end = month_period(args.month)
    out = Path(args.out)
    if out.suffix.lower() not in (".xlsx", ".csv"):
        raise CliError(f"--out must end in .xlsx or .csv, got {out.name!r}")
    store = _open(args)
    try:
        data = tables(store, start, end, clock.now())
        name = store.rules.hotline_name
    finally:
        store.close()
    try:
        if out.suffix.lower() == ".xlsx":
            title = [f"{name} 月报", f"统计期间：{start:%Y-%m-%d} 至 {end:%Y-%m-%d}（不含）",
                     f"生成时间：{clock.now():%Y-%m-%d %H:%M}", "（本坐席所存历史，非全量）"]
            n = write_xlsx(out, data, title)
        else:
            sheet = next(s for s in sheets_of(data) if s[0] == args.table)
            n = write_csv(out, sheet[1], sheet[2])
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}")
    print(f"wrote {out} ({n} rows)")
    return 0
