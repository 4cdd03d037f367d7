"""`hotline centre ...` commands on a real database file."""

from __future__ import annotations

import json

from console.cli import main


def test_init_enroll_list_revoke_and_check(tmp_path, capsys):
    db = str(tmp_path / "c" / "centre.db")
    assert main(["centre", "enroll", "S07", "--role", "all", "--db", db]) == 1
    assert "hotline centre init" in capsys.readouterr().err
    assert main(["centre", "init", "--db", db]) == 0
    assert main(["centre", "init", "--db", db]) == 0  # idempotent
    capsys.readouterr()
    assert main(["centre", "enroll", "S07", "--role", "agent,dispatcher", "--db", db]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("hl1_") and len(token) > 30
    assert main(["centre", "enroll", "S08", "--role", "boss", "--db", db]) == 2
    assert "unknown role 'boss'" in capsys.readouterr().err
    assert main(["centre", "enroll", "S09", "--role", "agent", "--unit", "U001", "--db", db]) == 2
    capsys.readouterr()
    assert main(["centre", "seats", "--json", "--db", db]) == 0
    (seat,) = json.loads(capsys.readouterr().out)
    assert seat["seat"] == "S07" and seat["roles"] == "agent,dispatcher" and not seat["revoked"]
    assert main(["centre", "revoke", "S07", "--db", db]) == 0
    assert main(["centre", "revoke", "S99", "--db", db]) == 1
    assert main(["centre", "check", "--db", db]) == 0
    assert "consistent" in capsys.readouterr().out


def test_an_unreachable_database_is_one_clear_line(tmp_path, capsys):
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    assert main(["centre", "init", "--db", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hotline: cannot open centre database") and "Traceback" not in err


def test_a_centre_database_from_an_older_release_is_brought_up_to_date(tmp_path, capsys):
    """c_units.short_initials came later: `hotline centre migrate` adds and fills it on an older
    database, and the published directory carries it (住建局 types ahead as zjj on every seat)."""
    import sqlite3

    from console.centre.db import make_engine
    from console.centre.service import Centre

    db = str(tmp_path / "centre.db")
    assert main(["centre", "init", "--db", db]) == 0
    with sqlite3.connect(db) as conn:
        conn.execute("ALTER TABLE c_units DROP COLUMN short_initials")
        conn.execute("DROP TABLE c_alembic_version")  # as that release left it: before migrations
    assert main(["centre", "seats", "--db", db]) == 1
    assert "hotline centre migrate" in capsys.readouterr().err
    assert main(["centre", "migrate", "--db", db]) == 0
    with sqlite3.connect(db) as conn:
        assert "short_initials" in {r[1] for r in conn.execute("PRAGMA table_info(c_units)")}
    units = Centre(make_engine(db)).reference(0)["units"]
    assert {u["code"]: u["short_initials"] for u in units}["U001"] == "zjj"
    capsys.readouterr()
