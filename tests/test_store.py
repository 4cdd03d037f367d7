"""The seat's SQLite store: one transaction per command, projection = fold, numbers, deadlines."""

from __future__ import annotations

from datetime import datetime

import pytest
from calendars import make_2027_provisional
from factories import AGENT, DISPATCHER, intake, unit
from sqlalchemy import text

from console.demo import fill_demo
from console.domain.order import Kind, Status
from console.store import NewEvent, Store, StoreError
from console.store.engine import write_transaction

MON = datetime(2026, 11, 23, 9, 15)


@pytest.fixture
def store(tmp_path):
    make_2027_provisional(tmp_path)  # tests/calendars.py: 2027 estimated, whatever the library knows
    s = Store.init(tmp_path, "S07")
    yield s
    s.close()


def create(store, at=MON, **overrides):
    result = store.record([NewEvent(Kind.CREATED, intake(**overrides), AGENT, at=at)])
    assert result.ok, result.reason
    return result.orders[0]


def test_store_runs_in_wal_with_full_sync_and_foreign_keys(store):
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_order_numbers_are_date_seat_counter_and_final(store):
    first = create(store)
    second = create(store)
    assert (first, second) == ("20261123-S07-0001", "20261123-S07-0002")
    assert create(store, at=datetime(2026, 11, 24, 0, 5)) == "20261124-S07-0001"


def test_event_projection_and_outbox_are_written_together(store):
    number = create(store)
    store.record([NewEvent(Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER, number, MON.replace(hour=10))])
    events = store.events_of(number)
    assert [e["kind"] for e in events] == ["created", "dispatched"]
    assert [e["seat_seq"] for e in events] == [1, 2]  # per-seat, gap-free
    assert store.outbox_count() == 2
    assert store.order_row(number)["status"] == "dispatched"


def test_a_rejected_command_writes_nothing(store):
    number = create(store)
    result = store.record([
        NewEvent(Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER, number),
        NewEvent(Kind.DISPATCHED, {"lead_unit": "U002"}, DISPATCHER, number),  # second dispatch: rejected
    ])
    assert not result.ok and result.index == 1 and "转办给 U001" in result.reason
    assert store.order_row(number)["status"] == "pending_dispatch"
    assert len(store.events_of(number)) == 1 and store.outbox_count() == 1
    assert store.meta("seat_seq") == "1"  # the sequence did not move: no gap


def test_R23_dispatch_cutoff_is_on_the_projection(store):
    assert store.order_row(create(store, at=datetime(2026, 11, 23, 16, 59)))["dispatch_due"] == "2026-11-23T17:00:00"
    assert store.order_row(create(store, at=datetime(2026, 11, 23, 17, 0)))["dispatch_due"] == "2026-11-24T12:00:00"


def test_R26_unit_due_is_on_the_projection(store):
    number = create(store)
    store.record([NewEvent(Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER, number, MON)])
    row = store.order_row(number)
    assert row["unit_due"] == "2026-11-30T23:59:59" and not row["unit_due_provisional"]


def test_2027_deadline_is_provisional_until_the_year_is_added(store, tmp_path):
    from console.calendar_source import add_year_file
    from console.store import recompute_deadlines

    at = datetime(2026, 12, 28, 10, 0)
    number = create(store, at=at)
    store.record([NewEvent(Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER, number, at)])
    row = store.order_row(number)
    assert row["unit_due"] == "2027-01-05T23:59:59" and row["unit_due_provisional"]  # 01-01 statutory
    year = tmp_path / "2027.toml"
    year.write_text(
        'year = 2027\nofficial = true\nsource = "国务院办公厅通知（测试）"\n'
        'holidays = ["2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"]\nmakeup_workdays = []\n',
        encoding="utf-8",
    )
    add_year_file(year, store.data_dir)
    assert recompute_deadlines(store.data_dir) == 1
    store.reload_calendar()
    row = store.order_row(number)
    assert row["unit_due"] == "2027-01-06T23:59:59" and not row["unit_due_provisional"]


def test_R11_callers_found_by_normalised_phone(store):
    create(store, phone="138 1234 5678")
    create(store, phone="+86 13812345678")
    assert len(store.caller_orders("138-1234-5678")) == 2


def test_R04_store_checks_the_configured_taxonomy(store):
    result = store.record([NewEvent(Kind.CREATED, intake(content_path=["城建环保", "不存在的分类"]), AGENT)])
    assert not result.ok and "分类表" in result.reason


def test_unit_codes_checked_against_the_directory(store):
    number = create(store)
    result = store.record([NewEvent(Kind.DISPATCHED, {"lead_unit": "NOPE"}, DISPATCHER, number)])
    assert not result.ok and "未知的承办单位" in result.reason


def test_projection_equals_the_fold_of_the_events_on_a_demo_store(store):
    summary = fill_demo(store, 300, seed=7, now=datetime(2026, 11, 28, 15, 30))
    assert summary["orders"] >= 300
    assert len(summary["by_status"]) == len(Status)  # every state appears
    assert store.projection_differences() == []
    before = {r["number"]: r for r in store.list_orders(limit=None)}
    assert store.rebuild_projection() == len(before)
    assert {r["number"]: r for r in store.list_orders(limit=None)} == before


