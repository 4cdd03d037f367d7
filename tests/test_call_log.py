"""What the console records of a call (the `created` payload's call_log, and the call_ended event
with the marks made after the save) and the findings it pre-fills in the quality inspection
(录音质检; R-40, R-41, R-42, R-44, M-02), with their evidence, and the call's timeline beside them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from screen_helpers import AGENT, FIXED_NOW, FakeClock, make_app, make_store, ready, settle, until
from test_screen_intake import fill_caller, fill_matter
from textual.widgets import Static, TextArea

from console.domain.call_log import hold_gaps, marks_of, recorded_call, scan_recorded, timeline
from console.domain.decide import decide
from console.domain.figures import CallRecord
from console.domain.kinds import Kind
from console.domain.order import Event, fold
from console.domain.payloads import CallEnded, Created
from console.qa_source import load_checklist
from console.quality import call_timelines, draw_sample, orders_of_calls
from console.store import NEW_ORDER, NewEvent, Store
from console.store.call_records import upsert_calls
from console.store.quality import review
from screens.widgets.phrasing_panel import PhrasingPanel


def test_R42_a_hold_stretch_over_30_seconds_without_the_hold_phrase_is_a_gap():
    """R-42: every 30 s on hold the agent says the hold phrase; exactly 30 s is in time."""
    marks = marks_of([{"t": 10, "what": "hold_on"}, {"t": 40, "what": "hold_said"}, {"t": 85, "what": "hold_off"},
                      {"t": 90, "what": "bogus"}, {"t": "x", "what": "hold_on"}])
    assert hold_gaps(marks) == [(40, 45)]
    assert hold_gaps(marks_of([{"t": 0, "what": "hold_on"}, {"t": 30, "what": "hold_off"}])) == []
    assert hold_gaps(marks_of([{"t": 0, "what": "hold_on"}]), call_end=31) == [(0, 31)]


def test_the_recorded_call_pre_fills_findings_with_their_evidence():
    """R-42 (hold), R-44 (a forbidden phrase the form warned about), R-41 (no surname on the order),
    M-02 (the form started 20 s after the call was offered)."""
    checklist = load_checklist()
    created = Created(disposition="transfer", channel="电话", caller_name="", call_time="2026-11-26T10:00:20",
                      phrasing_warnings=["不清楚"],
                      call_log=[{"t": 0, "what": "shown", "key": "greeting"}, {"t": 5, "what": "shown", "key": "ask_surname"},
                                {"t": 60, "what": "hold_on"}, {"t": 100, "what": "hold_off"}])
    call = CallRecord("C1", datetime(2026, 11, 26, 10, 0), datetime(2026, 11, 26, 10, 0, 3), seat="S01", operator="A01")
    found = {f.code: f.evidence for f in scan_recorded(checklist, created, call)}
    assert found["wait_prompt"] == "01:00 起保持 40 秒未确认说稍等语（R-42，共 1 处）"
    assert found["dont_know"] == "受理时输入了“不清楚”，系统已提示（R-44）"
    assert found["surname"] == "工单未记录来电人姓氏（界面已提示询问）"
    assert found["late_answer"] == "来电 10:00:00 呼入，20 秒后才开始受理（M-02：15 秒）"
    good = Created(disposition="transfer", channel="电话", caller_name="王", call_time="2026-11-26T10:00:05",
                   call_log=[{"t": 60, "what": "hold_on"}, {"t": 85, "what": "hold_said"}, {"t": 100, "what": "hold_off"}])
    assert scan_recorded(checklist, good, call) == []


async def test_the_form_records_the_call_and_the_inspector_sees_it_pre_filled(tmp_path):
    """Pilot: the panel's lines and a hold of 45 s without Alt+H go into the saved order; with
    the telephone system's record of the call, the month's sample pre-fills R-42 and M-02
    findings from what the console recorded."""
    make_store(tmp_path).close()
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await fill_caller(pilot)
        await pilot.press("f9")
        clock.advance(45)
        await pilot.press("f9")
        await fill_matter(pilot)
        await pilot.press("f5")
        await settle(pilot)
        number = screen.saved_number
        assert number
        log = app.store.events_of(number)[0]["payload"]["call_log"]
    kinds = [(m["what"], m.get("key", "")) for m in log]
    assert kinds[0] == ("shown", "greeting") and ("hold_on", "") in kinds and ("hold_off", "") in kinds
    on = next(m["t"] for m in log if m["what"] == "hold_on")
    off = next(m["t"] for m in log if m["what"] == "hold_off")
    assert off - on == 45
    store = Store.open(tmp_path)
    try:
        offered = FIXED_NOW - timedelta(seconds=20)
        upsert_calls(store, [CallRecord("C-1", offered, offered + timedelta(seconds=3), FIXED_NOW + timedelta(minutes=4),
                                        "S01", "A01")])
        draw_sample(store, "2026-11", 30)
        found = {f["code"]: f for f in review(store, "C-1")["findings"]}
    finally:
        store.close()
    assert found["wait_prompt"]["source"] == "console" and "保持 45 秒" in found["wait_prompt"]["evidence"]
    assert found["late_answer"]["evidence"] == "来电 09:59:40 呼入，20 秒后才开始受理（M-02：15 秒）"
    assert "surname" not in found


def _call_ended(store, number: str) -> list[dict]:
    return [e["payload"] for e in store.events_of(number) if e["kind"] == Kind.CALL_ENDED]


async def test_R40_the_closing_line_said_after_the_save_is_on_the_order_when_the_next_call_starts(tmp_path):
    """Pilot: Alt+H marks the panel's line said (the greeting, then after F5 the closing line), the
    panel says so; F8 (the next call) records the call's end on the saved order: the closing line
    shown and said and the call's length. The month's sample shows the call's timeline in words."""
    make_store(tmp_path).close()
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        panel = screen.query_one(PhrasingPanel)
        assert "说完按 Alt+H" in str(panel.query_one("#phrase-label", Static).render())
        clock.advance(2)
        await pilot.press("alt+h")  # the greeting was said
        assert "✓ 已说" in str(panel.query_one("#phrase-label", Static).render())
        await fill_caller(pilot)
        await fill_matter(pilot)
        clock.advance(60)
        await pilot.press("f5")
        assert await until(pilot, lambda: screen.saved_number is not None)
        number = screen.saved_number
        assert panel.key == "closing"
        clock.advance(3)
        await pilot.press("alt+h")  # the closing line was said
        clock.advance(2)
        await pilot.press("f8")  # the next call
        assert await until(pilot, lambda: _call_ended(app.store, number))
        created = app.store.events_of(number)[0]["payload"]
        (ended,) = _call_ended(app.store, number)
    assert {"t": 2, "what": "said", "key": "greeting"} in created["call_log"]
    assert not any(m.get("key") == "closing" for m in created["call_log"])
    assert ended == {"seconds": 67, "marks": [{"t": 62, "what": "shown", "key": "closing"},
                                              {"t": 65, "what": "said", "key": "closing"}]}
    store = Store.open(tmp_path)
    try:
        upsert_calls(store, [CallRecord("C-9", FIXED_NOW - timedelta(seconds=4), FIXED_NOW - timedelta(seconds=1),
                                        FIXED_NOW + timedelta(minutes=2), "S01", "A01")])
        draw_sample(store, "2026-11", 30)
        line = call_timelines(store, "2026-11")["C-9"]
    finally:
        store.close()
    assert line.startswith("00:00 显示问候 · 00:02 已说问候 · ")
    assert line.endswith("01:02 显示结束语 · 01:05 已说结束语 · 通话 01:07")


