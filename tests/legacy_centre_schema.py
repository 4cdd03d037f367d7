"""The centre schema as commit e663478 made it, before migrations: a frozen copy of that release's
console/centre/db.py tables (tests/test_centre_migrate.py creates a database with it and migrates it in place)."""
from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

counters = Table(
    "c_counter", metadata,
    Column("name", String(32), primary_key=True),  # seq | fence | reference
    Column("value", BigInteger, nullable=False),
)

events = Table(
    "c_events", metadata,
    Column("seq", BigInteger, primary_key=True, autoincrement=False),
    # The domain's limits of that release, as numbers.
    Column("id", String(40), nullable=False, unique=True),
    Column("order_no", String(64), nullable=False, index=True),
    Column("kind", String(40), nullable=False),
    Column("payload", Text, nullable=False),
    Column("operator", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("unit", String(32)),
    Column("seat", String(32), nullable=False),
    Column("seat_seq", BigInteger, nullable=False),
    Column("hlc", String(32), nullable=False),
    Column("at", String(32), nullable=False),
    Column("recorded_at", String(32), nullable=False),
    Column("received_at", String(32), nullable=False),
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



def create_all(engine) -> None:
    """What that release's `hotline centre init` made: the tables and the three counters."""
    with engine.begin() as conn:
        metadata.create_all(conn)
        for name in ("seq", "fence", "reference"):
            conn.execute(counters.insert().values(name=name, value=0))
