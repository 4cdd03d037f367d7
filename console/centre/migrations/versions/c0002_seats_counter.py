"""The `seats` counter: moved by every enrolment and revocation, so each centre process's tail
reloads the tokens it authenticates from (console/centre/tail.py).

Revision ID: c0002
Revises: c0001
"""

import sqlalchemy as sa
from alembic import op

revision = "c0002"
down_revision = "c0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    counters = sa.table("c_counter", sa.column("name"), sa.column("value"))
    conn = op.get_bind()
    if conn.execute(sa.select(counters.c.name).where(counters.c.name == "seats")).first() is None:
        conn.execute(counters.insert().values(name="seats", value=0))
