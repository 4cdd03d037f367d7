"""录音质检 (DOMAIN.md §8, the seed's 考核办法): the checklist's score, the 40-point component at
every tier boundary, pre-filled findings from a transcript and a call record, the seeded sample,
and the whole flow through the CLI on a real store."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from console.cli import main
from console.domain.figures import CallRecord
from console.domain.qa import Transcript, Utterance, component, recording_score, sample, scan_call, scan_transcript
from console.qa_source import load_checklist
from console.store import Store

CHECKLIST = load_checklist()


@pytest.mark.parametrize(("score", "points"), [
    (0, 0), (59, 0), (59.99, 0), (60, 5), (64.99, 5), (65, 10), (69.99, 10), (70, 15), (74.99, 15), (75, 20),
    (79.99, 20), (80, 25), (84.99, 25), (85, 30), (89.99, 30), (90, 35), (94.99, 35), (95, 40), (100, 40),
])
def test_the_40_point_component_at_every_tier_boundary(score, points):
    """59 分以下不得分, 60-64 得 5 分, 65-69 得 10 分 … 90-94 得 35 分, 95 分以上得 40 分."""
    assert component(CHECKLIST, score) == points


def test_a_recording_loses_each_item_once_and_never_goes_below_zero():
    assert recording_score(CHECKLIST, []) == 100
    assert recording_score(CHECKLIST, ["opening", "closing"]) == 96  # 2 each
    assert recording_score(CHECKLIST, ["buck_passing", "buck_passing", "no_grounds"]) == 81  # 10 once, 9
    assert recording_score(CHECKLIST, [i.code for i in CHECKLIST.items]) == 0  # the items add up past 100
    assert sum(i.points for i in CHECKLIST.items) > 100


def say(*lines: tuple[str, float, str]) -> Transcript:
    return Transcript("C1", tuple(Utterance(who, t, t + 2, text) for who, t, text in lines))


def test_a_transcript_by_the_book_has_no_finding():
    t = say(("agent", 0, "您好，市民热线，请问有什么可以帮您？"), ("caller", 3, "路灯坏了。"),
            ("agent", 6, "先生，请问您贵姓？"), ("caller", 9, "姓李。"),
            ("agent", 12, "李先生，请您稍等，我为您记录。"), ("agent", 50, "感谢您的耐心等待，已为您记录，感谢您的来电，再见！"))
    assert scan_transcript(CHECKLIST, t) == []


def test_a_transcript_shows_the_missing_lines_the_phrases_and_the_silent_wait():
    t = say(("agent", 0, "喂，说吧。"), ("caller", 3, "路灯坏了一周了。"),
            ("agent", 6, "这个我不清楚，不归我们管。"), ("caller", 9, "那我找谁？"),
            ("agent", 45, "好的。"))
    found = {f.code: f.evidence for f in scan_transcript(CHECKLIST, t)}
    assert set(found) == {"opening", "closing", "dont_know", "buck_passing", "surname", "courtesy", "wait_prompt"}
    assert "不清楚" in found["dont_know"] and "不归我们管" in found["buck_passing"]
    assert found["wait_prompt"].startswith("00:11 起等待 34 秒")
    assert recording_score(CHECKLIST, found) == 100 - 2 - 2 - 5 - 10 - 2 - 2 - 3  # 好的 is no courtesy word


def test_a_call_answered_after_15_seconds_is_a_late_answer():
    t0 = datetime(2026, 11, 23, 9, 0)
    assert scan_call(CallRecord("A", t0, t0 + timedelta(seconds=15))) == []
    assert [f.code for f in scan_call(CallRecord("B", t0, t0 + timedelta(seconds=16)))] == ["late_answer"]
    assert [f.code for f in scan_call(CallRecord("C", t0))] == ["late_answer"]


def test_the_sample_is_seeded_and_spread_over_the_days():
    t0 = datetime(2026, 11, 1, 9, 0)
    calls = [CallRecord(f"C{d:02d}{i}", t0 + timedelta(days=d, minutes=i), t0 + timedelta(days=d, minutes=i, seconds=5),
                        operator="A101") for d in range(30) for i in range(10)]
    first = sample(calls, seed="2026-11", per_agent=30)
    assert first == sample(list(reversed(calls)), seed="2026-11", per_agent=30)  # reproducible
    assert len(first["A101"]) == 30 and len({c[:3] for c in first["A101"]}) == 30  # one per day
    assert sample(calls, seed="2026-12", per_agent=30) != first


def test_import_sample_score_and_report_through_the_cli(tmp_path, capsys):
    Store.init(tmp_path, "S01").close()
    data = str(tmp_path)
    calls = tmp_path / "calls.csv"
    calls.write_text("call_id,operator,offered_at,answered_at,ended_at\n"
                     "C1,A101,2026-11-23 09:00:00,2026-11-23 09:00:20,2026-11-23 09:05:00\n"
                     "C2,A101,2026-11-24 09:00:00,2026-11-24 09:00:05,2026-11-24 09:05:00\n", encoding="utf-8")
    transcripts = tmp_path / "t.jsonl"
    transcripts.write_text(json.dumps({"call_id": "C2", "utterances": [
        {"speaker": "agent", "start": 0, "end": 2, "text": "您好，市民热线，请问有什么可以帮您？"},
        {"speaker": "agent", "start": 5, "end": 7, "text": "这个我不知道。感谢您的来电，再见"}]}, ensure_ascii=False)
        + "\n{not json\n", encoding="utf-8")
    assert main(["calls", "import", str(calls), "--data-dir", data]) == 0
    assert main(["qa", "transcripts", "import", str(transcripts), "--data-dir", data]) == 1
    out, err = capsys.readouterr()
    assert "imported 1 transcripts, 1 lines refused" in out and "line 2:" in err
    assert main(["qa", "sample", "--month", "2026-11", "--json", "--data-dir", data]) == 0
    assert json.loads(capsys.readouterr().out)["sample"] == {"A101": ["C1", "C2"]}
    # C1: answered after 20 s (pre-filled late_answer); the inspector overrides it and adds no_grounds
    assert main(["qa", "score", "C1", "--inspector", "Q01", "--reject", "late_answer", "--add", "no_grounds",
                 "--json", "--data-dir", data]) == 0
    assert json.loads(capsys.readouterr().out)["score"] == 91
    # C2: the transcript's findings (不知道; no surname asked) confirmed
    assert main(["qa", "score", "C2", "--inspector", "Q01", "--json", "--data-dir", data]) == 0
    assert json.loads(capsys.readouterr().out)["score"] == 100 - 5 - 2
    assert main(["qa", "report", "--month", "2026-11", "--json", "--data-dir", data]) == 0
    agent = json.loads(capsys.readouterr().out)["agents"][0]
    assert (agent["reviewed"], agent["qa_score"], agent["component"], agent["rank"]) == (2, 92.0, 35, 1)
    assert main(["qa", "score", "C1", "--inspector", "Q01", "--add", "nonsense", "--data-dir", data]) == 2
    assert "unknown checklist item 'nonsense'" in capsys.readouterr().err
