"""Writing what the centre says into the seat's store, each batch in one transaction:
its answers to a push (`mark_pushed`) and pulled events (`apply_remote`).

Both re-fold the orders they touch: the fold order is the centre's seq for numbered events, then
this seat's pending ones (store.FOLD_ORDER), and a rejected event is kept but never folded, so
the projection always equals the fold of the order's events.
"""

from __future__ import annotations

import json

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console import clock
from console.domain.order import Kind, OrderState, fold
from console.faults import fault_point
from console.kb.order_index import index_order
from console.store.engine import write_transaction
from console.store.store import event_row, insert_events, upsert_order
from console.sync import state as sync_state

_MARK = text("UPDATE events SET seq = :seq, sync_status = :status, sync_reason = :reason, sync_code = :code, "
             "sync_at = :at WHERE id = :id")


def refold(store, conn: Connection, numbers: set[str], text_changed: set[str] | None = None) -> dict:
    """Rebuild the projection rows of `numbers` from their foldable events; returns the states.
    The duplicate-search index is rewritten for `text_changed` orders (all when None)."""
    states: dict[str, OrderState] = {}
    if not numbers:
        return states
    for number, events in store._events_by_order(conn, numbers):
        state = fold(events, store.rules)
        if state is None:  # no event to fold: handled below with the orders that have none
            continue
        states[number] = state
        upsert_order(conn, state, store.calendar, store.rules)
        if text_changed is None or number in text_changed:
            index_order(conn, state)  # duplicate search sees orders from other seats too
    for number in numbers - set(states):  # every event of the order was rejected (e.g. its intake)
        conn.execute(text("DELETE FROM orders_fts WHERE rowid = (SELECT rowid FROM orders WHERE number = :n)"),
                     {"n": number})
        conn.execute(text("DELETE FROM orders WHERE number = :n"), {"n": number})
    return states


def _outcome(result: dict) -> tuple[str, str | None, str | None]:
    status = str(result.get("outcome") if result["status"] == "duplicate" else result["status"])
    return status, result.get("reason") or None, result.get("code") or None


def mark_pushed(store, results: list[dict]) -> dict[str, int]:
    """The centre's per-event answers: set seq and status, drop the events from the outbox.

    An accepted event keeps its place in the fold (it was the first pending one and becomes the
    last numbered one) unless a pulled event of the same order already has a higher seq; only
    then, or for a rejection, is the order re-folded."""
    counts = {"accepted": 0, "rejected": 0, "duplicate": 0}
    now = clock.iso(clock.now())
    with write_transaction(store.engine) as conn:
        ids = json.dumps([r["id"] for r in results])
        local = {row.id: row for row in conn.execute(text(
            "SELECT id, order_no, seq, sync_status FROM events WHERE id IN (SELECT value FROM json_each(:ids))"),
            {"ids": ids})}
        orders = json.dumps(sorted({row.order_no for row in local.values()}))
        top = dict(conn.execute(text(
            "SELECT order_no, max(seq) FROM events WHERE order_no IN (SELECT value FROM json_each(:o)) "
            "GROUP BY order_no"), {"o": orders}).all())
        marks, numbers = [], set()
        for r in results:
            status, reason, code = _outcome(r)
            counts["duplicate" if r["status"] == "duplicate" else status] += 1
            row = local.get(r["id"])
            if row is None or (row.seq, row.sync_status) == (r["seq"], status):
                continue
            marks.append({"seq": r["seq"], "status": status, "reason": reason, "code": code, "at": now, "id": r["id"]})
            if status != "accepted" or row.sync_status != "pending" or (top.get(row.order_no) or 0) > r["seq"]:
                numbers.add(row.order_no)
        half = len(marks) // 2
        if marks:
            conn.execute(_MARK, marks[:half] or marks)
            fault_point("seat.push.mid_write")
            if half:
                conn.execute(_MARK, marks[half:])
        conn.execute(text("DELETE FROM outbox WHERE event_id IN (SELECT value FROM json_each(:ids))"), {"ids": ids})
        refold(store, conn, numbers)
    return counts


def apply_remote(store, events: list[dict], head: int) -> int:
    """Pulled events (in seq order) and the new cursor, in one transaction. Returns how many
    new events were stored. Our own events coming back settle their outcome too (a push whose
    answer was lost)."""
    if not events:
        with write_transaction(store.engine) as conn:
            if int(sync_state.get(conn, "pull_cursor", "0")) < head:
                sync_state.put(conn, "pull_cursor", head)
        return 0
    now = clock.iso(clock.now())
    stored = 0
    with write_transaction(store.engine) as conn:
        cursor = int(sync_state.get(conn, "pull_cursor", "0"))
        log_pos = int(store._meta(conn, "log_pos") or 0)
        ids = [e["id"] for e in events]
        local = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            for r in conn.execute(text("SELECT id, seq, sync_status FROM events WHERE id IN "
                                       "(SELECT value FROM json_each(:ids))"), {"ids": json.dumps(chunk)}):
                local[r.id] = r
        numbers: set[str] = set()
        new_rows = []
        for ev in events:
            if ev["seq"] <= cursor:
                continue  # already applied (a retried pull)
            mine = local.get(ev["id"])
            if mine is not None:
                if mine.seq != ev["seq"] or mine.sync_status != ev["status"]:
                    conn.execute(_MARK, {"seq": ev["seq"], "status": ev["status"], "reason": ev.get("reason"),
                                         "code": ev.get("code"), "at": now, "id": ev["id"]})
                    conn.execute(text("DELETE FROM outbox WHERE event_id = :id"), {"id": ev["id"]})
                    numbers.add(ev["order_no"])
                continue
            if ev["status"] != "accepted":
                continue  # another seat's rejected attempt: its seat shows it; nothing to fold here
            log_pos += 1
            new_rows.append(event_row(ev, rowid_order=log_pos, seq=ev["seq"], origin="centre"))
            numbers.add(ev["order_no"])
        if new_rows:
            insert_events(conn, new_rows)
            conn.execute(text("UPDATE events SET sync_status = 'accepted', sync_at = :at "
                              "WHERE id IN (SELECT value FROM json_each(:ids))"),
                         {"at": now, "ids": json.dumps([r["id"] for r in new_rows])})
            stored = len(new_rows)
        texts = {r["order_no"] for r in new_rows if r["kind"] in _CALLER_KINDS}
        states = refold(store, conn, numbers, texts | (numbers - {r["order_no"] for r in new_rows}))
        fault_point("seat.pull.mid_write")  # events and projection written, cursor not yet
        _touch_callers(store, conn, states, [r for r in new_rows if r["kind"] in _CALLER_KINDS])
        store._set_meta(conn, "log_pos", str(log_pos))
        sync_state.put(conn, "pull_cursor", max(head, cursor))
    return stored


_CALLER_KINDS = (Kind.CREATED, Kind.AMENDED, Kind.IMPORTED)  # the events that set an order's caller and text


def _touch_callers(store, conn: Connection, states: dict, rows: list[dict]) -> None:
    from datetime import datetime

    for r in rows:
        state = states.get(r["order_no"])
        if state is not None and state.phone:
            seen = state.created_at if r["kind"] == Kind.IMPORTED else datetime.fromisoformat(r["at"])
            store._touch_caller(conn, state, seen, r["kind"] != Kind.AMENDED)
