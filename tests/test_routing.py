"""Routing learned from history (console/routing): class and lead unit from the store's own
dispatched orders, the words that led to them, the directory's keywords while history is thin,
retraining as history grows, `hotline orders suggest`, the desks' suggestions (real SQLite, real
TipDM messages when ../shared/data is there)."""

from __future__ import annotations

import json
import os
import random
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from console.cli import main
from console.domain.roles import Actor, Role
from console.kb.db import open_read
from console.routing import history
from console.routing.features import features
from console.routing.history import retrain, returned_share, stale
from console.routing.suggest import suggest
from console.store import NewEvent, Store

AGENT = Actor("A101", Role.AGENT)
DISPATCHER = Actor("D201", Role.DISPATCHER)
AT = datetime(2026, 11, 27, 9, 0)
SHARED = Path(os.environ.get("HOTLINE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
LABELLED = SHARED / "tipdm-labelled-dev.jsonl"
# Three of the TipDM classes as this console's taxonomy paths and the units that handle them.
ROUTES = {"城乡建设": (["城建环保", "城市规划"], "U001"), "环境保护": (["城建环保", "水污染"], "U003"),
          "交通运输": (["工业交通", "公交出行"], "U004")}
needs_data = pytest.mark.skipif(not LABELLED.is_file(), reason="../shared/data not present")


def messages(per_class: int, seed: int = 5) -> list[dict]:
    rows = [json.loads(x) for x in LABELLED.read_text(encoding="utf-8").splitlines() if x.strip()]
    rnd = random.Random(seed)
    out = []
    for label in ROUTES:
        mine = [r for r in rows if r["label"] == label and len((r.get("text") or "").strip()) >= 20]
        out += rnd.sample(mine, per_class)
    rnd.shuffle(out)
    return out


def text(m: dict) -> str:
    return f"{m['title'].strip()}。{m['text'].strip()}"[:3000]


def record(store: Store, m: dict, i: int, dispatch: bool = True) -> str:
    path, unit = ROUTES[m["label"]]
    rec = store.record([NewEvent("created", {
        "caller_name": "张明", "caller_title": "先生", "phone": f"1381234{i % 10000:04d}", "address": "A市A3区",
        "description": text(m), "nature": "投诉", "content_path": path, "reply_wanted": True,
        "reply_method": "电话", "disposition": "transfer"}, AGENT, at=AT)])
    assert rec.ok, rec.reason
    if dispatch:
        done = store.record([NewEvent("dispatched", {"lead_unit": unit}, DISPATCHER, rec.orders[0],
                                      at=AT + timedelta(hours=1))])
        assert done.ok, done.reason
    return rec.orders[0]


@pytest.fixture(scope="module")
def learned(tmp_path_factory):
    """A store whose history is 240 real messages, dispatched to the unit of their class; 60 held out."""
    if not LABELLED.is_file():
        pytest.skip("../shared/data not present")
    d = tmp_path_factory.mktemp("routing")
    store = Store.init(d, "S01")
    rows = messages(100)
    for i, m in enumerate(rows[:240]):
        record(store, m, i)
    report = retrain(store.path)
    yield store, rows[240:], report
    store.close()


@needs_data
def test_the_store_history_teaches_class_and_unit(learned):
    """Routing (R-12 transfer to the right unit) learned from the seat's own dispatched orders:
    held-out messages get their class and unit first far more often than chance (1/3)."""
    store, held, report = learned
    assert report.trained == {"class": 240, "unit": 240}
    directory = store.unit_directory()
    class_hits = unit_hits = 0
    for m in held:
        path, unit = ROUTES[m["label"]]
        got = suggest(store.path, text(m), "A市A3区", "投诉", directory)
        assert got.class_source == got.unit_source == "history"
        assert len(got.classes) == len(got.units) == 3
        assert abs(sum(s.score for s in got.units) - 1.0) < 0.01  # three labels: the whole distribution
        class_hits += got.classes[0].label == "/".join(path)
        unit_hits += got.units[0].label == unit
    assert class_hits / len(held) >= 0.8 and unit_hits / len(held) >= 0.8


@needs_data
def test_the_words_that_led_to_a_suggestion_are_the_callers(learned):
    store, held, _ = learned
    m = held[0]
    got = suggest(store.path, text(m), "", "", store.unit_directory())
    assert got.units[0].words and got.units[0].name
    assert all(w in text(m) for w in got.units[0].words)


@needs_data
def test_history_growth_makes_the_model_stale_and_a_retrain_learns_it(learned):
    store, held, _ = learned
    assert not stale(store.path)
    for i, m in enumerate(held[:25]):
        record(store, m, 1000 + i)
    assert stale(store.path)  # 265 > 240 x 1.1
    assert retrain(store.path).trained == {"class": 265, "unit": 265}
    assert not stale(store.path)


@needs_data
def test_cli_suggest_prints_top_three_classes_and_units(learned, capsys):
    store, held, _ = learned
    m = held[1]
    assert main(["orders", "suggest", "--description", text(m), "--json", "--data-dir", str(store.path.parent)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [c["class"] for c in out["classes"]][0] == "/".join(ROUTES[m["label"]][0])
    assert len(out["classes"]) == 3 and len(out["units"]) == 3 and out["unit_source"] == "history"
    assert out["units"][0]["code"] == ROUTES[m["label"]][1] and out["units"][0]["words"]
    assert out["history"]["dispatched"] >= 240 and out["took_ms"] >= 0


def test_thin_history_falls_back_to_the_directory_keywords(tmp_path, capsys):
    """While the store has fewer than MIN_HISTORY dispatched orders, units come from the
    directory's remit keywords and no class is guessed."""
    store = Store.init(tmp_path, "S01")
    store.close()
    assert main(["orders", "suggest", "--description", "楼下饭店油烟很大，窗户都不能开", "--json",
                 "--data-dir", str(tmp_path)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["class_source"] == "none" and out["classes"] == []
    assert out["unit_source"] == "keywords" and out["units"][0]["code"] == "U002"  # 城管局: 油烟
    assert out["units"][0]["words"] == ["油烟"]
    assert not (tmp_path / history.FILES["unit"]).exists()
    assert main(["orders", "suggest", "--description", "", "--data-dir", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == "hotline: --description is empty: give what the caller says"


def test_returned_share_counts_orders_units_sent_back(tmp_path):
    """R-24: the field's own measure of routing, orders sent back by a unit among those dispatched."""
    store = Store.init(tmp_path, "S01")
    try:
        numbers = []
        for i in range(3):
            rec = store.record([NewEvent("created", {
                "caller_name": "张明", "caller_title": "先生", "phone": "13812345678", "address": "幸福路88号",
                "description": f"小区停水三天了，没有任何通知（{i}）", "nature": "求助",
                "content_path": ["城建环保", "供水"], "reply_wanted": True, "reply_method": "电话",
                "disposition": "transfer"}, AGENT, at=AT)])
            numbers.append(rec.orders[0])
            assert store.record([NewEvent("dispatched", {"lead_unit": "U001"}, DISPATCHER, rec.orders[0],
                                          at=AT + timedelta(hours=1))]).ok
        unit = Actor("U001-1", Role.UNIT, unit="U001")
        back = store.record([NewEvent("unit_returned", {"reason": "不属于本单位职责"}, unit, numbers[0],
                                      at=AT + timedelta(hours=2))])
        assert back.ok, back.reason
        conn = open_read(store.path)
        try:
            assert returned_share(conn) == (1, 3)
        finally:
            conn.close()
    finally:
        store.close()


def test_features_count_the_first_sentence_twice():
    """The caller's matter is said first: its words weigh double."""
    f = features("油烟扰民。楼下饭店每天排烟", "台江区三捷河", "投诉")
    assert f["w油烟"] == 2 and f["w饭店"] == 1 and f["a三捷河"] == 1 and f["a台江区"] == 1 and f["n投诉"] == 1
