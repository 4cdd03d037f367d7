"""`hotline calendar ...` through console.cli.main."""

from __future__ import annotations

import json

import pytest
from calendars import make_2027_provisional

from console.cli import main
from console.paths import admin_calendar_dir

NOTICE_2027 = (
    'year = 2027\nofficial = true\nsource = "国办发明电〔2026〕测试号"\n'
    'holidays = ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09",'
    ' "2027-02-10", "2027-02-11", "2027-02-12"]\n'
    'makeup_workdays = ["2027-02-20"]\n'
)


@pytest.fixture
def data(tmp_path, monkeypatch):
    # Never touch the real platform data dir, even if --data-dir were forgotten.
    monkeypatch.setenv("HOTLINE_DATA_DIR", str(tmp_path / "env-data"))
    make_2027_provisional(tmp_path / "data")  # tests/calendars.py: not what the library knows
    return tmp_path / "data"


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_workdays_text(capsys, data):
    code, out, err = run(capsys, "calendar", "workdays", "2026-09-29", "5", "--data-dir", str(data))
    assert (code, out, err) == (0, "2026-10-12\n", "")


def test_workdays_json(capsys, data):
    code, out, _ = run(capsys, "--data-dir", str(data), "calendar", "workdays", "2026-11-23", "5",
                       "--json")
    assert code == 0
    assert json.loads(out) == {"start": "2026-11-23", "n": 5, "date": "2026-11-30",
                               "provisional": False}


def test_workdays_provisional_2027(capsys, data):
    code, out, _ = run(capsys, "calendar", "workdays", "2027-02-04", "1", "--data-dir", str(data))
    assert code == 0
    assert out == "2027-02-09 (provisional: no official schedule for 2027)\n"
    code, out, _ = run(capsys, "calendar", "workdays", "2027-02-04", "1", "--json",
                       "--data-dir", str(data))
    assert json.loads(out)["provisional"] is True


@pytest.mark.parametrize("bad", ["2026-13-01", "2026/11/28", "tomorrow", "2026-02-30"])
def test_workdays_bad_date(capsys, data, bad):
    code, out, err = run(capsys, "calendar", "workdays", bad, "3", "--data-dir", str(data))
    assert code == 2 and out == ""
    assert err == f"hotline: bad date '{bad}': expected YYYY-MM-DD\n"
    assert "Traceback" not in err


@pytest.mark.parametrize("bad", ["x", "-1", "1.5"])
def test_workdays_bad_count(capsys, data, bad):
    code, _, err = run(capsys, "calendar", "workdays", "2026-11-23", bad, "--data-dir", str(data))
    assert code == 2 and f"bad number '{bad}'" in err


@pytest.mark.parametrize(
    "created, mode, expected",
    [
        ("2026-11-28 16:59", "daily", "2026-11-28 17:00:00"),
        ("2026-11-28T16:59:00", "daily", "2026-11-28 17:00:00"),
        ("2026-11-28 17:00", "daily", "2026-11-29 12:00:00"),
        ("2026-11-28 08:30", "daily", "2026-11-28 17:00:00"),
        ("2026-11-28 02:10:30", "daily", "2026-11-28 12:00:00"),
        ("2026-11-28 16:59", "12h", "2026-11-29 04:59:00"),
    ],
)
def test_cutoff_text(capsys, data, created, mode, expected):
    code, out, _ = run(capsys, "calendar", "cutoff", created, "--mode", mode, "--data-dir", str(data))
    assert (code, out) == (0, expected + "\n")


def test_cutoff_json(capsys, data):
    code, out, _ = run(capsys, "calendar", "cutoff", "2026-11-28 17:00", "--json")
    assert code == 0
    assert json.loads(out) == {"created": "2026-11-28T17:00:00", "mode": "daily",
                               "cutoff": "2026-11-29T12:00:00"}


