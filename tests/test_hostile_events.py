"""No event can wedge a queue: every field has a limit that decide() checks on the seat and at the
centre, and whatever a single event carries is that event's rejection, never a 503 for the batch.
Real stores, a real centre on loopback, SQLite and PostgreSQL."""

from __future__ import annotations

import json

import httpx
import pytest
from sync_support import (
    AGENT,
    DISPATCHER,
    centre_events,
    create_order,
    intake_payload,
    make_seat,
)

from console.domain.limits import OPERATOR_MAX, ORDER_MAX, PAYLOAD_MAX_CHARS
from console.domain.roles import Actor, Role
from console.store import NewEvent
from console.sync import state
from console.sync.client import CentreClient
from console.sync.session import pending_batch, push_pending
from console.wire.protocol import MAX_BODY_BYTES, PROTOCOL_HEADER, PROTOCOL_VERSION


def _token(store) -> str:
    return state.read_all(store)["token"]


def _post(url: str, token: str, body: bytes, protocol: str = str(PROTOCOL_VERSION)) -> httpx.Response:
    return httpx.post(url + "/v1/sync/push", content=body, timeout=30, headers={
        PROTOCOL_HEADER: protocol.encode("latin-1"), "Authorization": f"Bearer {token}", "Content-Type": "application/json"})


# -- the seat refuses what the centre could not store ---------------------------------------------


@pytest.mark.parametrize(("actor", "payload", "code"), [
    (Actor("A" * (OPERATOR_MAX + 1), Role.AGENT), intake_payload(), "too_long"),
    (Actor("A1\x00", Role.AGENT), intake_payload(), "control_char"),
    (AGENT, intake_payload(description="停水" * 5_000_000), "too_large"),
    (AGENT, intake_payload(description="小区停水三天了没有通知\ud800"), "bad_char"),
    (AGENT, intake_payload(address="幸福路\n88号"), "control_char"),
    (AGENT, intake_payload(extra={"a": {"b": {"c": {"d": 1}}}}), "too_large"),
])
def test_the_seat_refuses_an_event_over_its_limits_and_records_nothing(tmp_path, actor, payload, code):
    store = make_seat(tmp_path, "S01")
    result = store.record([NewEvent("created", payload, actor)])
    assert not result.ok and result.code == code, (result.code, result.reason)
    assert store.outbox_count() == 0 and store.list_orders(limit=None) == []


def test_free_text_keeps_its_newlines_and_tabs(tmp_path):
    store = make_seat(tmp_path, "S01")
    result = store.record([NewEvent("created", intake_payload(description="小区停水三天了，\n\t没有任何通知"), AGENT)])
    assert result.ok, result.reason


# -- the centre logs each hostile event as its own rejection -------------------------------------------


