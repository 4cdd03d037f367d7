"""Sync tables (schema v3). Filled in by the sync issue."""

from sqlalchemy.engine import Connection


def create_sync_tables(conn: Connection) -> None:
    pass
