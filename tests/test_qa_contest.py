"""Contests of 录音质检 findings (issue 16): the agent contests a finding of their scored recording
with a note, a lead decides; both on the record, the score follows. Domain, CLI, and the quality
desk under Pilot with the keys docs/keyboard.md names."""

from __future__ import annotations

import pytest
from screen_helpers import FIXED_NOW, make_app, until
from textual.widgets import DataTable, Input

from console.cli import main
from console.demo import fill_demo
from console.domain.qa_contest import contest, decide
from console.domain.roles import Role
from console.store import Store
from console.store.quality import review, reviews

SCORED = {"call_id": "C1", "operator": "A101", "reviewed_by": "Q01",
          "findings": [{"code": "dont_know", "evidence": "00:12 说了“不清楚”", "source": "transcript", "status": "confirmed"},
                       {"code": "surname", "evidence": "全程未询问来电人姓氏", "source": "transcript", "status": "rejected"}]}


def test_only_the_agent_contests_a_held_finding_of_a_scored_recording_with_a_note():
    assert contest({**SCORED, "reviewed_by": None}, 0, "A101", "理由", "t").refused == "此录音尚未评分，不能申诉"
    assert contest(SCORED, 0, "A102", "理由", "t").refused == "只能对本人的录音提出申诉"
    assert contest(SCORED, 1, "A101", "理由", "t").refused == "此项未扣分，无需申诉"
    assert contest(SCORED, 0, "A101", "  ", "t").refused == "申诉须写明理由"
    done = contest(SCORED, 0, "A101", "我说的是“不清楚的地方请再说一遍”", "2026-11-26T10:00:00")
    assert not done.refused and done.findings[0]["contest"]["note"].startswith("我说的是")
    assert "contest" not in SCORED["findings"][0]  # the review given is not changed
    again = {**SCORED, "findings": done.findings}
    assert contest(again, 0, "A101", "再说一次", "t").refused == "此项已申诉过"


def test_a_lead_decides_never_the_agent_and_a_withdrawn_deduction_no_longer_holds():
    contested = {**SCORED, "findings": contest(SCORED, 0, "A101", "理由", "t").findings}
    assert decide(contested, 0, "D201", Role.DISPATCHER, False, "", "t").refused == "申诉由值班班长或督办室裁定"
    assert decide(contested, 0, "A101", Role.LEAD, False, "", "t").refused == "不能裁定本人的申诉"
    assert decide(SCORED, 0, "L301", Role.LEAD, False, "", "t").refused == "此项没有申诉"
    upheld = decide(contested, 0, "L301", Role.LEAD, True, "录音确有“不清楚”", "t2")
    assert upheld.findings[0]["status"] == "confirmed" and upheld.findings[0]["contest"]["decision"] == "upheld"
    withdrawn = decide(contested, 0, "L301", Role.LEAD, False, "", "t2").findings[0]
    assert withdrawn["status"] == "rejected" and withdrawn["contest"]["decided_by"] == "L301"
    assert decide({**SCORED, "findings": [withdrawn]}, 0, "S501", Role.SUPERVISOR, True, "", "t").refused == "此申诉已裁定"


@pytest.fixture
def data_dir(tmp_path):
    store = Store.init(tmp_path, "S01")
    fill_demo(store, 300, seed=7, now=FIXED_NOW)
    store.close()
    return tmp_path


def scored_call(data_dir, capsys) -> tuple[str, str]:
    """One of A101's sampled calls scored by an inspector with a 不清楚 deduction added."""
    store = Store.open(data_dir)
    try:
        call_id = next(r["call_id"] for r in reviews(store, "2026-11", "A101") if not r["findings"])
    finally:
        store.close()
    assert main(["qa", "score", call_id, "--inspector", "Q01", "--add", "dont_know", "--data-dir", str(data_dir)]) == 0
    capsys.readouterr()
    return call_id, "dont_know"


def test_cli_contest_and_decision_are_on_the_record_and_the_score_follows(data_dir, capsys):
    call_id, code = scored_call(data_dir, capsys)
    d = ["--data-dir", str(data_dir)]
    assert main(["qa", "contest", call_id, code, "--operator", "A102", "--note", "x", *d]) == 1
    assert capsys.readouterr().err.strip() == "hotline: refused: 只能对本人的录音提出申诉"
    assert main(["qa", "contest", call_id, code, "--operator", "A101", "--note", "语境为确认问题", *d]) == 0
    assert main(["qa", "contests", "--month", "2026-11", "--json", *d]) == 0
    listed = [line for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    assert len(listed) == 1 and '"decision": ""' in listed[0]
    assert main(["qa", "decide", call_id, code, "--operator", "L301", "--withdraw", "--note", "不属禁语", *d]) == 0
    assert capsys.readouterr().out.strip() == f"{call_id} {code}: withdrawn; the recording scores 100"
    store = Store.open(data_dir)
    try:
        saved = review(store, call_id)
    finally:
        store.close()
    f = saved["findings"][0]
    assert saved["score"] == 100 and saved["reviewed_by"] == "Q01" and f["status"] == "rejected"
    assert f["contest"]["by"] == "A101" and f["contest"]["decision_note"] == "不属禁语"


async def test_the_agent_contests_on_the_desk_and_a_lead_withdraws_the_deduction(data_dir, capsys):
    """An agent's quality desk lists only their own recordings; c with a typed reason contests;
    a lead's w withdraws the deduction and the store's score goes back to 100."""
    call_id, _code = scored_call(data_dir, capsys)
    app = make_app(data_dir, role="agent", operator="A101")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("alt+q")
        calls = app.screen.query_one("#qa-calls", DataTable)
        assert await until(pilot, lambda: calls.row_count > 0)
        own = reviews(app.store, "2026-11", "A101")
        assert calls.row_count == len(own) < len(reviews(app.store, "2026-11"))  # their own only
        month = str(app.screen.query_one("#qa-month").render())
        assert "本月考核 " in month and "录音质检 40.0" in month  # their own scorecard (one scored recording: 100)
        await pilot.press(*["down"] * [r["call_id"] for r in own].index(call_id))
        findings = app.screen.query_one("#qa-findings", DataTable)
        assert await until(pilot, lambda: findings.row_count == 1)
        findings.focus()
        await pilot.press("c")
        await pilot.pause()
        app.screen.query_one("#modal-input", Input).value = "我说的是“不清楚的地方请您再说一遍”"
        await pilot.press("enter")
        assert await until(pilot, lambda: "contest" in review(app.store, call_id)["findings"][0])
        assert await until(pilot, lambda: "申诉（A101" in str(app.screen.query_one("#qa-contest").render()))
    app = make_app(data_dir, role="lead", operator="L301")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("alt+q")
        calls = app.screen.query_one("#qa-calls", DataTable)
        assert await until(pilot, lambda: calls.row_count > 0)
        everyone = [r["call_id"] for r in reviews(app.store, "2026-11")]
        await pilot.press(*["down"] * everyone.index(call_id))
        findings = app.screen.query_one("#qa-findings", DataTable)
        assert await until(pilot, lambda: findings.row_count == 1)
        assert "申诉中" in findings.get_row_at(0)[3].plain
        findings.focus()
        await pilot.press("w", "enter")
        assert await until(pilot, lambda: review(app.store, call_id)["score"] == 100)
    store = Store.open(data_dir)
    try:
        f = review(store, call_id)["findings"][0]
    finally:
        store.close()
    assert f["status"] == "rejected" and f["contest"]["decision"] == "withdrawn" and f["contest"]["decided_by"] == "L301"
