"""Schema versions. Each step runs in one transaction and never touches pending events.

Add a step by appending a function to MIGRATIONS; the stored `schema_version` says how many ran.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

from console.store import schema
from console.store.components import Step, components
from console.store.engine import StoreError


def _v1_core(conn: Connection) -> None:
    models = (schema.Meta, schema.EventRow, schema.OutboxRow, schema.OrderRow, schema.CallerRow, schema.UnitRow,
              schema.SeatCounter, schema.SyncState)
    tables = [SQLModel.metadata.tables[m.__tablename__] for m in models]
    SQLModel.metadata.create_all(conn, tables=tables)


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


def _list_columns(conn: Connection) -> None:
    """The desks' list columns (projection.list_columns) that the table lacks, added, and all of
    them filled from each order's stored state: v5 (the desks' lists), v8 (channel, imported)."""
    from console.store.projection import LIST_COLUMN_TYPES, list_columns
    from console.wire.state import state_from_json

    have = {r[1] for r in conn.exec_driver_sql("PRAGMA table_info(orders)")}
    for name, decl in LIST_COLUMN_TYPES.items():
        if name not in have:
            conn.exec_driver_sql(f"ALTER TABLE orders ADD COLUMN {name} {decl}")
    sets = ", ".join(f"{name} = :{name}" for name in LIST_COLUMN_TYPES)
    rows = conn.execute(text("SELECT number, state FROM orders")).all()
    for number, state in rows:
        conn.execute(text(f"UPDATE orders SET {sets} WHERE number = :number"),
                     {**list_columns(state_from_json(state)), "number": number})


def _v6_call_records(conn: Connection) -> None:
    """Call and SMS records from the telephone system (imported): M-01, M-02, M-03, M-05."""
    conn.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS calls (call_id TEXT PRIMARY KEY, seat TEXT NOT NULL DEFAULT '', "
        "operator TEXT NOT NULL DEFAULT '', offered_at TEXT NOT NULL, answered_at TEXT, ended_at TEXT, "
        "rating TEXT NOT NULL DEFAULT '')")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_calls_offered_at ON calls (offered_at)")
    conn.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS sms (message_id TEXT PRIMARY KEY, received_at TEXT NOT NULL, replied_at TEXT)")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_sms_received_at ON sms (received_at)")


def _v7_quality(conn: Connection) -> None:
    """录音质检: imported transcripts, and each sampled call's review (findings, decisions, score)."""
    conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS qa_transcripts (call_id TEXT PRIMARY KEY, utterances TEXT NOT NULL)")
    conn.exec_driver_sql(
        "CREATE TABLE IF NOT EXISTS qa_reviews (call_id TEXT PRIMARY KEY, month TEXT NOT NULL, operator TEXT NOT NULL, "
        "findings TEXT NOT NULL, score INTEGER NOT NULL, reviewed_by TEXT, reviewed_at TEXT)")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_qa_reviews_month ON qa_reviews (month, operator)")


# The store's own steps; v2 (knowledge base, order index), v3 (sync columns) and v9 (article
# vectors, the place dictionary) are registered by console.kb and console.sync as store components.
CORE_STEPS: dict[int, Step] = {1: _v1_core, 4: _v4_unit_short_initials, 5: _list_columns, 6: _v6_call_records,
                               7: _v7_quality, 8: _list_columns}
LATEST = 9


def steps() -> dict[int, list[Step]]:
    """Each schema version's steps: the store's own, then its components' (by name)."""
    out: dict[int, list[Step]] = {v: [step] for v, step in CORE_STEPS.items()}
    for component in sorted(components(), key=lambda c: c.name):
        for version, step in component.migrations.items():
            out.setdefault(version, []).append(step)
    missing = [v for v in range(1, LATEST + 1) if v not in out]
    if missing:
        raise StoreError(f"no schema step for v{missing[0]}: a store component is not installed (reinstall hotline)")
    return out


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
    by_version = steps()
    while version < LATEST:
        version += 1
        for step in by_version[version]:
            step(conn)
        conn.execute(
            text("INSERT INTO meta(key, value) VALUES ('schema_version', :v) "
                 "ON CONFLICT(key) DO UPDATE SET value = excluded.value"),
            {"v": str(version)},
        )
    return version
