"""Seat and centre decide alike: a (re)dispatch's time limit is decided once, when it is recorded,
and travels in its payload, so a seat configured differently from the centre still folds every
order to the centre's state, deadlines included. Older events without it fold as before."""

from __future__ import annotations

import json
from datetime import timedelta

from sync_support import (
    BASE_TIME,
    DISPATCHER,
    UNITS,
    assert_converged,
    client,
    create_order,
    make_seat,
)

from console.cli import main
from console.domain.order import Event, fold
from console.domain.roles import Actor, Role
from console.domain.settings import DEFAULT_RULES
from console.store import NewEvent, Store
from console.sync.session import sync_once

CONFIG = 'max_extension_days = 10\n\n[limits."求助"]\ngeneral = 3\n'  # the seat's own, not the centre's


def configured_seat(tmp_path, centre, server, code: str = "S01") -> Store:
    make_seat(tmp_path, code, centre, server.url).close()
    (tmp_path / code / "config.toml").write_text(CONFIG, encoding="utf-8")
    store = Store.open(tmp_path / code)
    assert store.rules.limit_days("求助", "general") == 3 and store.rules.max_extension_days == 10
    return store


def test_a_configured_seat_and_the_centre_fold_a_dispatch_alike(served_centre, tmp_path, capsys):
    centre, server, url = served_centre
    store = configured_seat(tmp_path, centre, server)
    number = create_order(store)  # nature 求助
    assert store.record([NewEvent("dispatched", {"lead_unit": UNITS[0]}, DISPATCHER, number,
                                  at=BASE_TIME + timedelta(hours=1))]).ok
    unit = Actor("U-1", Role.UNIT, unit=UNITS[0])
    # 9 days: within the seat's cap of 10, over the centre's 7; the centre's answer is final
    assert store.record([NewEvent("extension_requested", {"days": 9, "reason": "需要协调多个部门"}, unit, number,
                                  at=BASE_TIME + timedelta(hours=2))]).ok
    report = sync_once(store, client(store))
    assert (report.accepted, report.rejected) == (2, 1)
    assert centre.order_states()[number].limit_days == 3  # the seat's decision, carried in the payload
    assert_converged(centre, [store])
    store.close()
    assert main(["--data-dir", str(tmp_path / "S01"), "orders", "show", number, "--json"]) == 0
    seat = json.loads(capsys.readouterr().out)
    assert main(["centre", "orders", "show", number, "--json", "--db", url]) == 0
    at_centre = json.loads(capsys.readouterr().out)
    assert at_centre["order"] == seat["order"] and at_centre["deadlines"] == seat["deadlines"]
    assert seat["events"][1]["payload"]["limit_days"] == 3


def test_an_older_dispatch_without_a_time_limit_folds_from_the_rules():
    agent, dispatcher = Actor("A101", Role.AGENT, "S01"), Actor("D201", Role.DISPATCHER, "S01")
    created = Event.of("created", "20261127-S01-0001", {
        "caller_name": "张明", "caller_title": "先生", "phone": "13812345678", "address": "幸福路88号",
        "description": "小区停水三天了，没有任何通知", "nature": "求助", "content_path": ["城建环保", "供水"],
        "disposition": "transfer"}, BASE_TIME, agent)
    old = Event.of("dispatched", created.order, {"lead_unit": "U001"}, BASE_TIME + timedelta(hours=1), dispatcher)
    state = fold([created, old], DEFAULT_RULES)
    assert state is not None and state.limit_days == 5
    new = Event.of("dispatched", created.order, {"lead_unit": "U001", "limit_days": 3}, old.at, dispatcher)
    assert fold([created, new], DEFAULT_RULES).limit_days == 3  # what was recorded, whatever the rules now


