"""Knowledge-base tables (schema v2). Filled in by the knowledge-base issue."""

from sqlalchemy.engine import Connection


def create_kb_tables(conn: Connection) -> None:
    pass
