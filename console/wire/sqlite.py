"""A SQLite engine with the pragmas both the seat's store and a SQLite centre run on: WAL,
synchronous=FULL, a 10 s busy wait, and BEGIN issued by us (IMMEDIATE when a write asks for it)."""

from __future__ import annotations

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine


def sqlite_engine(url: str, foreign_keys: bool = True) -> Engine:
    """A SQLite engine with our pragmas and explicit BEGIN (the seat's store and a SQLite centre)."""
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection):
        mode = "IMMEDIATE" if conn.info.pop("immediate", False) else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine
