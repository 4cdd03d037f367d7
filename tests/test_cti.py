"""Issue 14: the generic CTI interface at a loopback centre. Call events are idempotent by call id;
the seat the call rings at pops it on the form (the caller's number and history, the call timer
from the real answer time); the ended call becomes the seat's call record behind M-01, M-02, M-05.
`hotline cti simulate` drives a call through the same API."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
from screen_helpers import seed_order, until
from sync_support import CentreThread, make_seat, new_centre
from textual.widgets import Input, Static

from console import clock
from console.centre.clients import enroll_client
from console.cli import main
from console.domain.figures import call_figures
from console.store import Store
from console.store.call_records import calls_between
from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from screens.app import HotlineApp
from screens.widgets.order_panels import CallerHistory

CALLER = "13812345678"


def _headers(key: str) -> dict:
    return {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {key}"}


def test_call_events_are_idempotent_by_call_id_and_checked(tmp_path):
    """Issue 14: ringing needs the number and the seat; the same event again changes nothing
    (200, duplicate); an event that does not follow is 409; an unknown call 404."""
    centre = new_centre(str(tmp_path / "centre.db"))
    try:
        key = enroll_client(centre.engine, "pbx", "cti")
        with CentreThread(centre) as server, httpx.Client(base_url=server.url, timeout=10) as http:
            def post(**body):
                return http.post("/v1/cti/events", json=body, headers=_headers(key))

            assert post(call_id="c1", event="ringing", seat="S01").status_code == 400  # no caller
            first = post(call_id="c1", event="ringing", seat="S01", caller=CALLER)
            assert first.status_code == 200 and not first.json()["duplicate"]
            again = post(call_id="c1", event="ringing", seat="S01", caller=CALLER)
            assert again.json()["duplicate"] and again.json()["call"]["state"] == "ringing"
            assert post(call_id="c1", event="held").status_code == 409  # not answered yet
            answered = post(call_id="c1", event="answered", at="2026-12-01T09:00:05+08:00")
            assert answered.json()["call"]["answered_at"] == "2026-12-01T09:00:05"
            assert post(call_id="c1", event="answered").json()["duplicate"]
            moved = post(call_id="c1", event="transferred", to_seat="S02")
            assert moved.json()["call"]["seat"] == "S02" and moved.json()["call"]["state"] == "ringing"
            assert post(call_id="c1", event="hung_up").json()["call"]["state"] == "ended"
            assert post(call_id="c1", event="hung_up").json()["duplicate"]
            assert post(call_id="nope", event="answered").status_code == 404
            assert post(call_id="c2", event="ringing", seat="S01", caller="1\x1b[2J").status_code == 400
            assert post(call_id="c3", event="rang", seat="S01", caller=CALLER).status_code == 400
    finally:
        centre.engine.dispose()


async def test_a_ringing_call_pops_on_the_form_and_becomes_a_call_record(tmp_path):
    """Issue 14, R-11, M-01/M-02: the agent at S01 sees the call pop (number, caller history), the
    timer from the real answer time; after the hang-up the seat holds the call record."""
    centre = new_centre(str(tmp_path / "centre.db"))
    try:
        key = enroll_client(centre.engine, "pbx", "cti")
        with CentreThread(centre) as server:
            seat = make_seat(tmp_path, "S01", centre, server.url)
            earlier = seed_order(seat, phone=CALLER)  # the caller called before
            seat.close()
            app = HotlineApp(tmp_path / "S01", operator="A101", role="agent")
            async with app.run_test(size=(160, 50), notifications=True) as pilot:
                assert await until(pilot, lambda: type(app.screen).__name__ == "IntakeScreen" and app.store)
                form = app.screen
                await pilot.pause(1.5)  # the form has asked the centre once (no calls yet)
                with httpx.Client(base_url=server.url, timeout=10) as http:
                    answered_at = (clock.now() - timedelta(seconds=42)).isoformat()
                    for body in ({"call_id": "k1", "event": "ringing", "seat": "S01", "caller": CALLER},
                                 {"call_id": "k1", "event": "answered", "at": answered_at}):
                        assert http.post("/v1/cti/events", json=body, headers=_headers(key)).status_code == 200
                    assert await until(pilot, lambda: form.query_one("#phone", Input).value == CALLER)
                    assert await until(pilot, lambda: form.query_one(CallerHistory).numbers == [earlier])
                    assert await until(pilot, lambda: form.call_time == answered_at)
                    timer = str(form.query_one("#call-timer", Static).render())
                    assert timer >= "通话 00:42", timer  # the real answer time, not the pop
                    assert any(CALLER in n.message for n in app._notifications)
                    r = http.post("/v1/cti/events", json={"call_id": "k1", "event": "hung_up"}, headers=_headers(key))
                    assert r.status_code == 200
                start = datetime.fromisoformat(answered_at) - timedelta(minutes=5)
                assert await until(pilot, lambda: [c.call_id for c in calls_between(
                    app.store, start, start + timedelta(hours=1))] == ["k1"])
            store = Store.open(tmp_path / "S01")
            try:
                (record,) = calls_between(store, start, start + timedelta(hours=1))
                assert (record.seat, record.operator) == ("S01", "A101") and record.ended_at is not None
                assert record.answered_at == datetime.fromisoformat(answered_at)
                figures = call_figures([record], [], start, start + timedelta(hours=1), clock.now())
                assert figures["M-01"].numerator == figures["M-01"].denominator == 1
            finally:
                store.close()
    finally:
        centre.engine.dispose()


def test_cti_simulate_rings_a_seat(tmp_path, capsys):
    """Issue 14: `hotline cti simulate` rings, answers and hangs up a call at a seat."""
    db = str(tmp_path / "centre.db")
    centre = new_centre(db)
    try:
        assert main(["centre", "client", "add", "pbx", "--kind", "cti", "--db", db]) == 0
        key = capsys.readouterr().out.strip()
        with CentreThread(centre) as server:
            assert main(["cti", "simulate", "--centre", server.url, "--key", key, "--seat", "S01",
                         "--caller", CALLER, "--ring", "0", "--talk", "0"]) == 0
            assert "ringing at S01" in capsys.readouterr().out
            assert main(["cti", "simulate", "--centre", server.url, "--key", "bad", "--seat", "S01"]) == 1
            assert "401" in capsys.readouterr().err
        from console.centre.cti import calls_of

        (call,) = calls_of(centre.engine, "S01")
        assert (call["caller"], call["state"]) == (CALLER, "ended") and call["answered_at"]
    finally:
        centre.engine.dispose()
