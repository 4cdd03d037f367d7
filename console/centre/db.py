"""The centre's tables (SQLAlchemy Core) and engine: the same code on SQLite and PostgreSQL.

`c_counter` holds the single global `seq` row. A writer of the log takes its lock as the last step
of its transaction (an UPDATE on PostgreSQL, console/centre/append.py; BEGIN IMMEDIATE on SQLite
holds the whole file from the start) and keeps it until commit, so commits happen in `seq` order
and a reader polling `seq > N` never skips a row.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
)
from sqlalchemy.engine import Connection, Engine

from console.domain import limits as lim

metadata = MetaData()

counters = Table(
    "c_counter", metadata,
    Column("name", String(32), primary_key=True),  # seq | fence | reference | seats (enrolments)
    Column("value", BigInteger, nullable=False),
)

events = Table(
    "c_events", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    # Sized from the domain's limits: an event decide() accepts always fits.
    Column("id", String(lim.ID_MAX), nullable=False, unique=True),
    Column("order_no", String(lim.ORDER_MAX), nullable=False, index=True),
    Column("kind", String(lim.KIND_MAX), nullable=False),
    Column("payload", Text, nullable=False),
    Column("operator", String(lim.OPERATOR_MAX), nullable=False),
    Column("role", String(16), nullable=False),
    Column("unit", String(lim.UNIT_MAX)),
    Column("seat", String(lim.SEAT_MAX), nullable=False),
    Column("seat_seq", BigInteger, nullable=False),
    Column("hlc", String(lim.STAMP_MAX), nullable=False),
    Column("at", String(lim.STAMP_MAX), nullable=False),
    Column("recorded_at", String(lim.STAMP_MAX), nullable=False),
    Column("received_at", String(lim.STAMP_MAX), nullable=False),
    Column("status", String(10), nullable=False),  # accepted | rejected
    Column("reason", Text),
    Column("code", String(32)),
    UniqueConstraint("seat", "seat_seq", name="uq_c_events_seat_seq"),
)

orders = Table(
    "c_orders", metadata,
    Column("number", String(64), primary_key=True),
    Column("status", String(24), nullable=False, index=True),
    Column("lead_unit", String(32), nullable=False, index=True),
    Column("last_seq", BigInteger, nullable=False),
    Column("state", Text, nullable=False),  # OrderState JSON: the fold of its accepted events
)

seats = Table(
    "c_seats", metadata,
    Column("seat", String(32), primary_key=True),
    Column("roles", String(200), nullable=False),  # comma-separated roles its operators may act in
    Column("unit", String(32)),  # for unit tokens: the unit they speak for
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("next_seat_seq", BigInteger, nullable=False),
    Column("enrolled_at", String(32), nullable=False),
    Column("last_seen", String(32)),
)

# Operator accounts: who may act in which roles. Only a verifier of the password (console/wire/passwords.py).
operators = Table(
    "c_operators", metadata,
    Column("operator", String(20), primary_key=True),
    Column("name", String(40), nullable=False),
    Column("roles", String(200), nullable=False),  # comma-separated seat roles
    Column("verifier", String(200), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
)

leases = Table(
    "c_leases", metadata,
    Column("order_no", String(64), primary_key=True),
    Column("seat", String(32), nullable=False),
    Column("operator", String(64), nullable=False),
    Column("fence", BigInteger, nullable=False),
    Column("expires_at", BigInteger, nullable=False),  # epoch ms
)

units = Table(
    "c_units", metadata,
    Column("code", String(32), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("short", String(100), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("phone", String(40), nullable=False),
    Column("keywords", Text, nullable=False),  # JSON list
    Column("initials", String(100), nullable=False),
    Column("area", String(100), nullable=False),
    Column("version", BigInteger, nullable=False),  # the reference counter when last published
    Column("short_initials", String(100), nullable=False, server_default=""),  # 住建局 -> zjj
)

# Knowledge base published to every seat: the record as JSON (console.wire.kb_records), versioned by
# the `reference` counter so a seat asks only for what changed since its last pull.
kb_articles = Table(
    "c_kb_articles", metadata,
    Column("id", String(64), primary_key=True),
    Column("data", Text, nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
)

kb_announcements = Table(
    "c_kb_announcements", metadata,
    Column("id", String(64), primary_key=True),
    Column("data", Text, nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
)

# Whole documents published to every seat (today: the taxonomy), as JSON, same versioning.
reference_docs = Table(
    "c_reference_docs", metadata,
    Column("name", String(64), primary_key=True),
    Column("data", Text, nullable=False),
    Column("version", BigInteger, nullable=False, index=True),
)


def normalise_url(db: str) -> str:
    """`--db` accepts a SQLAlchemy URL or a plain file path (SQLite)."""
    if "://" in db:
        return db
    return f"sqlite:///{Path(db).expanduser().resolve()}"


def make_engine(db: str) -> Engine:
    url = normalise_url(db)
    if url.startswith("sqlite"):
        from console.wire.sqlite import sqlite_engine

        # Writing transactions ask for conn.info["immediate"]: the write lock up front, and a
        # busy lock waits 10 s, then 503, before the seat gives up.
        return sqlite_engine(url, foreign_keys=False)
    # No ping before each use: it is a round trip per push, and a push's round trips are what
    # its throughput is made of (append.py). A connection the database dropped fails its first
    # statement instead; SQLAlchemy then discards the pool's connections, the caller answers 503
    # and the seat retries.
    return create_engine(url, pool_size=10, max_overflow=20)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


FOLLOWED = ("seq", "reference", "seats")  # the counters a centre process's tail follows
_channels: dict[str, str] = {}


def channel(conn) -> str:
    """The NOTIFY channel of this centre: one per PostgreSQL schema, since channels are per database
    and several centres (or test runs) may keep their tables in schemas of one database."""
    import hashlib

    key = str(conn.engine.url)
    if key not in _channels:
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar() or "public"
        _channels[key] = "hotline_" + hashlib.sha256(schema.encode()).hexdigest()[:16]
    return _channels[key]


def announce(conn) -> None:
    """Tell the other centre processes, at commit, that this transaction moved a followed counter
    (PostgreSQL NOTIFY, delivered in commit order; SQLite has one process and its timer)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_notify('{channel(conn)}', '')")


def create_all(engine: Engine) -> None:
    """Create the schema, or bring an older one up to date in place (Alembic: console/centre/schema.py)."""
    from console.centre.schema import migrate

    migrate(engine)


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A write transaction that takes SQLite's write lock up front (BEGIN IMMEDIATE, as every
    centre writer does): a read-then-write in a deferred transaction fails at once with "database
    is locked" when another writer holds the lock, without waiting for it."""
    with engine.connect() as conn:
        conn.info["immediate"] = True
        with conn.begin():
            yield conn
