"""`hotline orders similar|suggest`: what the intake form would show for a call, from the command
line: the similar open orders (并单, console.kb.order_index.similar_for_call) and the class and unit
suggestions learned from history (console.routing). Added to the `orders` group of orders_cmd."""

from __future__ import annotations

import argparse
import time

from console.cli.common import add_data_dir, echo, print_json
from console.cli.errors import CliError
from console.domain.limits import FREE_TEXT, LINE_TEXT


def register(sub) -> None:
    orders = sub.choices["orders"]
    osub = next(a for a in orders._actions if isinstance(a, argparse._SubParsersAction))
    p = osub.add_parser("similar", help="the open orders the intake form shows beside a call (duplicates, 并单)")
    p.add_argument("--description", required=True, metavar="TEXT", help="what the caller says")
    p.add_argument("--address", default="", metavar="ADDR", help="the caller's address (the place counts most)")
    p.add_argument("--limit", type=int, default=8, help="at most this many (default 8, as the form)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir(p)
    p.set_defaults(func=cmd_similar)
    p = osub.add_parser("suggest", help="the likeliest content classes and lead units for a call, learned "
                        "from this store's dispatched and closed orders (retrained first when the history grew)")
    p.add_argument("--description", required=True, metavar="TEXT", help="what the caller says")
    p.add_argument("--address", default="", metavar="ADDR", help="the caller's address")
    p.add_argument("--nature", default="", help="投诉, 咨询, 求助, 建议, 举报 …")
    p.add_argument("--limit", type=int, default=3, help="how many of each (default 3)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir(p)
    p.set_defaults(func=cmd_suggest)


def _checked(args) -> tuple[str, str]:
    description, address = args.description.strip(), (args.address or "").strip()
    if not description:
        raise CliError("--description is empty: give what the caller says")
    for name, value, most in (("description", description, FREE_TEXT["description"]),
                              ("address", address, LINE_TEXT["address"])):
        if len(value) > most:
            raise CliError(f"--{name} is {len(value)} characters: at most {most}")
    if args.limit < 1:
        raise CliError(f"bad --limit {args.limit}: expected a whole number >= 1")
    return description, address


def cmd_similar(args) -> int:
    from console.kb.db import open_read
    from console.kb.order_index import similar_for_call
    from console.store import Store

    description, address = _checked(args)
    store = Store.open(getattr(args, "data_dir", None))  # an older store gets its dictionary of places here
    path = store.path
    store.close()
    from console.kb import segment

    segment.warm()  # the dictionary loads once per process (the form warms it at start-up): not the lookup's time
    conn = open_read(path)
    try:
        t0 = time.perf_counter()
        shown = similar_for_call(conn, description, address, limit=args.limit)
        took = (time.perf_counter() - t0) * 1000
    finally:
        conn.close()
    if args.json:
        print_json({"description": description, "address": address, "took_ms": round(took, 3),
                    "orders": [{"number": o.number, "score": o.score, "status": o.status, "created_at": o.created_at,
                                "address": o.address, "description": o.description} for o in shown]})
        return 0
    if not shown:
        print("no similar open orders")
    for o in shown:
        echo(f"{o.score:5.2f}  {o.number}  {o.status:<10} {o.address}  {o.description[:40]}")
    print(f"({took:.1f} ms)")
    return 0


def cmd_suggest(args) -> int:
    import sys

    from console.kb.db import open_read
    from console.routing.history import MIN_HISTORY, read_history, retrain, returned_share, stale
    from console.routing.suggest import suggest
    from console.store import Store

    description, address = _checked(args)
    if len(args.nature) > LINE_TEXT["nature"]:
        raise CliError(f"--nature is {len(args.nature)} characters: at most {LINE_TEXT['nature']}")
    store = Store.open(getattr(args, "data_dir", None))
    try:
        directory = store.unit_directory()
        path = store.path
    finally:
        store.close()
    if stale(path):
        print("learning routing from this store's history…", file=sys.stderr, flush=True)
        report = retrain(path)
        print(f"learned from {report.trained} orders in {report.seconds:.1f} s", file=sys.stderr)
    conn = open_read(path)
    try:
        history = len(read_history(conn))
        returned, dispatched = returned_share(conn)
    finally:
        conn.close()
    from console.kb import segment

    segment.warm()
    t0 = time.perf_counter()
    result = suggest(path, description, address, args.nature.strip(), directory, k=args.limit)
    took = (time.perf_counter() - t0) * 1000
    if args.json:
        print_json({
            "description": description, "address": address, "took_ms": round(took, 3),
            "classes": [{"class": s.label, "score": s.score, "words": s.words} for s in result.classes],
            "units": [{"code": s.label, "name": s.name, "score": s.score, "words": s.words} for s in result.units],
            "class_source": result.class_source, "unit_source": result.unit_source,
            "history": {"orders": history, "min_orders": MIN_HISTORY, "returned_by_units": returned,
                        "dispatched": dispatched},
        })
        return 0
    if result.class_source == "none":
        print(f"classes: no model yet ({history} orders of history, {MIN_HISTORY} needed)")
    for s in result.classes:
        echo(f"class  {s.score:5.2f}  {s.label}  ({'、'.join(s.words)})")
    how = "learned" if result.unit_source == "history" else "directory keywords"
    if not result.units:
        print(f"units: none suggested ({how})")
    for s in result.units:
        echo(f"unit   {s.score:5.2f}  {s.label} {s.name}  ({'、'.join(s.words)}) [{how}]")
    print(f"({took:.1f} ms)")
    return 0
