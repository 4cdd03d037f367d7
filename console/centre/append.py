"""Appending a decided batch to the log on PostgreSQL: one statement, the only one that takes the
`seq` counter's lock.

Everything before it in the transaction (locking the seat's and the orders' rows, deciding) holds
only those rows. This statement bumps the counter, inserts the rows with their seqs, writes the
orders' new states, moves the seat's next seat_seq, ends the leases the batch's dispatches ended,
and NOTIFYs the other processes with the new head. So the counter row, which every writer in every
process waits for, is held for one round trip and the commit. Why it matters: a writer that held
it across its Python work (deciding, JSON) and a dozen round trips left the database waiting on a
client that waited for the GIL, behind the event loop's fan-out; 50 pushers got under 200 events/s.

Commits still happen in seq order (the counter's lock is held until commit), so a reader of
`seq > N` never skips a row (db.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console.centre import db

_COLUMNS = [c.name for c in db.events.columns if c.name != "seq"]
_ORDER_COLUMNS = ("number", "status", "lead_unit", "state")


def _arrays(names, prefix: str = "") -> str:
    return ", ".join(f"CAST(:{prefix}{c} AS {'bigint' if c == 'seat_seq' else 'text'}[])" for c in names)


_STATEMENT = text(f"""
WITH c AS (UPDATE {db.counters.name} SET value = value + :s_n WHERE name = 'seq' RETURNING value),
ins AS (
    INSERT INTO {db.events.name} (seq, {", ".join(_COLUMNS)})
    SELECT c.value - :s_n + r.ord, {", ".join(f"r.{col}" for col in _COLUMNS)}
    FROM c, unnest({_arrays(_COLUMNS)}) WITH ORDINALITY AS r({", ".join(_COLUMNS)}, ord)
),
o AS (
    INSERT INTO {db.orders.name} (number, status, lead_unit, last_seq, state)
    SELECT o.number, o.status, o.lead_unit, c.value, o.state
    FROM c, unnest({_arrays(_ORDER_COLUMNS, "o_")}) AS o({", ".join(_ORDER_COLUMNS)})
    ON CONFLICT (number) DO UPDATE SET status = EXCLUDED.status, lead_unit = EXCLUDED.lead_unit,
        last_seq = EXCLUDED.last_seq, state = EXCLUDED.state
),
s AS (
    UPDATE {db.seats.name} SET next_seat_seq = :s_next, last_seen = :s_seen WHERE seat = :s_seat
),
l AS (
    DELETE FROM {db.leases.name} WHERE order_no = ANY(CAST(:s_leases AS text[]))
)
SELECT c.value, pg_notify(:s_channel, c.value::text || ':' || :s_origin) FROM c
""")


def append_pg(conn: Connection, rows: list[dict[str, Any]], orders: list[dict[str, str]], seat: str,
              next_seat_seq: int, last_seen: str, leases: list[str], origin: str, commit: bool = False) -> int:
    """Append `rows` (setting each row's "seq"), write `orders` (their c_orders columns but
    last_seq, which becomes the new head), move `seat` on and end `leases`; returns the new head.
    The NOTIFY says "head:origin": the committing centre (`origin`) ignores its own (its pusher
    hands the rows to its tail, and the push is answered before the seats are woken), the others
    read up to that head. `commit`: this is the transaction's last statement; COMMIT goes with it."""
    params: dict[str, Any] = {c: [r.get(c) for r in rows] for c in _COLUMNS}
    params.update({f"o_{c}": [o[c] for o in orders] for c in _ORDER_COLUMNS})
    # scalars as s_*: the event columns' arrays take the plain names (one of them is "seat")
    params.update(s_n=len(rows), s_seat=seat, s_next=next_seat_seq, s_seen=last_seen, s_leases=leases,
                  s_channel=db.channel(conn), s_origin=origin)
    head = _append_and_commit(conn, params) if commit else int(conn.execute(_STATEMENT, params).scalar_one())
    for i, row in enumerate(rows):
        row["seq"] = head - len(rows) + 1 + i
    return head


def _append_and_commit(conn: Connection, params: dict[str, Any]) -> int:
    """The statement and COMMIT in one round trip (psycopg's pipeline), so the counter's lock is
    held for the statement and the commit only, never while this process waits for the
    interpreter between them (which, behind a busy event loop, was longer than both). SQLAlchemy's
    own commit then finds nothing to do. Errors come out as SQLAlchemy's, as from conn.execute."""
    import psycopg
    from sqlalchemy.exc import DBAPIError

    sql = _compiled(conn)
    raw = conn.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    try:
        with raw.pipeline():
            cur = raw.cursor()
            cur.execute(sql, params)
            raw.commit()
        row = cur.fetchone()
    except psycopg.Error as exc:
        raise DBAPIError.instance(sql, params, exc, psycopg.Error, hide_parameters=True) from exc
    assert row is not None
    return int(row[0])


_SQL: dict[str, str] = {}


def _compiled(conn: Connection) -> str:
    name = conn.dialect.name
    if name not in _SQL:
        _SQL[name] = str(_STATEMENT.compile(dialect=conn.dialect))
    return _SQL[name]
