"""`hotline orders list|show|print`: read the store's orders (`import`: console/cli/orders_import_cmd.py)."""

from __future__ import annotations

import json

from console.cli import orders_import_cmd, review_cmd
from console.cli.common import add_data_dir, echo, print_json
from console.cli.errors import CliError
from console.domain.order import STATUS_LABELS, Status
from console.domain.privacy import CONFIDENTIAL_TEXT, CallerField, Sight, redact_payload, sight
from console.wire.order_view import order_view

# The CLI reads the store outside any sign-in: it shows what a report may (console/domain/privacy.py).
AUDIENCE = None


def register(sub) -> None:
    orders = sub.add_parser("orders", help="list and show work orders")
    osub = orders.add_subparsers(dest="orders_command", metavar="ACTION", required=True)
    p = osub.add_parser("list", help="list orders, newest first")
    p.add_argument("--status", help=f"only this status: {', '.join(s.value for s in Status)}")
    p.add_argument("--limit", type=int, default=50, help="at most this many (default 50; 0 = all)")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    add_data_dir(p)
    p.set_defaults(func=cmd_list)
    p = osub.add_parser("show", help="one order with its events and every deadline")
    p.add_argument("number", help="order number, e.g. 20261128-S07-0012")
    p.add_argument("--json", action="store_true")
    add_data_dir(p)
    p.set_defaults(func=cmd_show)
    p = osub.add_parser("print", help="one order as a document: 工单, 承办单 (to the unit) or 呈阅件 (for leaders)")
    p.add_argument("number", help="order number")
    p.add_argument("--form", required=True, choices=("工单", "承办单", "呈阅件"))
    p.add_argument("--out", required=True, metavar="FILE", help="a .pdf or .xlsx path")
    add_data_dir(p)
    p.set_defaults(func=cmd_print)
    review_cmd.register(osub)  # reviews, review: 审核反馈真实性
    orders_import_cmd.register(osub)  # `orders import`: history from another system (issue 14)


def _open(args):
    from console.store import Store

    return Store.open(getattr(args, "data_dir", None))


def _row_summary(row: dict) -> dict:
    return {
        "number": row["number"],
        "status": row["status"],
        "created_at": row["created_at"],
        "caller": _caller(row["caller_name"], row["caller_title"], bool(row["confidential"])),
        "nature": row["nature"],
        "content_class": row["content_class"],
        "lead_unit": row["lead_unit"],
        "dispatch_due": row["dispatch_due"],
        "unit_due": row["unit_due"],
        "unit_due_provisional": bool(row["unit_due_provisional"]),
        "callback_due": row["callback_due"],
        "urgent": bool(row["urgent"]),
    }


def _caller(name: str, title: str, confidential: bool) -> str:
    if sight(AUDIENCE, CallerField.NAME, confidential) is Sight.HIDDEN:
        return CONFIDENTIAL_TEXT
    return f"{name}{title}"


def cmd_list(args) -> int:
    if args.status and args.status not in {s.value for s in Status}:
        raise CliError(f"unknown status {args.status!r}: expected one of {', '.join(s.value for s in Status)}")
    if args.limit < 0:
        raise CliError("--limit must be 0 or more")
    store = _open(args)
    rows = store.list_orders(status=args.status, limit=args.limit or None)
    for row in rows:
        s = _row_summary(row)
        if args.json:
            print_json(s)
        else:
            due = s["unit_due"] or s["dispatch_due"] or ""
            mark = "（预估）" if s["unit_due_provisional"] else ""
            echo(f"{s['number']}  {STATUS_LABELS[Status(s['status'])]:<6}  {s['created_at'][:16]}  "
                  f"{s['nature']:<3} {s['lead_unit'] or '-':<6} due {due[:16] or '-'}{mark}  {row['description'][:30]}")
    if not args.json:
        print(f"{len(rows)} orders" + (f" with status {args.status}" if args.status else ""))
    store.close()
    return 0


def cmd_show(args) -> int:
    store = _open(args)
    row = store.order_row(args.number)
    if row is None:
        store.close()
        raise CliError(f"no order {args.number!r} in this store", 1)
    view = redacted(order_view(row["state"], row, store.events_of(args.number)))
    store.close()
    if args.json:
        print_json(view)
    else:
        print_order(view)
    return 0


def redacted(view: dict) -> dict:
    """The view as a report may show it (console/domain/privacy.py): a confidential caller hidden,
    phones masked, in the order and in every event's payload."""
    confidential = bool(view["order"].get("confidential"))
    return {**view, "order": redact_payload(AUDIENCE, view["order"], confidential),
            "events": [{**e, "payload": redact_payload(AUDIENCE, e.get("payload") or {}, confidential)}
                       for e in view["events"]]}


def print_order(view: dict) -> None:
    """The order in text: its fields, deadlines and history (a rejected event marked ✗); stored text
    is shown inert."""
    state, deadlines, events = view["order"], view["deadlines"], view["events"]
    confidential = bool(state.get("confidential"))
    print(f"工单 {state['number']}  {STATUS_LABELS[Status(state['status'])]}")
    for label, key in (("来电人", None), ("电话", "phone"), ("地址", "address"), ("性质", "nature"),
                       ("分类", None), ("诉求", "description"), ("主办单位", "lead_unit")):
        if key is None and label == "来电人":
            value = _caller(state["caller_name"], state["caller_title"], confidential)
        elif key is None:
            value = "/".join(state["content_path"])
        else:
            value = state[key]
        echo(f"  {label}: {value}")
    provisional = "（预估：该年度放假安排未公布）" if deadlines["unit_due_provisional"] else ""
    print(f"  转办时限: {deadlines['dispatch_due'] or '-'}")
    print(f"  办理时限: {deadlines['unit_due'] or '-'}{provisional}")
    print(f"  回访时限: {deadlines['callback_due'] or '-'}")
    print("  事件:")
    for e in events:
        echo(f"    {e['at']}  {e['kind']:<22} {e['operator']}({e['role']})  "
             f"{json.dumps(e['payload'], ensure_ascii=False)[:80]}")
        if e.get("sync_status") == "rejected":  # kept in the history, not folded (issue 6)
            echo(f"      ✗ 中心拒绝：{e.get('sync_reason') or ''}")


def cmd_print(args) -> int:
    from pathlib import Path

    from console.forms import document, write_pdf, write_xlsx

    out = Path(args.out)
    if out.suffix.lower() not in (".pdf", ".xlsx"):
        raise CliError(f"--out must end in .pdf or .xlsx, got {out.name!r}")
    store = _open(args)
    try:
        doc = document(store, args.number, args.form)
    finally:
        store.close()
    if doc is None:
        raise CliError(f"no order {args.number}", 1)
    title, fields = doc
    try:
        (write_pdf if out.suffix.lower() == ".pdf" else write_xlsx)(out, title, fields)
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}")
    print(f"wrote {out} ({title}, {args.number})")
    return 0
