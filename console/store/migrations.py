"""Schema versions. Each step runs in one transaction and never touches pending events.

Add a step by appending a function to MIGRATIONS; the stored `schema_version` says how many ran.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from console.store import schema
from console.store.engine import StoreError


def _v1_core(conn: Connection) -> None:
    tables = [
        schema.Meta.__table__,
        schema.EventRow.__table__,
        schema.OutboxRow.__table__,
        schema.OrderRow.__table__,
        schema.CallerRow.__table__,
        schema.UnitRow.__table__,
        schema.SeatCounter.__table__,
        schema.SyncState.__table__,
    ]
    SQLModel.metadata.create_all(conn, tables=tables)


def _v2_kb(conn: Connection) -> None:
    """Knowledge base tables and FTS5 index (console.kb owns their definition)."""
    from console.kb.schema import create_kb_tables

    create_kb_tables(conn)


def _v3_sync(conn: Connection) -> None:
    """Sync bookkeeping beyond the v1 outbox (console.sync owns their definition)."""
    from console.sync.schema import create_sync_tables

    create_sync_tables(conn)


def _v4_unit_short_initials(conn: Connection) -> None:
    """The short name's initials (住建局 -> zjj) kept with each unit, so a directory the centre
    published types ahead like the shipped one. A store made at v1 since already has the column."""
    columns = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(units)")}
    if "short_initials" not in columns:
        conn.exec_driver_sql("ALTER TABLE units ADD COLUMN short_initials VARCHAR NOT NULL DEFAULT ''")
        from console.units_source import load_units  # the shipped directory has them for its units

        for u in load_units():
            conn.execute(text("UPDATE units SET short_initials = :i WHERE code = :c AND short = :s"),
                         {"i": u.short_initials, "c": u.code, "s": u.short})


MIGRATIONS: list[Callable[[Connection], None]] = [_v1_core, _v2_kb, _v3_sync, _v4_unit_short_initials]
LATEST = len(MIGRATIONS)


def current_version(conn: Connection) -> int:
    has_meta = conn.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
    ).first()
    if not has_meta:
        return 0
    row = conn.execute(text("SELECT value FROM meta WHERE key='schema_version'")).first()
    return int(row[0]) if row else 0


def migrate(conn: Connection) -> int:
    """Bring the schema up to LATEST inside the caller's write transaction."""
    version = current_version(conn)
    if version > LATEST:
        raise StoreError(f"store schema v{version} is newer than this console (v{LATEST}): upgrade hotline")
    for step in MIGRATIONS[version:]:
        step(conn)
        version += 1
        conn.execute(
            text("INSERT INTO meta(key, value) VALUES ('schema_version', :v) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
            {"v": str(version)},
        )
    return version
