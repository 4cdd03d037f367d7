"""Open the seat's SQLite file: WAL, synchronous=FULL, foreign keys, explicit transactions.

pysqlite's own transaction handling is switched off so that a write command can start with
`BEGIN IMMEDIATE` (the write lock is taken up front; no deadlock upgrading a read lock) while
reads use a plain deferred `BEGIN`.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine

from console.errors import StoreError
from console.wire.sqlite import sqlite_engine


def make_engine(path: Path) -> Engine:
    return sqlite_engine(f"sqlite:///{path}")


@contextmanager
def write_transaction(engine: Engine):
    """One command = one BEGIN IMMEDIATE transaction; rolled back whole on any exception."""
    with engine.connect() as conn:
        conn.info["immediate"] = True
        with conn.begin():
            yield conn


@contextmanager
def read_transaction(engine: Engine):
    with engine.connect() as conn, conn.begin():
        yield conn


def store_problem(path: Path, exc: sqlite3.DatabaseError) -> str:
    """One line for a store SQLite cannot read: unreadable (permissions, a read-only directory
    for the WAL files) is not the same as corrupt."""
    if isinstance(exc, sqlite3.OperationalError):
        return f"cannot open store {path}: {exc} (check the permissions of the file and its directory)"
    return f"store {path} is corrupt or not a SQLite database: {exc}"


def check_sqlite_file(path: Path) -> None:
    """Fail with a clear message before SQLAlchemy does with a traceback-sized one."""
    if not path.exists():
        raise StoreError(f"no store at {path}: run `hotline init --seat CODE` or `hotline demo` first")
    try:
        with open(path, "rb") as fh:
            header = fh.read(16)
    except OSError as exc:
        raise StoreError(f"cannot read store {path}: {exc.strerror}")
    if header and header != b"SQLite format 3\x00":
        raise StoreError(f"store {path} is not a SQLite database (corrupt or wrong file)")
    try:
        conn = sqlite3.connect(path)
        try:
            ok = conn.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise StoreError(store_problem(path, exc))
    if ok != "ok":
        raise StoreError(f"store {path} is corrupt: {ok}")