def test_sync_status_shows_the_reference_version_the_seat_runs_on(served_centre, tmp_path, capsys):
    centre, server, _ = served_centre
    store = make_seat(tmp_path, "S01", centre, server.url)
    assert main(["--data-dir", str(tmp_path / "S01"), "sync", "status"]) == 0
    assert "reference data: shipped (never fetched from a centre)" in capsys.readouterr().out
    sync_once(store, client(store))
    store.close()
    assert main(["--data-dir", str(tmp_path / "S01"), "sync", "status", "--json"]) == 0
    version = json.loads(capsys.readouterr().out)["reference_version"]
    assert version == centre.reference_version() > 0
    assert main(["--data-dir", str(tmp_path / "S01"), "sync", "status"]) == 0
    assert f"reference data: version {version} from the centre" in capsys.readouterr().out


PUBLISHED = 'max_extension_days = 5\ncallback_days = 2\n\n[limits."求助"]\ngeneral = 4\n'


def test_rules_the_centre_publishes_are_the_rules_every_seat_decides_with(served_centre, tmp_path, capsys):
    centre, server, url = served_centre
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(PUBLISHED, encoding="utf-8")
    assert main(["centre", "rules", "publish", str(rules_file), "--db", url]) == 0
    assert "rules published" in capsys.readouterr().out
    store = configured_seat(tmp_path, centre, server)  # its own config.toml says 3 days, cap 10
    sync_once(store, client(store))
    assert store.rules.limit_days("求助", "general") == 4 and store.rules.max_extension_days == 5
    assert store.rules.callback_days == 2
    number = create_order(store)
    assert store.record([NewEvent("dispatched", {"lead_unit": UNITS[0]}, DISPATCHER, number,
                                  at=BASE_TIME + timedelta(hours=1))]).ok
    unit = Actor("U-1", Role.UNIT, unit=UNITS[0])
    refused = store.record([NewEvent("extension_requested", {"days": 6, "reason": "需要协调多个部门"}, unit, number,
                                     at=BASE_TIME + timedelta(hours=2))])
    assert not refused.ok and refused.code == "days"  # the seat refuses it itself now, as the centre would
    sync_once(store, client(store))
    assert centre.order_states()[number].limit_days == 4
    assert_converged(centre, [store])
    store.close()
    assert main(["--data-dir", str(tmp_path / "S01"), "sync", "status"]) == 0
    assert "rules: as the centre published them" in capsys.readouterr().out


def test_a_rules_file_with_a_key_that_is_not_a_rule_is_refused(served_centre, tmp_path, capsys):
    _, _, url = served_centre
    bad = tmp_path / "rules.toml"
    bad.write_text('hotline_name = "市长热线"\n', encoding="utf-8")
    assert main(["centre", "rules", "publish", str(bad), "--db", url]) != 0
    assert "hotline_name is not a rule the centre publishes" in capsys.readouterr().err
    bad.write_text("max_extension_days = 99\n", encoding="utf-8")
    assert main(["centre", "rules", "publish", str(bad), "--db", url]) != 0
    assert "line 1: max_extension_days" in capsys.readouterr().err


YEAR_2027 = ('year = 2027\nofficial = true\nsource = "国办发明电〔2026〕X号 (test)"\n'
             'holidays = ["2027-01-01", "2027-01-04", "2027-01-05", "2027-01-06", "2027-01-07", "2027-01-08"]\n'
             'makeup_workdays = []\n')


def test_a_calendar_year_added_at_the_centre_moves_every_seats_deadlines_at_its_next_pull(
        served_centre, tmp_path, capsys):
    from datetime import datetime

    from calendars import make_2027_provisional

    centre, server, url = served_centre
    store = make_seat(tmp_path, "S01", centre, server.url)
    store.close()
    make_2027_provisional(tmp_path / "S01")  # the seat's own idea of 2027: an estimate
    store = Store.open(tmp_path / "S01")
    number = create_order(store, at=datetime(2026, 12, 30, 9, 0))
    assert store.record([NewEvent("dispatched", {"lead_unit": UNITS[0]}, DISPATCHER, number,
                                  at=datetime(2026, 12, 30, 10, 0))]).ok
    sync_once(store, client(store))
    before = store.order_row(number)
    assert before["unit_due_provisional"]
    year_file = tmp_path / "2027.toml"
    year_file.write_text(YEAR_2027, encoding="utf-8")
    assert main(["centre", "calendar", "add-year", str(year_file), "--db", url]) == 0
    assert "published 2027 (official" in capsys.readouterr().out
    sync_once(store, client(store))  # the next pull
    after = store.order_row(number)
    assert not after["unit_due_provisional"] and after["unit_due"] > before["unit_due"]
    store.close()
    assert main(["--data-dir", str(tmp_path / "S01"), "orders", "show", number, "--json"]) == 0
    seat = json.loads(capsys.readouterr().out)
    assert main(["centre", "orders", "show", number, "--json", "--db", url]) == 0
    assert json.loads(capsys.readouterr().out)["deadlines"] == seat["deadlines"]


