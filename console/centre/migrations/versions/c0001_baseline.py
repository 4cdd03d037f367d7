"""Baseline: the centre's schema as deployed before migrations (commit e663478).

Idempotent, so it also brings any earlier, unversioned centre database to that schema in place:
each table is created only when missing, and c_units.short_initials (added by a release before
this one) is added and filled when missing. Later changes are revisions of their own, one file each.

Revision ID: c0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "c0001"
down_revision = None
branch_labels = None
depends_on = None

# The limits the columns had at the baseline (console/domain/limits.py then), frozen here.
ID_MAX, ORDER_MAX, KIND_MAX, OPERATOR_MAX, UNIT_MAX, SEAT_MAX, STAMP_MAX = 40, 64, 40, 64, 32, 32, 32


def _tables() -> dict[str, tuple]:
    S, T, B = sa.String, sa.Text, sa.BigInteger
    return {
        "c_counter": (sa.Column("name", S(32), primary_key=True), sa.Column("value", B, nullable=False)),
        "c_events": (
            sa.Column("seq", B, primary_key=True, autoincrement=False),
            sa.Column("id", S(ID_MAX), nullable=False, unique=True),
            sa.Column("order_no", S(ORDER_MAX), nullable=False, index=True),
            sa.Column("kind", S(KIND_MAX), nullable=False),
            sa.Column("payload", T, nullable=False),
            sa.Column("operator", S(OPERATOR_MAX), nullable=False),
            sa.Column("role", S(16), nullable=False),
            sa.Column("unit", S(UNIT_MAX)),
            sa.Column("seat", S(SEAT_MAX), nullable=False),
            sa.Column("seat_seq", B, nullable=False),
            sa.Column("hlc", S(STAMP_MAX), nullable=False),
            sa.Column("at", S(STAMP_MAX), nullable=False),
            sa.Column("recorded_at", S(STAMP_MAX), nullable=False),
            sa.Column("received_at", S(STAMP_MAX), nullable=False),
            sa.Column("status", S(10), nullable=False),
            sa.Column("reason", T),
            sa.Column("code", S(32)),
            sa.UniqueConstraint("seat", "seat_seq", name="uq_c_events_seat_seq"),
        ),
        "c_orders": (
            sa.Column("number", S(64), primary_key=True),
            sa.Column("status", S(24), nullable=False, index=True),
            sa.Column("lead_unit", S(32), nullable=False, index=True),
            sa.Column("last_seq", B, nullable=False),
            sa.Column("state", T, nullable=False),
        ),
        "c_seats": (
            sa.Column("seat", S(32), primary_key=True),
            sa.Column("roles", S(200), nullable=False),
            sa.Column("unit", S(32)),
            sa.Column("token_hash", S(64), nullable=False, unique=True),
            sa.Column("revoked", sa.Boolean, nullable=False),
            sa.Column("next_seat_seq", B, nullable=False),
            sa.Column("enrolled_at", S(32), nullable=False),
            sa.Column("last_seen", S(32)),
        ),
        "c_operators": (
            sa.Column("operator", S(20), primary_key=True),
            sa.Column("name", S(40), nullable=False),
            sa.Column("roles", S(200), nullable=False),
            sa.Column("verifier", S(200), nullable=False),
            sa.Column("active", sa.Boolean, nullable=False),
            sa.Column("created_at", S(32), nullable=False),
            sa.Column("updated_at", S(32), nullable=False),
        ),
        "c_leases": (
            sa.Column("order_no", S(64), primary_key=True),
            sa.Column("seat", S(32), nullable=False),
            sa.Column("operator", S(64), nullable=False),
            sa.Column("fence", B, nullable=False),
            sa.Column("expires_at", B, nullable=False),
        ),
        "c_units": (
            sa.Column("code", S(32), primary_key=True),
            sa.Column("name", S(200), nullable=False),
            sa.Column("short", S(100), nullable=False),
            sa.Column("kind", S(16), nullable=False),
            sa.Column("phone", S(40), nullable=False),
            sa.Column("keywords", T, nullable=False),
            sa.Column("initials", S(100), nullable=False),
            sa.Column("area", S(100), nullable=False),
            sa.Column("version", B, nullable=False),
            sa.Column("short_initials", S(100), nullable=False, server_default=""),
        ),
        "c_kb_articles": (sa.Column("id", S(64), primary_key=True), sa.Column("data", T, nullable=False),
                          sa.Column("version", B, nullable=False, index=True)),
        "c_kb_announcements": (sa.Column("id", S(64), primary_key=True), sa.Column("data", T, nullable=False),
                               sa.Column("version", B, nullable=False, index=True)),
        "c_reference_docs": (sa.Column("name", S(64), primary_key=True), sa.Column("data", T, nullable=False),
                             sa.Column("version", B, nullable=False, index=True)),
    }


def upgrade() -> None:
    conn = op.get_bind()
    have = set(sa.inspect(conn).get_table_names())
    for name, columns in _tables().items():
        if name not in have:
            op.create_table(name, *columns)
    if "c_units" in have and "short_initials" not in {c["name"] for c in sa.inspect(conn).get_columns("c_units")}:
        from console.pinyin import initials

        op.add_column("c_units", sa.Column("short_initials", sa.String(100), nullable=False, server_default=""))
        units = sa.table("c_units", sa.column("code"), sa.column("short"), sa.column("short_initials"))
        for code, short in conn.execute(sa.select(units.c.code, units.c.short)).all():
            conn.execute(units.update().where(units.c.code == code).values(short_initials=initials(short)))
    counters = sa.table("c_counter", sa.column("name"), sa.column("value"))
    present = {r[0] for r in conn.execute(sa.select(counters.c.name))}
    for name in ("seq", "fence", "reference"):
        if name not in present:
            conn.execute(counters.insert().values(name=name, value=0))
