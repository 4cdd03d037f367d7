"""The hotline's key for confidential callers' keyed hashes, as this seat got it from the centre
(reference data, seats only): the sync hashes with it before pushing, the caller history looks
a typed phone up by it."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console.store.engine import read_transaction

_KEY = "privacy_key"  # meta key


def set_privacy_key(conn: Connection, key: str) -> None:
    bytes.fromhex(key)  # a malformed key from the centre fails here, not at the next push
    conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value"), {"k": _KEY, "v": key})


def privacy_key(store) -> str | None:
    with read_transaction(store.engine) as conn:
        row = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": _KEY}).first()
    return row[0] if row else None
