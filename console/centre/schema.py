"""The centre's schema, migrated in place with Alembic (console/centre/migrations/versions, one
file per revision). `hotline centre init` and `hotline centre migrate` upgrade a database to this
release's head; every other command, `serve` included, refuses a database behind it (running
several centre processes, one of them must not change the schema under the others).

The baseline revision is the schema deployed before migrations; it is idempotent, so a database
made by any earlier release (no version table yet) is brought up by the same upgrade.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine

VERSION_TABLE = "c_alembic_version"
_SCRIPTS = str(Path(__file__).resolve().parent / "migrations")


class SchemaBehind(Exception):
    pass


def _config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", _SCRIPTS)
    cfg.attributes["connection"] = connection
    return cfg


def head() -> str:
    from alembic.script import ScriptDirectory

    found = ScriptDirectory.from_config(_config()).get_current_head()
    assert found is not None
    return found


def current(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty or pre-migration database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()


def migrate(engine: Engine) -> tuple[str | None, str]:
    """Upgrade in place to this release's head: (revision before, revision after)."""
    from alembic import command

    before = current(engine)
    with engine.begin() as conn:
        command.upgrade(_config(conn), "head")
    return before, head()


def require_current(engine: Engine) -> None:
    """SchemaBehind unless the database is at this release's head."""
    at, want = current(engine), head()
    if at != want:
        raise SchemaBehind(f"the centre database is at schema {at or 'before migrations'}, this release needs "
                           f"{want}: run `hotline centre migrate` (with the centre processes stopped)")
