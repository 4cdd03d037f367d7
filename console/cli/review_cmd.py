"""`hotline orders reviews|review`: the county office's review of units' replies (审核反馈真实性):
list the replies waiting, show one with the quick check's findings, accept it (on to callback) or
send it back to the unit with the reason. docs/reply-review.md."""

from __future__ import annotations

from console.cli.common import add_data_dir, echo, print_json
from console.cli.errors import CliError
from console.domain.reply_review import SEND_BACK_GROUNDS
from console.domain.roles import Actor, Role

REVIEWERS = {"dispatcher": Role.DISPATCHER, "lead": Role.LEAD}


def register(osub) -> None:
    p = osub.add_parser("reviews", help="units' replies waiting for review, with the quick check's findings")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    add_data_dir(p)
    p.set_defaults(func=cmd_reviews)
    p = osub.add_parser("review", help="show a unit's reply with its findings; accept it or send it back")
    p.add_argument("number", help="order number")
    act = p.add_mutually_exclusive_group()
    act.add_argument("--accept", action="store_true", help="the reply holds: on to callback")
    act.add_argument("--send-back", metavar="REASON",
                     help=f"back to the unit: a ground ({', '.join(SEND_BACK_GROUNDS)}) or the reason in words")
    p.add_argument("--operator", help="the reviewer's operator id (required to accept or send back)")
    p.add_argument("--role", choices=sorted(REVIEWERS), default="dispatcher")
    p.add_argument("--json", action="store_true")
    add_data_dir(p)
    p.set_defaults(func=cmd_review)


def _open(args):
    from console.store import Store

    return Store.open(getattr(args, "data_dir", None))


def _finding_dicts(findings) -> list[dict]:
    return [{"code": f.code, "text": f.text, "ground": f.ground} for f in findings]


def cmd_reviews(args) -> int:
    from console import queues
    from console.reply_review import findings_for

    if not 1 <= args.limit <= 10_000:
        raise CliError("--limit must be from 1 to 10000")
    store = _open(args)
    try:
        rows = queues.reply_reviews(store, limit=args.limit)
        items = []
        for row in rows:
            state = store.get(row["number"])
            if state is not None:
                items.append((state, findings_for(store, state)))
        total = queues.reply_review_count(store)
    finally:
        store.close()
    for state, findings in items:
        if args.json:
            print_json({"number": state.number, "lead_unit": state.lead_unit, "replied_at": state.replied_at,
                        "reply": state.reply, "findings": _finding_dicts(findings)})
        else:
            marks = "、".join(f.code for f in findings) or "-"
            echo(f"{state.number}  {state.lead_unit:<8} {marks:<24} {state.reply[:40]}")
    if not args.json:
        print(f"{total} replies waiting for review")
    return 0


def cmd_review(args) -> int:
    from console.domain.kinds import Status
    from console.reply_review import findings_for, review_event

    deciding = args.accept or args.send_back is not None
    if deciding and not (args.operator or "").strip():
        raise CliError("--operator is required to accept or send back a reply")
    ground, reason = "", ""
    if args.send_back is not None:
        text = args.send_back.strip()
        if not text:
            raise CliError("--send-back needs a reason: a ground or words")
        ground, reason = (text, "") if text in SEND_BACK_GROUNDS else ("other", text)
    store = _open(args)
    try:
        state = store.get(args.number)
        if state is None:
            raise CliError(f"no order {args.number!r} in this store", 1)
        if not deciding:
            if state.status != Status.REPLY_REVIEW:
                raise CliError(f"order {args.number} has no reply waiting for review (status {state.status.value})", 1)
            findings = findings_for(store, state)
            if args.json:
                print_json({"number": state.number, "lead_unit": state.lead_unit, "description": state.description,
                            "reply": state.reply, "findings": _finding_dicts(findings)})
            else:
                echo(f"order {state.number}  lead unit {state.lead_unit}")
                echo(f"  matter: {state.description}")
                echo(f"  reply:  {state.reply}")
                for f in findings:
                    echo(f"  ! {f.code}: {f.text} (suggests --send-back {f.ground})")
                if not findings:
                    print("  (the quick check found nothing)")
            return 0
        actor = Actor(args.operator.strip(), REVIEWERS[args.role])
        result = store.record([review_event(args.number, actor, args.accept, ground, reason)])
    finally:
        store.close()
    if not result.ok:
        raise CliError(f"refused ({result.code}): {result.reason}", 1)
    if args.json:
        print_json({"number": args.number, "accepted": bool(args.accept), "ground": ground, "reason": reason})
    elif args.accept:
        print(f"{args.number}: reply accepted, on to callback")
    else:
        print(f"{args.number}: reply sent back to the unit ({ground}{': ' + reason if reason else ''})")
    return 0