def test_one_seed_gives_one_demo(tmp_path):
    """A trainer's `hotline demo --seed N` is the same store every time, merges included
    (their targets were once drawn by SQLite's unseeded random())."""
    def demo(name):
        s = Store.init(tmp_path / name, "S07")
        try:
            fill_demo(s, 120, seed=7, now=datetime(2026, 11, 27, 10, 30))
            return [(r["number"], r["status"], r["merged_into"]) for r in s.list_orders(limit=None, order_by="number")]
        finally:
            s.close()

    first = demo("a")
    assert any(status == Status.MERGED for _n, status, _t in first)
    for _ in range(3):
        assert demo("b" + str(_)) == first


def test_projection_difference_is_detected(store):
    number = create(store)
    with write_transaction(store.engine) as conn:
        conn.execute(text("UPDATE orders SET status = 'closed' WHERE number = :n"), {"n": number})
    assert store.projection_differences() == [number]


def test_migration_from_v1_keeps_pending_events(tmp_path):
    from console.store.engine import make_engine
    from console.store.migrations import LATEST, steps

    s = Store.init(tmp_path, "S07")
    number = create(s)
    s.close()
    engine = make_engine(tmp_path / "seat.db")
    with write_transaction(engine) as conn:  # pretend the file was written by the v1 console
        conn.execute(text("UPDATE meta SET value = '1' WHERE key = 'schema_version'"))
    engine.dispose()
    s = Store.open(tmp_path)
    assert s.meta("schema_version") == str(LATEST) == str(max(steps()))
    assert s.outbox_count() == 1 and s.get(number).number == number
    s.close()


def test_a_store_from_before_v4_gets_the_units_short_initials(tmp_path):
    """住建局 types ahead as zjj from the store's directory (the dispatch dialog, the three-way
    picker), also in a store written before the column existed."""
    from console.domain.units import match_units
    from console.store.engine import make_engine

    s = Store.init(tmp_path, "S07")
    assert [u.code for u in match_units(s.unit_directory(), "zjj", limit=1)] == ["U001"]
    s.close()
    engine = make_engine(tmp_path / "seat.db")
    with write_transaction(engine) as conn:  # pretend the file was written by the v3 console
        conn.execute(text("ALTER TABLE units DROP COLUMN short_initials"))
        conn.execute(text("UPDATE meta SET value = '3' WHERE key = 'schema_version'"))
    engine.dispose()
    s = Store.open(tmp_path)
    try:
        assert [u.code for u in match_units(s.unit_directory(), "zjj", limit=1)] == ["U001"]
    finally:
        s.close()


def test_newer_schema_is_refused(tmp_path):
    from console.store.engine import make_engine

    Store.init(tmp_path, "S07").close()
    engine = make_engine(tmp_path / "seat.db")
    with write_transaction(engine) as conn:
        conn.execute(text("UPDATE meta SET value = '999' WHERE key = 'schema_version'"))
    engine.dispose()
    with pytest.raises(StoreError, match="newer"):
        Store.open(tmp_path)


def test_missing_and_corrupt_stores_say_so(tmp_path):
    with pytest.raises(StoreError, match="no store"):
        Store.open(tmp_path)
    (tmp_path / "seat.db").write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a SQLite database"):
        Store.open(tmp_path)


def test_unit_reply_through_the_store_sets_callback_due(store):
    """R-32 after the review of the reply (审核反馈真实性): a reply waiting for review has no callback
    deadline; the 3 days run from its acceptance."""
    number = create(store)
    store.record([NewEvent(Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER, number, MON)])
    store.record([NewEvent(Kind.UNIT_REPLIED, {"reply": "已恢复供水"}, unit("U001"), number, datetime(2026, 11, 24, 10, 0))])
    assert store.order_row(number)["callback_due"] is None  # waiting for the county office's review
    store.record([NewEvent(Kind.REPLY_REVIEWED, {"accept": True}, DISPATCHER, number, datetime(2026, 11, 24, 11, 0))])
    assert store.order_row(number)["callback_due"] == "2026-11-27T11:00:00"  # from the acceptance


def test_R04_a_converted_three_level_taxonomy_works_without_code_change(tmp_path, shared_data, capsys):
    from console.cli import main

    data = tmp_path / "seat"
    assert main(["taxonomy", "convert", str(shared_data / "tipdm-taxonomy.csv"), "--out", str(tmp_path / "tipdm.toml")]) == 0
    data.mkdir()
    (data / "config.toml").write_text('taxonomy = "../tipdm.toml"\n', encoding="utf-8")
    store = Store.init(data, "S07")
    try:
        ok = store.record([NewEvent(Kind.CREATED, intake(content_path=["城乡建设", "安全生产", "安全隐患"]), AGENT)])
        assert ok.ok, ok.reason
        old = store.record([NewEvent(Kind.CREATED, intake(content_path=["城建环保", "供水"]), AGENT)])
        assert not old.ok and "分类表" in old.reason  # the shipped classes are no longer the taxonomy
    finally:
        store.close()


def test_one_command_creates_an_order_and_acts_on_it(store):
    from console.store import NEW_ORDER

    target = create(store)
    result = store.record([
        NewEvent(Kind.CREATED, intake(), AGENT, at=MON),
        NewEvent(Kind.MERGED_INTO, {"target": target}, AGENT, NEW_ORDER, at=MON),
    ])
    assert result.ok and result.orders == ["20261123-S07-0002"] * 2
    assert store.order_row("20261123-S07-0002")["merged_into"] == target


def test_a_created_event_cannot_choose_its_number(store):
    result = store.record([NewEvent(Kind.CREATED, intake(), AGENT, "20261123-S09-0001", at=MON)])
    assert not result.ok and "不能指定" in result.reason
    assert store.count_orders() == 0 and store.meta("seat_seq") is None