async def test_quitting_after_the_save_records_the_calls_end(tmp_path):
    """Pilot: the console closes (F10) while the closing line shows: the call's end is still on the order."""
    make_store(tmp_path).close()
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        await fill_caller(pilot)
        await fill_matter(pilot)
        await pilot.press("f5")
        assert await until(pilot, lambda: screen.saved_number is not None)
        number = screen.saved_number
        clock.advance(4)
        await pilot.press("alt+h")
        app.exit()
    store = Store.open(tmp_path)
    try:
        (ended,) = _call_ended(store, number)
    finally:
        store.close()
    assert ended["marks"][-1]["what"] == "said" and ended["marks"][-1]["key"] == "closing"


async def test_a_call_recovered_from_its_draft_goes_on_with_its_log_and_its_clock(tmp_path):
    """Pilot: the console stops mid-call; started again, the draft brings the call back and the
    saved order's call_log holds the marks from before the stop, and t goes on counting."""
    make_store(tmp_path).close()
    clock = FakeClock()
    app = make_app(tmp_path, clock=clock)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        clock.advance(3)
        await pilot.press("alt+h")  # greeting said at 00:03
        await fill_caller(pilot)
        clock.advance(20)
        screen.query_one("#description", TextArea).text = "幸福家园3栋旁边的河道发黑发臭"
        draft = tmp_path / "drafts" / "intake-A01.json"
        assert await until(pilot, lambda: draft.exists() and json.loads(draft.read_text("utf-8")).get(
            "_call_seconds") == 23)
        app.exit()  # a crash would leave the draft as it is
    clock2 = FakeClock(start=5000.0)
    app2 = make_app(tmp_path, clock=clock2)
    async with app2.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        assert "恢复的草稿" in str(screen.query_one("#call_time", Static).render())
        clock2.advance(10)
        await fill_matter(pilot)
        await pilot.press("f9")  # a hold now: at 00:33 of the same call
        await pilot.press("f9")
        await pilot.press("f5")
        assert await until(pilot, lambda: screen.saved_number is not None)
        log = app2.store.events_of(screen.saved_number)[0]["payload"]["call_log"]
    assert {"t": 3, "what": "said", "key": "greeting"} in log  # from before the stop
    assert {"t": 33, "what": "hold_on"} in log  # the clock went on from 23 s
    assert [m["t"] for m in log] == sorted(m["t"] for m in log)


async def test_a_popped_call_gives_its_order_the_call_id_and_the_sample_finds_it_by_it(tmp_path):
    """Issue 14's screen pop: the order carries the telephone system's call id, and the sample
    finds the order by it even when the call record's minute would not match (a clock off by
    minutes); an order without one is found by operator and minute."""
    make_store(tmp_path).close()
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        screen.pop_call({"call_id": "PBX-77", "caller": "13812345678", "answered_at": FIXED_NOW.isoformat(),
                         "offered_at": FIXED_NOW.isoformat()})
        await fill_caller(pilot, phone="")
        await fill_matter(pilot)
        await pilot.press("f5")
        assert await until(pilot, lambda: screen.saved_number is not None)
        number = screen.saved_number
        assert app.store.events_of(number)[0]["payload"]["call_id"] == "PBX-77"
    store = Store.open(tmp_path)
    try:
        typed = store.record([NewEvent(Kind.CREATED, {"disposition": "direct_answer", "channel": "电话",
                                                      "description": "咨询公积金提取", "nature": "咨询",
                                                      "content_path": ["城建环保", "住房公积金"], "answer": "已答复", "call_time": "2026-11-26T11:00:05"},
                                       AGENT)]).orders[0]
        off = FIXED_NOW - timedelta(minutes=7)
        popped = CallRecord("PBX-77", off, off + timedelta(seconds=3), off + timedelta(minutes=3), "S01", "A01")
        by_hand = CallRecord("PBX-78", datetime(2026, 11, 26, 11, 0), datetime(2026, 11, 26, 11, 0, 2),
                             datetime(2026, 11, 26, 11, 5), "S01", AGENT.operator)
        orders = orders_of_calls(store, datetime(2026, 11, 1), datetime(2026, 12, 1))
        assert orders.of(popped).created.description == "幸福家园3栋旁边的河道发黑发臭，已经一个多月了"
        assert orders.of(by_hand).created.description == "咨询公积金提取"
        assert store.get(typed) is not None
    finally:
        store.close()


def test_the_timeline_reads_the_log_and_the_calls_end_on_one_clock():
    """The created call_log and the call_ended marks are one call; opening and closing lines not
    confirmed are never findings (an agent may say them without pressing the key)."""
    created = Created(disposition="transfer", channel="电话", caller_name="王",
                      call_log=[{"t": 0, "what": "shown", "key": "greeting"}, {"t": 50, "what": "hold_on"}])
    ended = CallEnded(seconds=195, marks=[{"t": 190, "what": "shown", "key": "closing"}])
    call = recorded_call(created, [ended])
    assert timeline(call) == "00:00 显示问候 · 00:50 开始保持 · 03:10 显示结束语 · 通话 03:15"
    found = {f.code: f.evidence for f in scan_recorded(load_checklist(), created, ended=[ended])}
    assert found == {"wait_prompt": "00:50 起保持 145 秒未确认说稍等语（R-42，共 1 处）"}  # held to the call's end
    assert timeline(recorded_call(Created(disposition="transfer", channel="电话"))) == ""


