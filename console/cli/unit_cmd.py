"""`hotline unit ...`: an undertaking unit's side of the centre's API (list its orders, reply,
return, ask for an extension), and a simulator of units for demos."""

from __future__ import annotations

import os

from console.cli.common import add_data_dir, echo, print_json
from console.cli.errors import CliError


def register(sub) -> None:
    unit = sub.add_parser("unit", help="act as an undertaking unit through the centre's API")
    add_data_dir(unit)
    cmds = unit.add_subparsers(dest="unit_command", metavar="ACTION", required=True)

    def common(p):
        p.add_argument("--centre", default=None, help="centre URL (default $HOTLINE_CENTRE_URL)")
        p.add_argument("--token", default=None, help="the unit's token (default $HOTLINE_UNIT_TOKEN)")
        p.add_argument("--operator", default="unit", help="who at the unit acts (recorded on the event)")
        add_data_dir(p)
        return p

    p = common(cmds.add_parser("orders", help="the unit's orders"))
    p.add_argument("--status", help="only this status, e.g. dispatched")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_orders)

    p = common(cmds.add_parser("reply", help="reply with the result of handling an order"))
    p.add_argument("number", metavar="ORDER")
    p.add_argument("text", metavar="TEXT")
    p.set_defaults(func=cmd_reply)

    p = common(cmds.add_parser("return", help="return an order that is not the unit's to handle"))
    p.add_argument("number", metavar="ORDER")
    p.add_argument("reason", metavar="REASON")
    p.set_defaults(func=cmd_return)

    p = common(cmds.add_parser("extend", help="ask for an extension (working days)"))
    p.add_argument("number", metavar="ORDER")
    p.add_argument("days", metavar="DAYS", type=int)
    p.add_argument("reason", metavar="REASON")
    p.set_defaults(func=cmd_extend)

    p = cmds.add_parser("simulate", help="units that answer like real ones (enrols them in the centre's database)")
    p.add_argument("--centre", default=None, help="centre URL (default $HOTLINE_CENTRE_URL)")
    p.add_argument("--db", default=None, help="the centre's database, to enrol the units")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seed", type=int, default=None)
    add_data_dir(p)
    p.set_defaults(func=cmd_simulate)


def _client(args):
    from console.sync.client import CentreClient

    url = args.centre or os.environ.get("HOTLINE_CENTRE_URL")
    token = getattr(args, "token", None) or os.environ.get("HOTLINE_UNIT_TOKEN")
    if not url:
        raise CliError("no centre: pass --centre URL or set HOTLINE_CENTRE_URL")
    if not token:
        raise CliError("no unit token: pass --token T or set HOTLINE_UNIT_TOKEN (from `hotline centre enroll`)")
    if not token.isascii() or not token.isprintable():
        raise CliError("bad unit token: it is printable ASCII, as `hotline centre enroll` printed it")
    return CentreClient(url, token)


def _call(fn, *a, **kw):
    from console.sync.client import Refused, SyncError

    try:
        return fn(*a, **kw)
    except Refused as exc:
        raise CliError(f"refused: {exc}", 1)
    except SyncError as exc:
        raise CliError(str(exc), 1)


def cmd_orders(args) -> int:
    answer = _call(_client(args).unit_orders, args.status)
    if args.json:
        print_json(answer["orders"])
        return 0
    for o in answer["orders"]:
        caller = o.get("caller") or "（保密）"
        echo(f"{o['number']}  {o['status']:<12} due {o['unit_due'] or '-':<20} {caller} {o.get('phone') or ''}  "
             f"{o['description'][:40]}")
        back = o.get("sent_back")
        if back:  # the county office sent the last reply back: reply again
            from console.domain.reply_review import SEND_BACK_GROUNDS

            echo(f"    reply sent back {back['at'][:16]}: {SEND_BACK_GROUNDS.get(back['ground'], back['ground'])} "
                 f"{back['reason']}")
    print(f"{len(answer['orders'])} orders for unit {answer['unit']}")
    return 0


def cmd_reply(args) -> int:
    r = _call(_client(args).unit_reply, args.number, args.text, args.operator)
    print(f"{args.number}: reply recorded (seq {r['seq']})")
    return 0


def cmd_return(args) -> int:
    r = _call(_client(args).unit_return, args.number, args.reason, args.operator)
    print(f"{args.number}: returned (seq {r['seq']})")
    return 0


def cmd_extend(args) -> int:
    r = _call(_client(args).unit_extension, args.number, args.days, args.reason, args.operator)
    print(f"{args.number}: extension of {args.days} days requested (seq {r['seq']})")
    return 0


def cmd_simulate(args) -> int:
    from console.cli.centre_cmd import open_centre
    from console.demo_units import SimCounts, UnitSimulator, enroll_units
    from console.sync.client import CentreClient

    url = args.centre or os.environ.get("HOTLINE_CENTRE_URL")
    if not url:
        raise CliError("no centre: pass --centre URL or set HOTLINE_CENTRE_URL")
    centre = open_centre(args)
    codes = sorted({s.lead_unit for s in centre.order_states().values() if s.lead_unit})
    sim = UnitSimulator({c: CentreClient(url, t) for c, t in enroll_units(centre, codes).items()}, seed=args.seed)
    counts = SimCounts()
    for _ in range(args.rounds):
        _call(sim.step, counts)
    print(", ".join(f"{k} {v}" for k, v in counts.as_dict().items()))
    return 0