def _hostile(good: dict) -> list[tuple[dict, str]]:
    """(event as sent, the code the centre must answer) built from one good event of the seat."""
    long_payload = dict(good["payload"], description="停水" * (PAYLOAD_MAX_CHARS // 2 + 1))
    return [
        (dict(good, operator="A" * (OPERATOR_MAX + 1)), "too_long"),
        (dict(good, operator="A1\x00"), "control_char"),
        (dict(good, order_no="2" * (ORDER_MAX + 1)), "too_long"),
        (dict(good, kind="k" * 100), "unknown_kind"),
        (dict(good, hlc="h" * 100), "too_long"),
        (dict(good, at="2026-11-27T09:00:00" + "0" * 40), "too_long"),
        (dict(good, at="2026-11-27T09:00:00+00:00"), "bad_event"),
        (dict(good, at="yesterday"), "bad_event"),
        (dict(good, payload=long_payload), "too_large"),
        (dict(good, payload=dict(good["payload"], description="停水\ud800停水")), "bad_char"),
        (dict(good, order_no=["not", "a", "number"]), "bad_event"),
        (dict(good, order_no="2026\x00"), "control_char"),
        (dict(good, order_no="2026\ud800"), "bad_char"),
        (dict(good, unit={"a": 1}), "bad_event"),
        (dict(good, payload={"x": [[[[["deep"]]]]]}), "too_large"),
        (dict(good, role="no-such-role\x00"), "bad_event"),
    ]


def test_hostile_fields_are_rejected_one_by_one_and_the_queue_moves_on(served_centre, tmp_path):
    centre, server, _ = served_centre
    store = make_seat(tmp_path, "S01", centre, server.url)
    create_order(store, 0)
    good = pending_batch(store)[0]
    hostile = _hostile(good)
    batch = [dict(ev, id=f"0190f000-0000-7000-8000-{i:012d}", seat_seq=i + 1) for i, (ev, _) in enumerate(hostile)]
    batch.append(dict(good, seat_seq=len(hostile) + 1))
    # ensure_ascii keeps the lone surrogate as its escape, as a hostile client would send it
    answer = _post(server.url, _token(store), json.dumps({"events": batch}).encode())
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [(r["status"], r["code"]) for r in results] == [("rejected", code) for _, code in hostile] + [("accepted", "")]
    assert all(r["reason"] for r in results[:-1])
    assert centre.check() == []
    logged = centre_events(centre)
    assert len(logged) == len(batch) and [e["status"] for e in logged][-1] == "accepted"
    pulled = CentreClient(server.url, _token(store)).pull(0, limit=100)["events"]  # every seat can read the log
    assert [e["seq"] for e in pulled] == list(range(1, len(batch) + 1))


def test_a_seat_that_recorded_a_hostile_event_before_the_limits_still_drains(served_centre, tmp_path):
    from sqlalchemy import text

    centre, server, _ = served_centre
    store = make_seat(tmp_path, "S01", centre, server.url)
    number = create_order(store, 0)
    assert store.record([NewEvent("note", {"text": "来电人再次催办"}, DISPATCHER, number)]).ok
    with store.engine.begin() as conn:  # as an older seat wrote it: an operator the centre cannot store
        conn.execute(text("UPDATE events SET operator = :o WHERE kind = 'note'"), {"o": "D" * 80 + "\x00"})
    report = push_pending(store, CentreClient(server.url, _token(store)))
    assert (report.accepted, report.rejected) == (1, 1)
    assert store.outbox_count() == 0 and centre.check() == []


# -- the request itself -------------------------------------------------------------------------------


def test_a_body_over_the_limit_gets_413(served_centre, tmp_path):
    centre, server, _ = served_centre
    store = make_seat(tmp_path, "S01", centre, server.url)
    answer = _post(server.url, _token(store), b'{"events": [' + b" " * (MAX_BODY_BYTES + 1) + b"]}")
    assert answer.status_code == 413 and answer.json()["error"] == "too_large"
    assert centre.head() == 0


@pytest.mark.parametrize("protocol", ["\u00b2", "1\u00e9", "", "99999999999999999999"])
def test_a_bad_protocol_header_gets_426_with_a_reason(served_centre, tmp_path, protocol):
    centre, server, _ = served_centre
    store = make_seat(tmp_path, "S01", centre, server.url)
    answer = _post(server.url, _token(store), b'{"events": []}', protocol=protocol)
    assert answer.status_code == 426 and "protocol" in answer.json()["message"]


@pytest.mark.parametrize("body", [
    b"[" * 100_000 + b"]" * 100_000,
    b'{"events": [{"id": "x", "seat": "S01", "seat_seq": "one"}]}',
    b'{"events": "none"}',
    b"\xff\xfe not json",
    b'{"events": [{"id": "\\ud800", "seat": "S01", "seat_seq": 1}]}',
    b'{"events": [{"id": "a\\u0000", "seat": "S01", "seat_seq": 1}]}',
])
def test_a_malformed_request_gets_a_4xx_with_a_reason(served_centre, tmp_path, body):
    centre, server, _ = served_centre
    store = make_seat(tmp_path, "S01", centre, server.url)
    answer = _post(server.url, _token(store), body)
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    assert answer.text and centre.head() == 0
