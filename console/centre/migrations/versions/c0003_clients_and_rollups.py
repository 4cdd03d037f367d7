"""The gateways', telephone systems' and Open311 clients' tables with the channel messages and
call records (issue 14), and the figures' rollups (issue 15). Each table is created only when
missing: a centre that ran a development build of either already has them.

Revision ID: c0003
Revises: c0002
"""

from alembic import op

revision = "c0003"
down_revision = "c0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from console.centre import db
    from console.centre.client_tables import client_metadata
    from console.centre.rollups import TABLES

    bind = op.get_bind()
    client_metadata.create_all(bind, checkfirst=True)
    db.metadata.create_all(bind, tables=list(TABLES), checkfirst=True)
