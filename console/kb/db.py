"""Connections for the KB: the raw sqlite3 connection under a SQLAlchemy one, or a light
read connection of our own (the screen worker and the CLI search path never import SQLAlchemy:
KB usable within a second of start-up)."""

from __future__ import annotations

import sqlite3
from pathlib import Path


def raw(conn) -> sqlite3.Connection:
    """The DB-API connection behind `conn` (a SQLAlchemy Connection or already sqlite3)."""
    if isinstance(conn, sqlite3.Connection):
        return conn
    return conn.connection.driver_connection


def open_read(path: str | Path) -> sqlite3.Connection:
    """A read connection on the seat's store; autocommit, so each query sees the latest commit."""
    path = Path(path)
    if not path.exists():
        from console.errors import StoreError

        raise StoreError(f"no store at {path}: run `hotline init --seat CODE` or `hotline demo` first")
    try:
        conn = sqlite3.connect(path, timeout=10, check_same_thread=False, isolation_level=None)
        conn.execute("PRAGMA busy_timeout=10000")
        # Search reads many index pages per keystroke: map the file, keep a larger page cache.
        conn.execute("PRAGMA mmap_size=268435456")
        conn.execute("PRAGMA cache_size=-32768")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the header is read here
    except sqlite3.DatabaseError as exc:
        from console.errors import StoreError
        from console.store.engine import store_problem

        raise StoreError(store_problem(path, exc))
    return conn
