"""The quality desk (Alt+Q) under Pilot, pressing the keys docs/keyboard.md names: a sampled call
opens with its pre-filled findings; rejecting one and saving stores the inspector's score."""

from __future__ import annotations

import pytest
from screen_helpers import FIXED_NOW, make_app, until
from textual.widgets import DataTable

from console.demo import fill_demo
from console.domain.qa import recording_score
from console.qa_source import load_checklist
from console.store import Store
from console.store.quality import review, reviews


@pytest.fixture
def data_dir(tmp_path):
    store = Store.init(tmp_path, "S01")
    fill_demo(store, 300, seed=7, now=FIXED_NOW)
    store.close()
    return tmp_path


async def test_an_inspector_scores_a_sampled_call_with_its_prefilled_findings(data_dir):
    app = make_app(data_dir, role="supervisor", operator="Q01")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("alt+q")
        calls = app.screen.query_one("#qa-calls", DataTable)
        assert await until(pilot, lambda: calls.row_count > 0)
        sampled = reviews(app.store, "2026-11")
        assert calls.row_count == len(sampled) > 0
        row = next(i for i, r in enumerate(sampled) if len(r["findings"]) >= 2)  # one with two findings
        call_id = sampled[row]["call_id"]
        await pilot.press(*["down"] * row)
        findings = app.screen.query_one("#qa-findings", DataTable)
        assert await until(pilot, lambda: findings.row_count == len(sampled[row]["findings"]))
        evidence = findings.get_row_at(0)[2].plain
        assert evidence == sampled[row]["findings"][0]["evidence"]  # the evidence is on screen
        findings.focus()
        await pilot.press("x")  # the first pre-filled finding does not hold
        await pilot.press("s")
        assert await until(pilot, lambda: (review(app.store, call_id) or {}).get("reviewed_by") == "Q01")
        saved = review(app.store, call_id)
        kept = [f["code"] for f in sampled[row]["findings"][1:]]
        assert saved["score"] == recording_score(load_checklist(), kept)
        assert [f["status"] for f in saved["findings"]][0] == "rejected"


async def test_the_desk_shows_what_the_console_recorded_of_a_demo_call(data_dir):
    """Issue 16: the demo's calls are linked to their orders (call id), so on first run the desk
    shows console findings and, beside them, the call's timeline (lines shown and said, the
    closing line after the save, the call's length)."""
    store = Store.open(data_dir)
    try:
        sampled = reviews(store, "2026-11")
        from console.quality import call_timelines

        timelines = call_timelines(store, "2026-11")
    finally:
        store.close()
    assert any(f["source"] == "console" for r in sampled for f in r["findings"])
    row = next(i for i, r in enumerate(sampled) if "显示结束语" in timelines.get(r["call_id"], ""))
    app = make_app(data_dir, role="supervisor", operator="Q01")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("alt+q")
        calls = app.screen.query_one("#qa-calls", DataTable)
        assert await until(pilot, lambda: calls.row_count == len(sampled))
        await pilot.press(*["down"] * row)
        shown = app.screen.query_one("#qa-timeline")
        assert await until(pilot, lambda: "显示结束语" in str(shown.render()))
        assert str(shown.render()) == "控制台记录：" + timelines[sampled[row]["call_id"]]


async def test_early_in_a_month_the_desk_shows_the_latest_sample(data_dir):
    """On the 1st, this month has no sample yet: the desk opens on last month's, which is the
    inspectors' work then (and the demo's desk is alive on any day)."""
    from datetime import datetime

    from screen_helpers import FakeClock

    from screens.app import HotlineApp

    app = HotlineApp(data_dir, monotonic=FakeClock(), wallclock=lambda: datetime(2026, 12, 1, 9, 0),
                     operator="Q01", role="supervisor")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("alt+q")
        calls = app.screen.query_one("#qa-calls", DataTable)
        assert await until(pilot, lambda: calls.row_count > 0)
        assert str(app.screen.query_one("#qa-month").render()).startswith("2026-11 抽查")