@pytest.mark.parametrize("bad", ["2026-11-28", "2026-11-28 25:00", "now", "2026-11-28 9:00"])
def test_cutoff_bad_datetime(capsys, data, bad):
    code, _, err = run(capsys, "calendar", "cutoff", bad)
    assert code == 2
    assert err.startswith(f"hotline: bad date-time '{bad}'") and "Traceback" not in err


def test_status(capsys, data):
    code, out, _ = run(capsys, "calendar", "status", "--data-dir", str(data))
    assert code == 0
    lines = out.splitlines()
    assert any(line.startswith("2026  official") and "chinese-calendar" in line for line in lines)
    assert any(line.startswith("2027  provisional") for line in lines)
    code, out, _ = run(capsys, "calendar", "status", "--json", "--data-dir", str(data))
    rows = {r["year"]: r for r in json.loads(out)}
    assert rows[2026]["official"] is True and rows[2027]["official"] is False


def test_add_year_makes_2027_official(capsys, data, tmp_path):
    notice = tmp_path / "notice.toml"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    code, out, err = run(capsys, "calendar", "add-year", str(notice), "--data-dir", str(data))
    assert code == 0, err
    assert "added 2027 (official" in out
    assert (admin_calendar_dir(data) / "2027.toml").read_text(encoding="utf-8") == NOTICE_2027

    code, out, _ = run(capsys, "calendar", "workdays", "2027-02-04", "1", "--data-dir", str(data))
    assert out == "2027-02-15\n"
    code, out, _ = run(capsys, "calendar", "status", "--json", "--data-dir", str(data))
    row = {r["year"]: r for r in json.loads(out)}[2027]
    assert row == {"year": 2027, "official": True, "source": "国办发明电〔2026〕测试号"}


def test_add_year_re_evaluates_the_stores_deadlines(capsys, data, tmp_path):
    """A real demo store in the data dir: the deadlines estimated over 2027 (预估) become official."""
    import re

    from sqlalchemy import text

    from console.store import Store

    code, out, err = run(capsys, "demo", "--seat", "S01", "--data-dir", str(data))
    assert code == 0, err

    def provisional() -> int:
        store = Store.open(data)
        with store.engine.connect() as conn:
            n = conn.execute(text("SELECT count(*) FROM orders WHERE unit_due_provisional")).scalar_one()
        store.close()
        return n

    before = provisional()
    notice = tmp_path / "notice.toml"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    code, out, _ = run(capsys, "calendar", "add-year", str(notice), "--data-dir", str(data))
    assert code == 0
    changed = int(re.search(r"re-evaluated deadlines of (\d+) orders", out).group(1))
    assert provisional() == 0 and changed >= before


def test_add_year_bad_file(capsys, data, tmp_path):
    notice = tmp_path / "broken.toml"
    notice.write_text('year = 2027\nofficial = true\nsource = "n"\nholidays = ["2027-02-31"]\n',
                      encoding="utf-8")
    code, out, err = run(capsys, "calendar", "add-year", str(notice), "--data-dir", str(data))
    assert code == 2 and out == ""
    assert "broken.toml, line 4" in err and "'holidays'" in err and "Traceback" not in err
    kept = (admin_calendar_dir(data) / "2027.toml").read_text(encoding="utf-8")
    assert "official = false" in kept  # the provisional file the fixture wrote, not the bad notice


def test_add_year_missing_file(capsys, data, tmp_path):
    code, _, err = run(capsys, "calendar", "add-year", str(tmp_path / "nope.toml"),
                       "--data-dir", str(data))
    assert code == 2 and "nope.toml" in err


def test_broken_admin_file_is_reported_not_raised(capsys, data):
    admin = admin_calendar_dir(data)
    (admin / "2027.toml").write_text("year = 2027\n", encoding="utf-8")
    code, _, err = run(capsys, "calendar", "workdays", "2026-11-23", "1", "--data-dir", str(data))
    assert code == 2 and "2027.toml" in err and "missing field" in err
