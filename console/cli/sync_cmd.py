"""`hotline sync [--once]`, `hotline sync status`, `hotline seat connect URL --token T`,
`hotline seat local-admin`."""

from __future__ import annotations

import signal
import time

from console.cli.common import add_data_dir, echo, number_in, print_json
from console.cli.errors import CliError


def register(sub) -> None:
    p = sub.add_parser("sync", help="sync this seat with the centre (runs until Ctrl+C; --once for one round)")
    p.add_argument("--once", action="store_true", help="push and pull once, then exit")
    p.add_argument("--interval", type=number_in(0.05, 3600, float), default=2.0,
                   help="seconds between outbox checks (default 2; more than 0, at most 3600)")
    add_data_dir(p)
    p.set_defaults(func=cmd_sync)
    actions = p.add_subparsers(dest="sync_command", metavar="ACTION")
    s = actions.add_parser("status", help="online/offline, pending events, rejections, last pull, clock offset")
    s.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir(s)
    s.set_defaults(func=cmd_status)

    seat = sub.add_parser("seat", help="this seat's link to the centre")
    add_data_dir(seat)
    seat_actions = seat.add_subparsers(dest="seat_command", metavar="ACTION", required=True)
    c = seat_actions.add_parser("connect", help="check the centre and token, and remember them")
    c.add_argument("url", metavar="URL", help="the centre, e.g. http://10.0.0.5:8345")
    c.add_argument("--token", required=True, help="the token printed by `hotline centre enroll`")
    add_data_dir(c)
    c.set_defaults(func=cmd_connect)
    a = seat_actions.add_parser("local-admin", help="a new one-time password for this seat's local administrator")
    a.add_argument("--operator", default=None, help="the administrator's operator id (default: admin, or the existing one)")
    add_data_dir(a)
    a.set_defaults(func=cmd_local_admin)


def _store(args):
    from console.store import Store

    return Store.open(getattr(args, "data_dir", None))


def cmd_connect(args) -> int:
    import httpx

    from console.sync import state as sync_state
    from console.sync.client import CentreClient, SyncError

    try:
        url = httpx.URL(args.url)
    except (httpx.InvalidURL, ValueError) as exc:
        raise CliError(f"bad centre URL {args.url!r}: {exc}")
    if url.scheme not in ("http", "https") or not url.host:
        raise CliError(f"bad centre URL {args.url!r}: expected http://HOST:PORT or https://HOST:PORT")
    store = _store(args)
    client = CentreClient(args.url, args.token, timeout=10)
    try:
        hello = client.hello()
    except SyncError as exc:
        raise CliError(f"cannot connect to {args.url}: {exc}", 1)
    finally:
        client.close()
    if hello["seat"] != store.seat:
        raise CliError(f"the token is for seat {hello['seat']} but this store is seat {store.seat}", 1)
    sync_state.update(store, centre_url=args.url.rstrip("/"), token=args.token)
    from console.store.accounts import read_accounts, set_seat_roles
    from console.store.engine import write_transaction
    from console.sync.session import sync_reference

    with write_transaction(store.engine) as conn:
        set_seat_roles(conn, hello["roles"])
    print(f"seat {store.seat} connected to {args.url} (roles {', '.join(hello['roles'])}, centre seq {hello['head']})")
    client = CentreClient(args.url, args.token, timeout=30)
    try:  # the operators' verifiers now, so the centre's accounts can sign in before the first sync
        sync_reference(store, client)
        print(f"reference data fetched: {len(read_accounts(store).by_id)} operator accounts")
    except SyncError as exc:
        print(f"reference data not fetched yet ({exc}): the console fetches it when it syncs")
    finally:
        client.close()
    return 0


def cmd_sync(args) -> int:
    from console.sync.client import SyncError
    from console.sync.session import client_for, sync_once
    from console.sync.worker import SyncWorker

    store = _store(args)
    try:
        client = client_for(store)
    except SyncError as exc:
        raise CliError(str(exc), 1)
    if args.once:
        try:
            report = sync_once(store, client)
        except SyncError as exc:
            raise CliError(f"sync failed: {exc} (the outbox is kept)", 1)
        finally:
            client.close()
        print(f"pushed {report.pushed} (accepted {report.accepted}, rejected {report.rejected}, "
              f"duplicate {report.duplicate}), pulled {report.pulled}")
        for reason in report.reasons:
            echo(f"  rejected: {reason}")
        return 0
    # Stop cleanly on Ctrl+C and on SIGTERM (a service manager), whatever signal disposition the
    # process inherited: a background job starts with SIGINT ignored.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    worker = SyncWorker(store, client, interval=args.interval).start()
    print(f"syncing seat {store.seat} with {client.url}; Ctrl+C to stop", flush=True)
    try:
        last = None
        while True:
            time.sleep(2)
            st = worker.status()
            line = f"{'online' if st.online else 'offline'} since {st.since}, pending {st.pending}"
            if line != last:
                print(line, flush=True)
                last = line
    except KeyboardInterrupt:
        pass
    finally:
        # The puller may sit in a long poll; it is a daemon thread holding nothing that needs it:
        # waiting up to the poll's length would make Ctrl+C feel broken.
        worker.stop(timeout=1.0)
        client.close()
    return 0


def cmd_status(args) -> int:
    from console.sync.status import read_status

    st = read_status(_store(args))
    if args.json:
        print_json(st.as_dict())
        return 0
    if not st.connected:
        print("not connected to a centre (hotline seat connect URL --token T)")
    else:
        print(f"centre {st.centre}: {'online' if st.online else 'offline'} since {st.since or '-'}")
    print(f"pending events: {st.pending}")
    print(f"last pull: {st.last_pull or '-'}")
    print(f"reference data: version {st.reference_version} from the centre (units, KB, taxonomy)"
          if st.reference_version else "reference data: shipped (never fetched from a centre)")
    print("rules: as the centre published them" if st.rules_from_centre
          else "rules: this seat's config.toml and the shipped defaults (the centre published none)")
    if st.clock_offset is not None:
        print(f"clock offset: {st.clock_offset:+.1f} s (centre ahead)")
    if st.last_error:
        echo(f"last error: {st.last_error}")
    print(f"rejected events: {len(st.rejected)}")
    for r in st.rejected:
        echo(f"  {r['order']}  {r['kind']}  by {r['operator']} at {r['at']}: {r['reason']}")
    return 0


def cmd_local_admin(args) -> int:
    """Whoever holds the data directory may (re)make the local administrator: the one account a
    seat without the centre's operator list signs in with."""
    from console.store.accounts import LOCAL_ADMIN_ID, create_local_admin, read_accounts

    store = _store(args)
    existing = read_accounts(store).local_admin
    operator = args.operator or (existing.operator if existing else LOCAL_ADMIN_ID)
    check_operator_id(operator)
    password = create_local_admin(store, operator)
    print(f"local administrator {operator} of seat {store.seat}: one-time password {password}")
    print("it signs in on this seat only while the seat holds no operator accounts from the centre")
    store.close()
    return 0


def check_operator_id(operator: str) -> str:
    from console.domain.signin import OPERATOR_ID

    if not OPERATOR_ID.fullmatch(operator):
        raise CliError(f"bad operator id {operator!r}: 1-20 letters, digits, - or _")
    return operator
