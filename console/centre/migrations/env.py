"""Alembic's environment for the centre: the connection comes from console/centre/schema.py
(no alembic.ini, no URL here); the version is kept in c_alembic_version."""

from alembic import context

from console.centre.schema import VERSION_TABLE

connection = context.config.attributes["connection"]
context.configure(connection=connection, version_table=VERSION_TABLE, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
