"""`hotline init` and `hotline demo`: create the seat's store, or fill one with demo orders."""

from __future__ import annotations

import re

from console import paths
from console.cli.common import add_data_dir
from console.cli.errors import CliError

SEAT_CODE = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")


def register(sub) -> None:
    p = sub.add_parser("init", help="create this seat's store")
    p.add_argument("--seat", required=True, help="seat code, e.g. S07 (upper-case letters and digits)")
    add_data_dir(p)
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("demo", help="fill the store with a living set of demo orders")
    p.add_argument("--seat", default="S01", help="seat code when the store is new (default S01)")
    p.add_argument("--orders", type=int, default=360, help="how many orders (default 360, at least 300)")
    p.add_argument("--reset", action="store_true", help="replace a store that already has orders")
    p.add_argument("--if-empty", action="store_true",
                   help="fill only a missing or empty store; leave one with orders alone (used by `make run`)")
    p.add_argument("--seed", type=int, default=None, help="random seed (repeatable demo)")
    p.add_argument("--units", action="store_true",
                   help="then run the undertaking-unit simulator through a local demo centre "
                        "(units reply, some late, some return orders or ask for extensions)")
    add_data_dir(p)
    p.set_defaults(func=cmd_demo)


def check_seat(code: str) -> str:
    if not SEAT_CODE.match(code):
        raise CliError(f"bad seat code {code!r}: use 2-8 upper-case letters/digits starting with a letter, e.g. S07")
    return code


def cmd_init(args) -> int:
    from console.kb import seed_starter_kb
    from console.store import Store
    from console.store.accounts import LOCAL_ADMIN_ID, create_local_admin, read_accounts

    seat = check_seat(args.seat)
    store = Store.init(getattr(args, "data_dir", None), seat)
    articles, announcements = seed_starter_kb(store)
    print(f"store ready at {store.path} (seat {seat}); knowledge base: {articles} articles, {announcements} announcements")
    if read_accounts(store).local_admin is None:  # a second init keeps the administrator's password
        password = create_local_admin(store)
        print(f"local administrator {LOCAL_ADMIN_ID}: one-time password {password} (signs in until this seat "
              "has the centre's operator accounts; `hotline seat local-admin` makes a new one)")
    store.close()
    return 0


def cmd_demo(args) -> int:
    from console.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, fill_demo
    from console.kb import seed_starter_kb
    from console.store import Store
    from console.store.accounts import set_demo_accounts

    seat = check_seat(args.seat)
    data_dir = getattr(args, "data_dir", None)
    path = paths.store_path(data_dir)
    if path.exists():
        store = Store.open(data_dir)
        if store.count_orders():
            if args.if_empty:
                print(f"store {path} already has {store.count_orders()} orders: left as it is")
                store.close()
                return 0
            if not args.reset:
                store.close()
                raise CliError(f"store {path} already has {store.count_orders()} orders: use --reset to replace them", 1)
            store.close()
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)
        else:
            seat = store.seat
            store.close()
    store = Store.init(data_dir, seat)
    seed_starter_kb(store)  # before the orders: direct answers and R-21 returns cite real articles
    summary = fill_demo(store, max(args.orders, 300), seed=args.seed)
    set_demo_accounts(store, DEMO_ACCOUNTS, DEMO_PASSWORD)
    made = summary["orders"] - summary["call_orders"]
    print(f"demo store at {store.path}: {summary['orders']} orders ({made} in every state, "
          f"{summary['call_orders']} consultations answered on their calls), {summary['calls']} call records, "
          f"{summary['sms']} SMS records, {summary['transcripts']} transcripts")
    for status, n in sorted(summary["by_status"].items()):
        print(f"  {status:20} {n}")
    if args.units:
        from console.demo_units import run_demo_units

        units = run_demo_units(store, rounds=3, seed=args.seed)
        print("unit simulator: " + ", ".join(f"{k} {v}" for k, v in units.items() if isinstance(v, int)))
    store.close()
    return 0
