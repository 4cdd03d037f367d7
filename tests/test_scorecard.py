"""The call-takers' monthly scorecard (考核办法, 百分制): 录音质检 converted to its points (DOMAIN.md
§8) and the other components (M-02 and M-05 per agent, R-20 order quality) under the weights the
centre publishes with the rules, ranked among the agents; the agent sees their own; the XLSX."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import openpyxl
import pytest
from sync_support import client, make_seat

from console.cli import main
from console.config import ConfigError, rules_from_config
from console.domain.figures import CallRecord
from console.domain.roles import Actor, Role
from console.domain.scorecard import DEFAULT_SCORECARD, AgentMonth, ranked, score
from console.store import NewEvent, Store
from console.store.call_records import upsert_calls
from console.store.quality import save_review
from console.sync.session import sync_once

DAY = datetime(2026, 11, 10, 9, 0)
ORDER = {"caller_name": "王明", "caller_title": "先生", "phone": "13912345678", "address": "幸福路88号3栋",
         "description": "幸福路88号小区停水三天了，没有任何通知，请尽快恢复供水。", "nature": "求助",
         "content_path": ["城建环保", "供水"], "disposition": "transfer"}


def test_components_scale_to_their_published_points_and_a_missing_one_is_left_out():
    """QA's 40-point conversion (35 of 40) at 40 points, M-02 75 % and M-05 100 % at 20 each,
    no order this month: 35 + 15 + 20 of 80 possible = 87.5 of 100."""
    card = score(AgentMonth("A1", qa_points=35, answered_in_time=0.75, satisfaction=1.0), DEFAULT_SCORECARD)
    assert card.points == {"qa": 35.0, "answered_in_time": 15.0, "satisfaction": 20.0, "order_quality": None}
    assert card.total == 87.5
    heavy_qa = score(AgentMonth("A1", qa_points=35, answered_in_time=0.75, satisfaction=1.0),
                     {"qa": 70, "answered_in_time": 30})
    assert heavy_qa.points == {"qa": 61.25, "answered_in_time": 22.5} and heavy_qa.total == 83.75
    cards = ranked([AgentMonth("A1", qa_points=40), AgentMonth("A2", qa_points=30), AgentMonth("A3", qa_points=40),
                    AgentMonth("A4")], {"qa": 100})
    assert [(c.operator, c.rank, c.of) for c in cards] == [("A1", 1, 3), ("A2", 3, 3), ("A3", 1, 3), ("A4", None, 3)]


def test_a_scorecard_that_does_not_add_up_to_100_or_names_an_unknown_part_is_refused():
    assert rules_from_config({"scorecard": {"qa": 60, "satisfaction": 40}}).scorecard == {"qa": 60, "satisfaction": 40}
    with pytest.raises(ConfigError, match="add up to 100 \\(they add up to 90\\)"):
        rules_from_config({"scorecard": {"qa": 60, "satisfaction": 30}})
    with pytest.raises(ConfigError, match="unknown scorecard component 'punctuality'"):
        rules_from_config({"scorecard": {"qa": 60, "punctuality": 40}})


def month_of_two_agents(store) -> None:
    """A1: a scored recording of 92 (35 of 40), 3 of 4 calls answered in time, 1 of 2 rated
    satisfied, 2 orders forwarded and 1 returned for correction; A2: 1 call answered late."""
    calls = [CallRecord(f"C{i}", DAY + timedelta(minutes=10 * i), DAY + timedelta(minutes=10 * i, seconds=s),
                        DAY + timedelta(minutes=10 * i + 3), "S01", "A1", rating)
             for i, (s, rating) in enumerate(((5, "满意"), (10, "不满意"), (14, ""), (20, "")))]
    calls.append(CallRecord("C9", DAY, DAY + timedelta(seconds=30), DAY + timedelta(minutes=2), "S01", "A2"))
    upsert_calls(store, calls)
    save_review(store, "C0", "2026-11", "A1", [], 92, reviewed_by="Q01", reviewed_at="2026-11-20T10:00:00")
    agent, dispatcher = Actor("A1", Role.AGENT), Actor("D201", Role.DISPATCHER)
    for i, then in enumerate(("dispatched", "dispatched", "returned_to_intake")):
        result = store.record([NewEvent("created", {**ORDER, "call_time": (DAY + timedelta(hours=i)).isoformat()}, agent,
                                        at=DAY + timedelta(hours=i))])
        assert result.ok, result.reason
        payload = {"lead_unit": "U001"} if then == "dispatched" else {"reason": "地址不详细"}
        assert store.record([NewEvent(then, payload, dispatcher, result.orders[0], DAY + timedelta(hours=i, minutes=30))]).ok


def test_the_report_ranks_the_agents_and_writes_the_xlsx(tmp_path, capsys):
    """`hotline qa report --month --json --xlsx`: every component, the total, the place; the sheet
    holds the same numbers; --operator gives one agent their own line only."""
    store = Store.init(tmp_path / "seat", "S01")
    month_of_two_agents(store)
    store.close()
    data = ["--data-dir", str(tmp_path / "seat")]
    out = tmp_path / "考核.xlsx"
    assert main(["qa", "report", "--month", "2026-11", "--json", "--xlsx", str(out), *data]) == 0
    report = json.loads(capsys.readouterr().out)
    a1, a2 = report["agents"]
    assert a1["points"] == {"qa": 35.0, "answered_in_time": 15.0, "satisfaction": 10.0, "order_quality": 13.33}
    assert a1["total"] == 73.33 and (a1["total_rank"], a1["of_total"]) == (1, 2)
    assert a2["points"] == {"qa": None, "answered_in_time": 0.0, "satisfaction": None, "order_quality": None}
    assert a2["total"] == 0.0 and a2["total_rank"] == 2  # its one case (M-02) scaled to 100
    rows = list(openpyxl.load_workbook(out, read_only=True)["坐席考核"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r[0] == "坐席")
    assert rows[head][7:] == ("录音质检（40分）", "应答及时率（20分）", "服务满意率（20分）", "工单合格率（20分）", "总分", "名次")
    assert rows[head + 1][0] == "A1" and rows[head + 1][7:] == (35, 15, 10, 13.33, 73.33, "1/2")
    assert main(["qa", "report", "--month", "2026-11", "--operator", "A1", "--json", *data]) == 0
    assert [a["operator"] for a in json.loads(capsys.readouterr().out)["agents"]] == ["A1"]
    assert main(["qa", "report", "--month", "2026-11", "--operator", "A7", *data]) == 1
    assert capsys.readouterr().err.strip() == "hotline: no agent 'A7' in 2026-11"


def test_the_weights_the_centre_publishes_with_the_rules_are_the_ones_a_seat_scores_with(served_centre, tmp_path,
                                                                                            capsys):
    """`hotline centre rules publish` with a [scorecard] table; after a sync the seat's report uses it."""
    centre, server, url = served_centre
    rules = tmp_path / "rules.toml"
    rules.write_text("[scorecard]\nqa = 70\nanswered_in_time = 30\n", encoding="utf-8")
    assert main(["centre", "rules", "publish", str(rules), "--db", url]) == 0
    assert "rules published" in capsys.readouterr().out
    store = make_seat(tmp_path, "S01", centre, server.url)
    month_of_two_agents(store)
    sync_once(store, client(store))
    assert store.rules.scorecard == {"qa": 70, "answered_in_time": 30}
    data = str(store.data_dir)
    store.close()
    assert main(["qa", "report", "--month", "2026-11", "--operator", "A1", "--json", "--data-dir", data]) == 0
    a1 = json.loads(capsys.readouterr().out)["agents"][0]
    assert a1["points"] == {"qa": 61.25, "answered_in_time": 22.5} and a1["total"] == 83.75
    rules.write_text("[scorecard]\nqa = 70\nanswered_in_time = 20\n", encoding="utf-8")
    assert main(["centre", "rules", "publish", str(rules), "--db", url]) != 0
    assert "add up to 100" in capsys.readouterr().err
