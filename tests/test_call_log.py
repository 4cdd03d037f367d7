"""What the console records of a call (the `created` payload's call_log) and the findings it
pre-fills in the quality inspection (录音质检; R-41, R-42, R-44, M-02), with their evidence."""

from __future__ import annotations

from datetime import datetime, timedelta

from screen_helpers import FIXED_NOW, FakeClock, make_app, make_store, ready, settle
from test_screen_intake import fill_caller, fill_matter

from console.domain.call_log import hold_gaps, marks_of, scan_recorded
from console.domain.figures import CallRecord
from console.domain.payloads import Created
from console.qa_source import load_checklist
from console.quality import draw_sample
from console.store import Store
from console.store.call_records import upsert_calls
from console.store.quality import review


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
    """Pilot: the panel's lines and a hold of 45 s without Alt+H go into the saved order (the
    closing line comes after the save, so it is not in the log); with
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
