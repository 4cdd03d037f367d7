"""`hotline events apply FILE|-`: JSON lines of events through decide(), one result line each."""

from __future__ import annotations

import json
import sys

from console.cli.common import add_data_dir, print_json
from console.cli.errors import CliError


def register(sub) -> None:
    events = sub.add_parser("events", help="apply events (JSON lines) to the store")
    esub = events.add_subparsers(dest="events_command", metavar="ACTION", required=True)
    p = esub.add_parser("apply", help="apply events from FILE or - (stdin); see docs/events.md")
    p.add_argument("file", help="JSON lines file, or - for standard input")
    add_data_dir(p)
    p.set_defaults(func=cmd_apply)


def _lines(name: str):
    if name == "-":
        yield from sys.stdin
        return
    try:
        with open(name, encoding="utf-8") as fh:
            yield from fh
    except FileNotFoundError:
        raise CliError(f"no such file: {name}")
    except UnicodeDecodeError:
        raise CliError(f"{name} is not UTF-8 text")
    except OSError as exc:
        raise CliError(f"cannot read {name}: {exc.strerror}")


def cmd_apply(args) -> int:
    from console.event_json import EventFormatError, parse_event
    from console.store import Store

    store = Store.open(getattr(args, "data_dir", None))
    rejected = 0
    try:
        for lineno, line in enumerate(_lines(args.file), start=1):
            if not line.strip():
                continue
            try:
                new = parse_event(json.loads(line))
            except json.JSONDecodeError as exc:
                rejected += 1
                print_json({"line": lineno, "ok": False, "status": "rejected", "code": "bad_json",
                            "reason": f"line {lineno}: bad JSON ({exc.msg} at column {exc.colno})"})
                continue
            except RecursionError:
                rejected += 1
                print_json({"line": lineno, "ok": False, "status": "rejected", "code": "bad_json",
                            "reason": f"line {lineno}: JSON nested too deeply"})
                continue
            except EventFormatError as exc:
                rejected += 1
                print_json({"line": lineno, "ok": False, "status": "rejected", "code": "bad_event",
                            "reason": f"line {lineno}: {exc}"})
                continue
            result = store.record([new])
            if result.ok:
                print_json({"line": lineno, "ok": True, "status": "accepted", "order": result.orders[0],
                            "event_id": result.event_ids[0]})
            else:
                rejected += 1
                print_json({"line": lineno, "ok": False, "status": "rejected", "order": new.order or None,
                            "code": result.code, "reason": result.reason})
            sys.stdout.flush()
    finally:
        store.close()
    return 1 if rejected else 0
