"""`hotline centre ...`: run the centre service, create its database, enrol and revoke seats."""

from __future__ import annotations

import os

from console.cli import centre_clients_cmd
from console.cli.common import add_data_dir, echo, number_in, print_json
from console.cli.errors import CliError


def register(sub) -> None:
    centre = sub.add_parser("centre", help="the centre service: serve, init, enroll seats")
    add_data_dir(centre)
    cmds = centre.add_subparsers(dest="centre_command", metavar="ACTION", required=True)

    def with_db(p):
        p.add_argument("--db", default=None,
                       help="database: a file path or SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db "
                            "(default: $HOTLINE_CENTRE_DB or centre.db in the data dir)")
        add_data_dir(p)
        return p

    p = with_db(cmds.add_parser("init", help="create the centre's tables and load the unit directory"))
    p.set_defaults(func=cmd_init)

    p = with_db(cmds.add_parser("migrate", help="bring the centre database's schema to this release, in place "
                                                "(stop the centre processes first)"))
    p.set_defaults(func=cmd_migrate)

    p = with_db(cmds.add_parser("serve", help="run the centre's HTTP API"))
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=number_in(1, 65535), default=8345)
    p.add_argument("--docs", action="store_true", help="also serve the API's /docs and /openapi.json (off by default)")
    p.add_argument("--workers", type=number_in(1, 64), default=1,
                   help="centre processes on this port (PostgreSQL only; they learn of each other's commits by "
                        "LISTEN/NOTIFY); default 1")
    p.set_defaults(func=cmd_serve)

    p = with_db(cmds.add_parser("enroll", help="enrol seats (or a unit) and print their tokens"))
    p.add_argument("seats", metavar="SEAT", nargs="+",
                   help="seat codes, e.g. S07 S08 (a unit: any name, e.g. UNIT-U001); all in one transaction")
    p.add_argument("--role", required=True,
                   help="roles its operators may act in, comma-separated: agent, dispatcher, lead, callback, "
                        "supervisor, unit, system; 'all' = every seat role")
    p.add_argument("--unit", help="for --role unit: the unit code it speaks for")
    p.add_argument("--json", action="store_true", help="one JSON object per seat: seat, roles, unit, token")
    p.set_defaults(func=cmd_enroll)

    op = cmds.add_parser("operator", help="operator accounts: add, reset, disable, list")
    ops = op.add_subparsers(dest="operator_command", metavar="ACTION", required=True)
    p = with_db(ops.add_parser("add", help="add an operator and print a one-time initial password"))
    p.add_argument("operator", metavar="ID", help="operator id, e.g. A101 (1-20 letters, digits, - or _)")
    p.add_argument("--name", required=True, help="the person's name")
    p.add_argument("--role", required=True, help="roles they may act in, comma-separated: agent, dispatcher, lead, "
                                                 "callback, supervisor")
    p.set_defaults(func=cmd_operator_add)
    p = with_db(ops.add_parser("reset", help="print a new one-time password (and re-enable the account)"))
    p.add_argument("operator", metavar="ID")
    p.set_defaults(func=cmd_operator_reset)
    p = with_db(ops.add_parser("disable", help="disable an operator's account"))
    p.add_argument("operator", metavar="ID")
    p.set_defaults(func=cmd_operator_disable)
    p = with_db(ops.add_parser("list", help="list operator accounts (never their passwords)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_operator_list)

    p = with_db(cmds.add_parser("revoke", help="revoke a seat's token (its calls get 401)"))
    p.add_argument("seat", metavar="SEAT")
    p.set_defaults(func=cmd_revoke)

    p = with_db(cmds.add_parser("seats", help="list enrolled seats"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_seats)
    centre_clients_cmd.register(cmds, with_db)  # issue 14: gateways, telephone systems, Open311 clients

    p = with_db(cmds.add_parser("publish-kb", help="publish KB articles (and announcements) to every seat"))
    p.add_argument("file", metavar="FILE", nargs="?", help="articles, .jsonl or .csv (see hotline kb import)")
    p.add_argument("--announcements", metavar="FILE", help="announcements, .jsonl or .csv")
    p.set_defaults(func=cmd_publish_kb)

    p = with_db(cmds.add_parser("publish-taxonomy", help="publish a taxonomy file to every seat (and use it at the centre)"))
    p.add_argument("file", metavar="FILE", help="taxonomy TOML (see hotline taxonomy convert)")
    p.set_defaults(func=cmd_publish_taxonomy)

    rules = cmds.add_parser("rules", help="the rule parameters the centre publishes to every seat")
    rsub = rules.add_subparsers(dest="centre_rules_command", metavar="ACTION", required=True)
    p = with_db(rsub.add_parser("publish", help="publish time limits, cutoff mode, extension cap, callback days"))
    p.add_argument("file", metavar="FILE", help="TOML with config.toml's rule keys: [limits], cutoff_mode, "
                                                "max_extension_days, callback_days")
    p.set_defaults(func=cmd_rules_publish)
    p = with_db(rsub.add_parser("show", help="the rule parameters published (JSON)"))
    p.set_defaults(func=cmd_rules_show)

    cal = cmds.add_parser("calendar", help="calendar years the centre publishes to every seat")
    csub = cal.add_subparsers(dest="centre_calendar_command", metavar="ACTION", required=True)
    p = with_db(csub.add_parser("add-year", help="publish a year file (as `hotline calendar add-year` reads)"))
    p.add_argument("file", metavar="FILE", help="the year's TOML file: year, official, source, holidays, makeup_workdays")
    p.set_defaults(func=cmd_calendar_add_year)

    orders = cmds.add_parser("orders", help="the centre's orders")
    osub = orders.add_subparsers(dest="centre_orders_command", metavar="ACTION", required=True)
    p = with_db(osub.add_parser("show", help="one order as the centre holds it (the shape of `hotline orders show`)"))
    p.add_argument("number", metavar="NUMBER", help="order number, e.g. 20261128-S07-0012")
    p.add_argument("--json", action="store_true", help="print JSON: order, deadlines, events")
    p.set_defaults(func=cmd_order_show)

    p = with_db(cmds.add_parser("check", help="check the log: gap-free seq, projection = fold"))
    p.set_defaults(func=cmd_check)
    from console.cli.stats_cmd import add_figure_commands

    def with_db_and_catch_up(p):
        with_db(p)
        p.add_argument("--catch-up", action="store_true",
                       help="first fold the whole log into the rollups (in chunks; long on a first deployment)")
        return p

    stats = cmds.add_parser("stats", help="the figures and the month per unit from the centre's whole log")
    add_figure_commands(stats.add_subparsers(dest="centre_stats_command", metavar="ACTION", required=True),
                        with_db_and_catch_up, from_centre=True)


def db_url(args) -> str:
    from console import paths

    return args.db or os.environ.get("HOTLINE_CENTRE_DB") or str(paths.data_dir(getattr(args, "data_dir", None))
                                                                 / "centre.db")


def open_centre(args, create: bool = False, migrate: bool = False):
    """`create`: make the database (init); `migrate`: bring its schema to this release's head;
    otherwise a database behind this release is refused with the command that upgrades it."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import DBAPIError

    from console.centre.db import make_engine, normalise_url
    from console.centre.schema import SchemaBehind, require_current
    from console.centre.schema import migrate as upgrade
    from console.centre.service import Centre

    url = db_url(args)
    if not create and normalise_url(url).startswith("sqlite:///"):
        from pathlib import Path

        if not Path(normalise_url(url)[len("sqlite:///"):]).exists():  # do not create an empty file
            raise CliError(f"no centre database at {url}: run `hotline centre init --db {url}` first", 1)
    try:
        engine = make_engine(url)
        if create:
            if "://" not in url:
                from pathlib import Path

                try:
                    Path(url).expanduser().parent.mkdir(parents=True, exist_ok=True)
                except OSError as exc:
                    raise CliError(f"cannot create the directory of {url}: {exc.strerror or exc}", 1)
            centre = Centre(engine)
            centre.init()
            return centre
        if not inspect(engine).has_table("c_counter"):
            raise CliError(f"no centre database at {url}: run `hotline centre init --db {url}` first", 1)
        if migrate:
            before, after = upgrade(engine)
            print(f"centre database {url}: schema {before or 'before migrations'} -> {after}")
        else:
            require_current(engine)
    except SchemaBehind as exc:
        raise CliError(f"{exc.args[0].replace('centre migrate', f'centre migrate --db {url}')}", 1)
    except DBAPIError as exc:
        raise CliError(f"cannot open centre database {url}: {str(exc.orig).strip().splitlines()[0]}", 1)
    except ModuleNotFoundError as exc:
        raise CliError(f"database driver missing for {url}: {exc.name}", 1)
    return Centre(engine)


def cmd_init(args) -> int:
    centre = open_centre(args, create=True)
    print(f"centre database ready at {db_url(args)} (head seq {centre.head()})")
    return 0


def cmd_migrate(args) -> int:
    open_centre(args, migrate=True)
    return 0


def cmd_serve(args) -> int:
    import uvicorn

    from console import paths
    from console.centre import rollup_process
    from console.centre.app import create_app
    from console.centre.db import is_sqlite
    from console.log import setup_logging

    centre = open_centre(args)  # first: a centre that cannot open is the one line to say
    tail_poll()  # a bad setting is one line now, not one per worker
    if args.workers > 1 and is_sqlite(centre.engine):
        raise CliError("--workers needs a PostgreSQL database: SQLite serves one centre process", 2)
    data_dir = paths.data_dir(getattr(args, "data_dir", None))
    setup_logging(data_dir, "centre")
    _raise_open_files()
    print(f"centre serving {db_url(args)} on http://{args.host}:{args.port}"
          + (f" with {args.workers} processes" if args.workers > 1 else ""), flush=True)
    # Long polls are cut after 2 s on a stop: the seats reconnect (with jitter) to the next centre.
    # proxy_headers off: nothing here reads the client's address, and rewriting it from
    # X-Forwarded-For is work on every long poll.
    # http: the long poll answered by the connection (console/centre/pull_protocol.py).
    options = dict(host=args.host, port=args.port, log_level="warning", timeout_graceful_shutdown=2,
                   backlog=4096, proxy_headers=False, http="console.centre.pull_protocol:PullProtocol")
    # PostgreSQL: the rollups fold in a process of their own, not in the serving ones.
    folder = None if is_sqlite(centre.engine) else rollup_process.Folder(db_url(args), data_dir).start()
    try:
        if args.workers > 1:
            centre.engine.dispose()
            os.environ[SERVE_DB_ENV] = db_url(args)
            os.environ[SERVE_DOCS_ENV] = "1" if args.docs else ""
            uvicorn.run("console.cli.centre_cmd:app_from_env", factory=True, workers=args.workers, **options)
        else:
            uvicorn.run(create_app(centre, docs=args.docs, tail_poll=tail_poll(), fold=folder is None), **options)
    finally:
        if folder is not None:
            folder.stop()
    return 0


SERVE_DB_ENV, SERVE_DOCS_ENV = "HOTLINE_CENTRE_SERVE_DB", "HOTLINE_CENTRE_SERVE_DOCS"


def app_from_env():
    """The app of one of `serve --workers N`'s processes (uvicorn imports it in each)."""
    from console.centre.app import create_app
    from console.centre.db import make_engine
    from console.centre.service import Centre

    return create_app(Centre(make_engine(os.environ[SERVE_DB_ENV])), docs=bool(os.environ.get(SERVE_DOCS_ENV)),
                      tail_poll=tail_poll(), fold=False)  # the rollups' own process folds (cmd_serve)


def tail_poll() -> float | None:
    """$HOTLINE_CENTRE_TAIL_POLL: seconds between the tail's timed reads of the log (default 1 s on
    SQLite, 5 s on PostgreSQL, where NOTIFY wakes it); docs/operations.md."""
    raw = os.environ.get("HOTLINE_CENTRE_TAIL_POLL", "")
    try:
        value = float(raw) if raw else None
    except ValueError:
        raise CliError(f"HOTLINE_CENTRE_TAIL_POLL={raw!r}: expected seconds, e.g. 5", 2)
    if value is not None and not 0.05 <= value <= 3600:
        raise CliError(f"HOTLINE_CENTRE_TAIL_POLL={raw!r}: expected 0.05 to 3600 seconds", 2)
    return value


def _raise_open_files() -> None:
    """A long-polling seat holds a socket: allow as many as the system lets this user have."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))


def cmd_enroll(args) -> int:
    """One seat without --json: its token alone (as before). Several: `SEAT TOKEN` per line."""
    import json

    from console.centre.service import CentreError, parse_roles

    centre = open_centre(args)
    try:
        tokens = centre.enroll_many(args.seats, args.role, args.unit)
        roles = sorted(parse_roles(args.role))
    except (CentreError, ValueError) as exc:
        raise CliError(str(exc))
    for seat, token in tokens.items():
        if args.json:
            print(json.dumps({"seat": seat, "roles": roles, "unit": args.unit, "token": token}))
        else:
            print(token if len(tokens) == 1 else f"{seat} {token}")
    return 0


def cmd_rules_publish(args) -> int:
    from console.config import read_rules_file, rules_from_config

    rules = read_rules_file(args.file)  # a ConfigError names the key and its line
    rules_from_config(rules)  # the same check a seat's store makes of it
    version = open_centre(args).publish_rules(rules)
    print(f"rules published (reference version {version}): {', '.join(sorted(rules)) or 'the defaults'}")
    return 0


def cmd_calendar_add_year(args) -> int:
    from console.calendar_source import parse_year_file
    from console.wire.calendar_years import year_to_dict

    try:
        sched = parse_year_file(args.file)
    except ValueError as exc:
        raise CliError(str(exc)) from exc
    version = open_centre(args).publish_calendar_year(year_to_dict(sched))
    kind = "official" if sched.official else "provisional"
    print(f"published {sched.year} ({kind}, {sched.source}; reference version {version}): every seat "
          "re-evaluates its deadlines at its next pull")
    return 0


def cmd_rules_show(args) -> int:
    print_json(open_centre(args).published_rules() or {})
    return 0


def cmd_order_show(args) -> int:
    from console.centre.orders_view import centre_order
    from console.cli.orders_cmd import print_order, redacted
    from console.domain.limits import order_number_problem

    view = None if order_number_problem(args.number) else centre_order(open_centre(args), args.number)
    view = redacted(view) if view is not None else None
    if view is None:
        raise CliError(f"no order {args.number!r} at the centre", 1)
    if args.json:
        print_json(view)
    else:
        print_order(view)
    return 0


def _operator_call(fn, *a):
    from console.centre.model import CentreError

    try:
        return fn(*a)
    except CentreError as exc:
        raise CliError(str(exc), 1)


def cmd_operator_add(args) -> int:
    password = _operator_call(open_centre(args).add_operator, args.operator, args.name, args.role)
    echo(f"operator {args.operator} added; one-time password (shown once, stored only as a hash): {password}")
    return 0


def cmd_operator_reset(args) -> int:
    password = _operator_call(open_centre(args).reset_operator, args.operator)
    echo(f"operator {args.operator}: new one-time password (shown once): {password}")
    return 0


def cmd_operator_disable(args) -> int:
    _operator_call(open_centre(args).disable_operator, args.operator)
    echo(f"operator {args.operator} disabled")
    return 0


def cmd_operator_list(args) -> int:
    rows = open_centre(args).operators()
    if args.json:
        for r in rows:
            print_json(r)
        return 0
    for r in rows:
        echo(f"{r['operator']:<12} {'active' if r['active'] else 'disabled':<8} roles {r['roles']:<40} {r['name']}")
    print(f"{len(rows)} operators")
    return 0


def cmd_revoke(args) -> int:
    if not open_centre(args).revoke(args.seat):
        raise CliError(f"no seat {args.seat} enrolled", 1)
    print(f"seat {args.seat} revoked")
    return 0


def cmd_seats(args) -> int:
    rows = open_centre(args).seats()
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        state = "revoked" if r["revoked"] else "active"
        print(f"{r['seat']:<12} {state:<8} next seat_seq {r['next_seat_seq']:<8} roles {r['roles']}"
              + (f" unit {r['unit']}" if r["unit"] else ""))
    return 0


def cmd_publish_kb(args) -> int:
    from pathlib import Path

    from console.kb.importer import ImportReport, parse_file, read_rows
    from console.wire.kb_records import RecordError, announcement_from_row

    if not args.file and not args.announcements:
        raise CliError("nothing to publish: give an articles FILE and/or --announcements FILE")
    report = ImportReport()
    try:
        articles = list(parse_file(Path(args.file), report)) if args.file else []
        announcements = []
        for line_no, row, error in (read_rows(Path(args.announcements)) if args.announcements else ()):
            try:
                if row is None:
                    raise RecordError(error)
                announcements.append(announcement_from_row(row))
            except RecordError as exc:
                raise CliError(f"{args.announcements} line {line_no}: {exc}", 1)
    except (OSError, RecordError) as exc:
        raise CliError(f"cannot read: {exc}", 1)
    for err in report.errors:
        print(f"skipped line {err.line}: {err.message}")
    version = open_centre(args).publish_kb(articles, announcements)
    print(f"published {len(articles)} articles and {len(announcements)} announcements (reference version {version})")
    return 0


def cmd_publish_taxonomy(args) -> int:
    from console.taxonomy_source import load_taxonomy

    try:
        taxonomy = load_taxonomy(args.file)
    except FileNotFoundError:
        raise CliError(f"no such file: {args.file}")
    except (ValueError, OSError) as exc:
        raise CliError(f"bad taxonomy file {args.file}: {exc}")
    version = open_centre(args).publish_taxonomy(taxonomy.to_dict())
    print(f"published taxonomy {taxonomy.name or args.file}: {len(taxonomy.natures)} natures, "
          f"{sum(1 for _ in taxonomy.walk())} classes (reference version {version})")
    return 0


def cmd_check(args) -> int:
    problems = open_centre(args).check()
    for p in problems:
        print(p)
    if problems:
        return 1
    print("centre log consistent")
    return 0
