"""Sync bookkeeping on the seat (schema v3).

The event row itself carries its sync outcome so that `events_of()` shows it in the order's
history: `sync_status` is pending (local, not yet answered by the centre), accepted or rejected;
a rejected event keeps the centre's reason (who dispatched it, when, to which unit) and is
never folded. Cursor, token and online state live in the v1 `sync_state` key/value table.
"""

from sqlalchemy import text
from sqlalchemy.engine import Connection

_COLUMNS = (
    ("sync_status", "TEXT NOT NULL DEFAULT 'pending'"),
    ("sync_reason", "TEXT"),  # the centre's reason for a rejection (Chinese, shown as is)
    ("sync_code", "TEXT"),
    ("sync_at", "TEXT"),  # when the centre answered
)


def create_sync_tables(conn: Connection) -> None:
    have = {row[1] for row in conn.exec_driver_sql("PRAGMA table_info(events)")}
    for name, decl in _COLUMNS:
        if name not in have:
            conn.exec_driver_sql(f"ALTER TABLE events ADD COLUMN {name} {decl}")
    # Events stored before v3 that the centre had numbered were accepted by it.
    conn.execute(text("UPDATE events SET sync_status = 'accepted' WHERE seq IS NOT NULL"))
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_events_sync_status ON events (sync_status)")


def _register() -> None:
    from console.store.components import Component, register

    register(Component("sync", migrations={3: create_sync_tables}))


_register()
