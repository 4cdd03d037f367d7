"""The seat's sync bookkeeping in the `sync_state` key/value table: centre URL and token, pull
cursor, reference version, online/offline since, last pull, clock offset, last error."""

from __future__ import annotations

from typing import overload

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console import clock
from console.store.engine import read_transaction, write_transaction


@overload
def get(conn: Connection, key: str, default: str) -> str: ...
@overload
def get(conn: Connection, key: str, default: None = None) -> str | None: ...
def get(conn: Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute(text("SELECT value FROM sync_state WHERE key = :k"), {"k": key}).first()
    return row[0] if row else default


def put(conn: Connection, key: str, value) -> None:
    conn.execute(text("INSERT INTO sync_state (key, value) VALUES (:k, :v) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value"), {"k": key, "v": str(value)})


def read_all(store) -> dict[str, str]:
    with read_transaction(store.engine) as conn:
        return dict(conn.execute(text("SELECT key, value FROM sync_state")).all())


def update(store, **values) -> None:
    with write_transaction(store.engine) as conn:
        for key, value in values.items():
            if value is None:
                conn.execute(text("DELETE FROM sync_state WHERE key = :k"), {"k": key})
            else:
                put(conn, key, value)


def set_online(store, online: bool, error: str | None = None, clock_offset: float | None = None) -> None:
    """Record reachability; `since` changes only when the state flips. Writes only on change, so
    the worker's timer does not keep taking the write lock."""
    flag = "1" if online else "0"
    with read_transaction(store.engine) as conn:
        was = dict(conn.execute(text("SELECT key, value FROM sync_state WHERE key IN "
                                     "('online', 'last_error', 'clock_offset')")).all())
    offset_moved = clock_offset is not None and (
        was.get("clock_offset") is None or abs(float(was["clock_offset"]) - clock_offset) > 0.5)
    error_changed = (None if online else ((error or "")[:300] or was.get("last_error"))) != was.get("last_error")
    if was.get("online") == flag and not offset_moved and not error_changed:
        return
    with write_transaction(store.engine) as conn:
        if get(conn, "online") != flag:
            put(conn, "online", flag)
            put(conn, "since", clock.iso(clock.now()))
        if online:
            conn.execute(text("DELETE FROM sync_state WHERE key = 'last_error'"))
        elif error:
            put(conn, "last_error", error[:300])
        if offset_moved:
            put(conn, "clock_offset", f"{clock_offset:.3f}")
