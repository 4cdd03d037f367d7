"""`hotline audit reveals`: who revealed which masked caller field of which order, when and why."""

from __future__ import annotations

from datetime import datetime, timedelta

from console.cli.common import add_data_dir, echo, print_json
from console.cli.errors import CliError


def register(sub) -> None:
    audit = sub.add_parser("audit", help="records of who saw callers' personal data")
    asub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    p = asub.add_parser("reveals", help="reveals of masked caller fields, newest first")
    p.add_argument("--from", dest="start", required=True, help="first day or time, e.g. 2026-11-01 or 2026-11-01T08:00")
    p.add_argument("--to", dest="end", required=True, help="last day (included) or time (excluded)")
    p.add_argument("--operator", help="only this operator id")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    add_data_dir(p)
    p.set_defaults(func=cmd_reveals)


def _when(value: str, flag: str, day_end: bool) -> datetime:
    try:
        if len(value) == 10:  # a day: --to includes it
            return datetime.fromisoformat(value) + (timedelta(days=1) if day_end else timedelta())
        return datetime.fromisoformat(value)
    except ValueError:
        raise CliError(f"{flag} {value!r} is not a date (YYYY-MM-DD) or time (YYYY-MM-DDTHH:MM)")


def cmd_reveals(args) -> int:
    from console.audit import reveals
    from console.store import Store

    start, end = _when(args.start, "--from", False), _when(args.end, "--to", True)
    if end <= start:
        raise CliError("--to is before --from")
    store = Store.open(getattr(args, "data_dir", None))
    try:
        rows = reveals(store, start, end, args.operator, limit=None)
    finally:
        store.close()
    for r in rows:
        if args.json:
            print_json(r)
        else:
            echo(f"{r['at'][:16].replace('T', ' ')}  {r['order']}  {r['operator']}({r['role']})@{r['seat']}  "
                 f"{r['field']}  {r['reason']}")
    if not args.json:
        print(f"{len(rows)} reveals")
    return 0
