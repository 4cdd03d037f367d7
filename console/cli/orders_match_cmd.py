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
