"""The centre on loopback (real uvicorn, real SQLite and PostgreSQL): push answers, gaps, pulls
by global seq, auth, protocol version, roles, leases, the units' API, reference data."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from sync_support import (
    CentreThread,
    assert_converged,
    centre_db,
    centre_events,
    create_order,
    dispatch,
    make_seat,
    new_centre,
    note,
)

from console.sync.client import CentreClient, GapError, Unauthorized, UpgradeRequired
from console.sync.session import pending_batch, push_pending
from console.wire.events import wire_from_row
from console.wire.protocol import PROTOCOL_HEADER

pytestmark = pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])


@pytest.fixture
def centre_env(db_kind, tmp_path):
    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        with CentreThread(centre) as server:
            yield centre, server
        centre.engine.dispose()


def seat_with_orders(tmp_path, centre, server, code="S01", n=3, roles="all"):
    store = make_seat(tmp_path, code, centre, server.url, roles)
    numbers = [create_order(store, i) for i in range(n)]
    return store, numbers


def test_push_accepts_in_order_and_pull_returns_by_seq(centre_env, tmp_path):
    centre, server = centre_env
    store, numbers = seat_with_orders(tmp_path, centre, server, n=3)
    events = pending_batch(store)
    cl = CentreClient(server.url, _token(store))
    answer = cl.push(events)
    assert [r["status"] for r in answer["results"]] == ["accepted"] * 3
    assert [r["seq"] for r in answer["results"]] == [1, 2, 3]
    pulled = cl.pull(0)
    assert [e["seq"] for e in pulled["events"]] == [1, 2, 3]
    assert [e["order_no"] for e in pulled["events"]] == numbers
    assert cl.pull(2)["events"][0]["seq"] == 3
    assert cl.pull(3)["events"] == []


def test_duplicate_push_answers_original_seq_and_applies_nothing(centre_env, tmp_path):
    centre, server = centre_env
    store, _ = seat_with_orders(tmp_path, centre, server, n=2)
    cl = CentreClient(server.url, _token(store))
    events = pending_batch(store)
    first = cl.push(events)
    again = cl.push(events)
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    assert [r["seq"] for r in again["results"]] == [r["seq"] for r in first["results"]]
    assert [r["outcome"] for r in again["results"]] == ["accepted", "accepted"]
    assert len(centre_events(centre)) == 2


def test_an_event_sent_again_under_a_new_seat_seq_is_still_a_duplicate(centre_env, tmp_path):
    """A seat's store made again from a copy re-numbers what it had sent: the centre looks up only
    events below the seat's next seat_seq, so this one first fails the log's unique id, and the
    push is then looked up whole: a duplicate, nothing doubled (R-34)."""
    centre, server = centre_env
    store, _ = seat_with_orders(tmp_path, centre, server, n=1)
    cl = CentreClient(server.url, _token(store))
    (event,) = pending_batch(store)
    assert cl.push([event])["results"][0]["status"] == "accepted"
    again = cl.push([{**event, "seat_seq": event["seat_seq"] + 1}])
    assert [(r["status"], r["seq"]) for r in again["results"]] == [("duplicate", 1)]
    assert len(centre_events(centre)) == 1 and centre.head() == 1


def test_gap_answers_409_with_expected_seat_seq_and_applies_nothing(centre_env, tmp_path):
    centre, server = centre_env
    store, _ = seat_with_orders(tmp_path, centre, server, n=3)
    events = pending_batch(store)
    cl = CentreClient(server.url, _token(store))
    with pytest.raises(GapError) as info:
        cl.push(events[1:])
    assert info.value.expected == 1
    assert centre_events(centre) == []
    cl.push(events[:1])
    with pytest.raises(GapError) as info:
        cl.push(events[2:])
    assert info.value.expected == 2
    assert len(centre_events(centre)) == 1


def test_rejection_is_logged_with_a_seq_and_does_not_block_the_queue(centre_env, tmp_path):
    centre, server = centre_env
    a, (number,) = seat_with_orders(tmp_path, centre, server, "SA", n=1)
    b = make_seat(tmp_path, "SB", centre, server.url)
    push_pending(a, CentreClient(server.url, _token(a)))
    from console.sync.session import pull_all

    pull_all(b, CentreClient(server.url, _token(b)))
    assert dispatch(a, number, "U001").ok
    assert dispatch(b, number, "U002").ok  # offline: the seat cannot know
    assert note(b, number).ok  # queued behind the losing dispatch
    push_pending(a, CentreClient(server.url, _token(a)))
    report = push_pending(b, CentreClient(server.url, _token(b)))
    assert (report.accepted, report.rejected) == (1, 1)
    log = centre_events(centre)
    assert [e["seq"] for e in log] == list(range(1, len(log) + 1))
    lost = [e for e in log if e["status"] == "rejected"]
    assert len(lost) == 1 and lost[0]["seat"] == "SB" and lost[0]["code"] == "already_dispatched"
    assert "U001" in lost[0]["reason"] and "D201@SA" in lost[0]["reason"]
    # the loser's seat keeps the attempt in the order's history, marked rejected with the reason
    history = b.events_of(number)
    attempt = [e for e in history if e["kind"] == "dispatched"][0]
    assert attempt["sync_status"] == "rejected" and "U001" in attempt["sync_reason"]
    from console.sync.session import sync_once

    for s in (a, b):
        sync_once(s, CentreClient(server.url, _token(s)))
    assert b.get(number).lead_unit == "U001"
    assert_converged(centre, [a, b])


def test_unknown_or_revoked_token_gets_401_and_nothing_is_applied(centre_env, tmp_path):
    centre, server = centre_env
    store, _ = seat_with_orders(tmp_path, centre, server, n=1)
    events = pending_batch(store)
    with pytest.raises(Unauthorized):
        CentreClient(server.url, "hl1_not-a-token").push(events)
    centre.revoke(store.seat)
    with pytest.raises(Unauthorized):
        CentreClient(server.url, _token(store)).push(events)
    with pytest.raises(Unauthorized):
        CentreClient(server.url, _token(store)).pull(0)
    assert centre_events(centre) == []
    raw = httpx.post(server.url + "/v1/sync/push", json={"events": events}, headers={PROTOCOL_HEADER: "1"})
    assert raw.status_code == 401


def test_old_protocol_is_told_to_upgrade_and_the_seat_keeps_its_outbox(centre_env, tmp_path, monkeypatch):
    centre, server = centre_env
    store, _ = seat_with_orders(tmp_path, centre, server, n=2)
    raw = httpx.get(server.url + "/v1/sync/pull", headers={"Authorization": f"Bearer {_token(store)}"})
    assert raw.status_code == 426 and "upgrade" in raw.json()["message"]
    import console.sync.client as client_module

    monkeypatch.setattr(client_module, "PROTOCOL_VERSION", 0)
    with pytest.raises(UpgradeRequired):
        push_pending(store, CentreClient(server.url, _token(store)))
    assert store.outbox_count() == 2
    assert centre_events(centre) == []


def test_the_centre_checks_the_operator_role_against_the_seat_and_decide(centre_env, tmp_path):
    centre, server = centre_env
    store, (number,) = seat_with_orders(tmp_path, centre, server, n=1, roles="agent")
    assert dispatch(store, number).ok  # the seat's own store lets a dispatcher act
    report = push_pending(store, CentreClient(server.url, _token(store)))
    assert (report.accepted, report.rejected) == (1, 1)
    rejected = [e for e in centre_events(centre) if e["status"] == "rejected"][0]
    assert rejected["code"] == "seat_role" and "转办坐席" in rejected["reason"]


def test_decide_runs_at_the_centre_for_events_the_seat_did_not_check(centre_env, tmp_path):
    centre, server = centre_env
    store, (number,) = seat_with_orders(tmp_path, centre, server, n=1)
    bad = dict(pending_batch(store)[0], id="0190f000-0000-7000-8000-000000000001", seat_seq=2, kind="unit_replied",
               payload={"reply": "已处理"}, role="dispatcher", operator="D201")
    cl = CentreClient(server.url, _token(store))
    answer = cl.push(pending_batch(store) + [bad])
    assert [r["status"] for r in answer["results"]] == ["accepted", "rejected"]
    assert answer["results"][1]["code"] == "state"


def test_long_poll_returns_as_soon_as_a_push_commits(centre_env, tmp_path):
    centre, server = centre_env
    store, _ = seat_with_orders(tmp_path, centre, server, n=1)
    cl = CentreClient(server.url, _token(store))
    got = {}

    def poll():
        got["answer"] = cl.pull(0, wait=20)

    t = threading.Thread(target=poll)
    t.start()
    time.sleep(0.3)
    assert t.is_alive()  # nothing yet: the poll is waiting
    CentreClient(server.url, _token(store)).push(pending_batch(store))
    t.join(15)
    assert not t.is_alive() and [e["seq"] for e in got["answer"]["events"]] == [1]


def test_concurrent_pushes_never_let_a_reader_skip_a_seq(centre_env, tmp_path):
    centre, server = centre_env
    seats = [make_seat(tmp_path, f"S{i}", centre, server.url) for i in range(4)]
    for s in seats:
        for i in range(15):
            create_order(s, i)
    seen: list[int] = []
    done = threading.Event()

    def reader():
        cl = CentreClient(server.url, _token(seats[0]))
        after = 0
        while not done.is_set() or after < 60:
            events = cl.pull(after, wait=0.5)["events"]
            seen.extend(e["seq"] for e in events)
            after = events[-1]["seq"] if events else after

    def writer(store):
        cl = CentreClient(server.url, _token(store))
        push_pending(store, cl, batch=1)  # many small transactions, interleaved across seats

    r = threading.Thread(target=reader)
    r.start()
    writers = [threading.Thread(target=writer, args=(s,)) for s in seats]
    for w in writers:
        w.start()
    for w in writers:
        w.join(60)
    done.set()
    r.join(60)
    assert seen == list(range(1, 61))


def test_leases_give_one_holder_and_a_growing_fencing_number(centre_env, tmp_path):
    centre, server = centre_env
    a = make_seat(tmp_path, "SA", centre, server.url)
    b = make_seat(tmp_path, "SB", centre, server.url)
    ca, cb = CentreClient(server.url, _token(a)), CentreClient(server.url, _token(b))
    number = create_order(a)  # a lease is for an order the centre has
    push_pending(a, ca)
    first = ca.lease(number, "D201", ttl=2)
    assert first["granted"] and first["fence"] == 1
    taken = cb.lease(number, "D202")
    assert not taken["granted"] and taken["holder"] == "D201@SA"
    assert ca.lease(number, "D201", ttl=2)["fence"] == 1  # renewal keeps the fence
    time.sleep(2.2)
    second = cb.lease(number, "D202")
    assert second["granted"] and second["fence"] == 2
    assert not ca.release(number, 1)["released"]  # a stale holder cannot release
    assert cb.release(number, 2)["released"]


def test_units_list_reply_return_and_ask_for_extensions(centre_env, tmp_path):
    centre, server = centre_env
    store, numbers = seat_with_orders(tmp_path, centre, server, n=3)
    for n, unit in zip(numbers, ("U001", "U001", "U002"), strict=False):
        assert dispatch(store, n, unit).ok
    push_pending(store, CentreClient(server.url, _token(store)))
    unit = CentreClient(server.url, centre.enroll("UNIT-U001", "unit", unit="U001"))
    listed = unit.unit_orders()["orders"]
    assert [o["number"] for o in listed] == numbers[:2]
    assert unit.unit_reply(numbers[0], "已派人维修，今日恢复供水")["status"] == "accepted"
    assert unit.unit_extension(numbers[1], 3, "需协调多个部门")["status"] == "accepted"
    from console.sync.client import Refused

    with pytest.raises(Refused) as info:
        unit.unit_return(numbers[2], "不属于我单位")  # another unit's order: decide() says no
    assert info.value.status == 422
    with pytest.raises(Refused):
        unit.unit_reply(numbers[0], "再次回复")  # already replied
    from console.sync.session import sync_once

    sync_once(store, CentreClient(server.url, _token(store)))
    assert store.get(numbers[0]).status == "reply_review"  # v2: the county office reviews it first
    assert store.get(numbers[1]).extension_pending["days"] == 3
    assert_converged(centre, [store])


def test_reference_data_reaches_the_seat(centre_env, tmp_path):
    centre, server = centre_env
    from console.domain.units import Unit

    store = make_seat(tmp_path, "S01", centre, server.url)
    centre.publish_units([Unit("U900", "市新设机构", "新设机构", "bureau", "0123-1", ("新事",), "sxsjg")])
    from console.sync.session import sync_reference

    sync_reference(store, CentreClient(server.url, _token(store)))
    assert "U900" in {u["code"] for u in store.units()}
    assert "U900" in store.unit_codes()


def _token(store) -> str:
    from console.sync import state

    return state.read_all(store)["token"]


def test_wire_from_row_round_trips(centre_env, tmp_path):
    centre, server = centre_env
    store, _ = seat_with_orders(tmp_path, centre, server, n=1)
    ev = pending_batch(store)[0]
    assert ev["seat"] == "S01" and ev["seat_seq"] == 1 and isinstance(ev["payload"], dict)
    assert wire_from_row(ev)["payload"] == ev["payload"]


def test_temporary_trouble_answers_503_and_nothing_advances(centre_env, tmp_path):
    from sqlalchemy import text

    from console.sync.client import Unavailable

    centre, server = centre_env
    store, _ = seat_with_orders(tmp_path, centre, server, n=2)
    with centre.engine.begin() as conn:  # the log table goes away for a moment (a botched restore, say)
        conn.execute(text("ALTER TABLE c_events RENAME TO c_events_away"))
    try:
        with pytest.raises(Unavailable, match="503"):
            push_pending(store, CentreClient(server.url, _token(store)))
        assert centre.head() == 0 and centre.seats()[0]["next_seat_seq"] == 1
        assert store.outbox_count() == 2
    finally:
        with centre.engine.begin() as conn:
            conn.execute(text("ALTER TABLE c_events_away RENAME TO c_events"))
    report = push_pending(store, CentreClient(server.url, _token(store)))
    assert report.accepted == 2 and centre.head() == 2


def test_a_malformed_event_is_rejected_alone_and_does_not_block_the_queue(centre_env, tmp_path):
    centre, server = centre_env
    store, _ = seat_with_orders(tmp_path, centre, server, n=2)
    good = pending_batch(store)
    poison = {"id": "0190f000-0000-7000-8000-00000000dead", "seat": "S01", "seat_seq": 1, "kind": "dispatched",
              "payload": ["not", "an", "object"], "role": "no-such-role"}
    shifted = [dict(e, seat_seq=e["seat_seq"] + 1) for e in good]
    answer = CentreClient(server.url, _token(store)).push([poison] + shifted)
    assert [r["status"] for r in answer["results"]] == ["rejected", "accepted", "accepted"]
    assert answer["results"][0]["code"] == "bad_event"
    assert centre.check() == []