RANKING = ('[ranking.weights]\nsatisfaction = 1\nclose_rate = 0\n\n'
           '[ranking.peer_groups]\nbureau = "委办局"\ndistrict = "区县"\n')


def test_the_ranking_the_centre_publishes_ranks_the_units_on_every_seat(served_centre, tmp_path, capsys):
    """The ranking's weights and peer groups (docs/figures.md, 考核) are rules the centre publishes:
    a seat uses them after its next pull, and so does `hotline centre stats units`. Weighted on
    满意率 alone, U001 (one callback, 满意) scores 100 and U002 (no callback) has no score; both
    bureaus rank in the published group 委办局. A bad ranking table is refused in one line."""
    from factories import CALLBACK

    centre, server, url = served_centre
    rules_file = tmp_path / "rules.toml"
    rules_file.write_text(RANKING, encoding="utf-8")
    assert main(["centre", "rules", "publish", str(rules_file), "--db", url]) == 0
    assert "ranking" in capsys.readouterr().out
    assert main(["centre", "rules", "show", "--db", url]) == 0
    assert json.loads(capsys.readouterr().out)["ranking"]["peer_groups"]["bureau"] == "委办局"
    store = make_seat(tmp_path, "S01", centre, server.url)
    a, b = create_order(store, 1), create_order(store, 2)
    at = BASE_TIME + timedelta(hours=1)
    steps = [("dispatched", {"lead_unit": "U001"}, DISPATCHER, a, at), ("dispatched", {"lead_unit": "U002"}, DISPATCHER, b, at),
             ("unit_replied", {"reply": "已修复"}, DISPATCHER, a, at + timedelta(hours=2)),
             ("reply_reviewed", {"accept": True}, DISPATCHER, a, at + timedelta(hours=2, minutes=30)),
             ("callback_attempted", {"outcome": "reached"}, CALLBACK, a, at + timedelta(hours=3)),
             ("callback_done", {"result": "满意"}, CALLBACK, a, at + timedelta(hours=3, minutes=1))]
    for kind, payload, actor, number, when in steps:
        done = store.record([NewEvent(kind, payload, actor, number, at=when)])
        assert done.ok, done.reason
    assert sync_once(store, client(store)).rejected == 0
    assert store.rules.ranking_weights == {"satisfaction": 1.0, "close_rate": 0.0}
    data = str(store.data_dir)
    store.close()
    tables = []
    for args in (["stats", "units", "--month", "2026-11", "--json", "--data-dir", data],
                 ["centre", "stats", "units", "--month", "2026-11", "--json", "--db", url, "--data-dir", data]):
        assert main(args) == 0
        rows = {r["unit"]: r for r in json.loads(capsys.readouterr().out)["units"]}
        assert (rows["U001"]["group"], rows["U001"]["score"], rows["U001"]["rank"]) == ("委办局", 100.0, 1)
        assert (rows["U002"]["group"], rows["U002"]["score"], rows["U002"]["rank"]) == ("委办局", None, None)
        tables.append(rows)
    assert tables[0] == tables[1]
    rules_file.write_text('[ranking.weights]\nspeed = 1\n', encoding="utf-8")
    assert main(["centre", "rules", "publish", str(rules_file), "--db", url]) != 0
    err = capsys.readouterr().err
    assert "ranking" in err and "speed" in err and len(err.strip().splitlines()) == 1
