"""The centre's schema is migrated in place with Alembic (issue 12): a database made by the
release before migrations (tests/legacy_centre_schema.py, a frozen copy of its tables) is refused
by `serve` and every other command with the command that upgrades it, and `hotline centre
migrate` brings it to this release keeping every seat, order and event."""

from __future__ import annotations

import httpx
import pytest
from legacy_centre_schema import create_all as legacy_create_all
from sync_support import centre_db

from console.centre import schema
from console.centre.db import make_engine
from console.centre.service import Centre
from console.cli import main
from console.units_source import load_units
from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def legacy_db(request, tmp_path):
    with centre_db(request.param, tmp_path) as url:
        engine = make_engine(url)
        legacy_create_all(engine)
        old = Centre(engine)  # the calls that release made, on its own tables
        old.publish_units(load_units())
        token = old.enroll("S07", "agent,dispatcher")
        engine.dispose()
        yield url, token


def test_an_unmigrated_database_is_refused_then_migrated_in_place(legacy_db, capsys):
    """R-34 (the record keeps everything): after `hotline centre migrate` the seat enrolled before
    still signs in with its token, the units are there, the log checks clean."""
    url, token = legacy_db
    engine = make_engine(url)
    assert schema.current(engine) is None
    for command in (["centre", "seats"], ["centre", "serve", "--port", "1"], ["centre", "enroll", "S08", "--role", "agent"]):
        assert main([*command, "--db", url]) == 1
        err = capsys.readouterr().err
        assert "schema before migrations" in err and f"hotline centre migrate --db {url}" in err, command
        assert "Traceback" not in err
    assert main(["centre", "migrate", "--db", url]) == 0
    assert f"schema before migrations -> {schema.head()}" in capsys.readouterr().out
    assert schema.current(engine) == schema.head()
    assert main(["centre", "migrate", "--db", url]) == 0  # again: nothing to do
    assert f"{schema.head()} -> {schema.head()}" in capsys.readouterr().out
    centre = Centre(engine)
    assert centre.authenticate(token).seat == "S07"
    assert "U001" in {u["code"] for u in centre.reference(0)["units"]}
    assert centre.check() == []
    from console.centre.local import LocalCentre

    with LocalCentre(centre) as server:  # served after the migration: the token works over HTTP
        answer = httpx.get(f"{server.url}/v1/sync/pull", params={"after": 0}, timeout=10,
                           headers={PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and answer.json()["events"] == []
        centre.enroll("S08", "agent")  # the `seats` counter the migration added moves
    engine.dispose()


def test_init_makes_a_database_at_this_releases_schema(tmp_path):
    db = str(tmp_path / "centre.db")
    assert main(["centre", "init", "--db", db]) == 0
    assert schema.current(make_engine(db)) == schema.head()