def test_call_ended_changes_no_state_and_decide_checks_its_marks():
    """decide(): any order (an answered one too), marks within the call's length and well formed."""
    at = datetime(2026, 11, 26, 10, 0)
    created = Event.of(Kind.CREATED, "N1", {"v": 2, "disposition": "direct_answer", "channel": "电话",
                                            "description": "咨询", "nature": "咨询", "answer": "已答复"}, at, AGENT)
    state = fold([created])
    good = Event.of(Kind.CALL_ENDED, "N1", {"seconds": 90, "marks": [{"t": 80, "what": "said", "key": "closing"}]},
                    at + timedelta(minutes=2), AGENT)
    assert decide(state, good, AGENT).ok
    after = fold([created, good])
    assert (after.status, after.updated_at) == (state.status, state.updated_at)
    late = Event.of(Kind.CALL_ENDED, "N1", {"seconds": 60, "marks": [{"t": 80, "what": "said", "key": "closing"}]},
                    at, AGENT)
    assert decide(state, late, AGENT).code == "marks"
    bogus = Event.of(Kind.CALL_ENDED, "N1", {"seconds": 60, "marks": [{"t": 1, "what": "sang"}]}, at, AGENT)
    assert decide(state, bogus, AGENT).code == "marks"
    from console.domain.roles import Actor, Role
    assert decide(state, good, Actor("D1", Role.DISPATCHER)).code == "role"


def test_the_centre_accepts_a_call_end_and_another_seat_pulls_it(tmp_path):
    """Sync: created + call_ended pushed by the seat that took the call, accepted by the centre
    and pulled by the inspector's seat, whose sample then has the call's end."""
    from sync_support import CentreThread, assert_converged, client, make_seat, new_centre

    from console.sync.session import sync_once

    centre = new_centre(str(tmp_path / "centre.db"))
    with CentreThread(centre) as server:
        seat = make_seat(tmp_path, "S01", centre, server.url)
        inspector = make_seat(tmp_path, "S02", centre, server.url)
        try:
            payload = {"disposition": "direct_answer", "channel": "电话", "description": "咨询公积金提取", "nature": "咨询",
                       "content_path": ["城建环保", "住房公积金"], "answer": "已答复", "call_id": "PBX-1", "call_time": "2026-11-26T10:00:00",
                       "call_log": [{"t": 0, "what": "shown", "key": "greeting"}]}
            result = seat.record([NewEvent(Kind.CREATED, payload, AGENT, at=FIXED_NOW),
                                  NewEvent(Kind.CALL_ENDED, {"seconds": 95, "marks": [{"t": 90, "what": "shown",
                                                                                        "key": "closing"}]},
                                           AGENT, NEW_ORDER, at=FIXED_NOW + timedelta(seconds=95))])
            assert result.ok, result.reason
            sync_once(seat, client(seat))
            sync_once(inspector, client(inspector))
            assert_converged(centre, [seat, inspector])
            (ended,) = _call_ended(inspector, result.orders[0])
            assert ended["seconds"] == 95
        finally:
            seat.close()
            inspector.close()


async def test_leaving_the_form_ends_the_call_once(tmp_path):
    """Pilot: after the save, another desk (F4) ends the call; back on the form, F8 records no second end."""
    make_store(tmp_path).close()
    app = make_app(tmp_path, role="lead", operator="L01")
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press("f2")
        assert await until(pilot, lambda: type(app.screen).__name__ == "IntakeScreen")
        screen = app.screen
        await settle(pilot)
        await fill_caller(pilot)
        await fill_matter(pilot)
        await pilot.press("f5")
        assert await until(pilot, lambda: screen.saved_number is not None)
        number = screen.saved_number
        await pilot.press("f4")
        assert await until(pilot, lambda: _call_ended(app.store, number))
        await pilot.press("f2", "f8")
        await settle(pilot)
        assert len(_call_ended(app.store, number)) == 1


def test_a_seat_pulling_a_kind_it_does_not_know_keeps_it_and_goes_on(tmp_path):
    """Forward compatibility: an event of a kind this code does not know (as call_ended is to a
    seat older than it), accepted by a newer centre, is stored but not folded; the pull goes on
    and the projection stays the fold of the known events."""
    from sync_support import create_order

    from console.sync.apply import apply_remote

    store = Store.init(tmp_path, "S02")
    try:
        number = create_order(store)
        future = {"id": "01900000-0000-7000-8000-000000000001", "order_no": number, "kind": "kind_from_the_future",
                  "payload": json.dumps({"x": 1}), "operator": "A1", "role": "agent", "seat": "S09", "unit": None,
                  "seat_seq": 1, "at": "2026-11-27T09:05:00", "recorded_at": "2026-11-27T09:05:00", "seq": 5,
                  "status": "accepted", "hlc": ""}
        assert apply_remote(store, [future], 5) == 1
        assert [e["kind"] for e in store.events_of(number)] == ["created", "kind_from_the_future"]
        assert store.get(number).event_count == 1 and store.projection_differences() == []
    finally:
        store.close()
