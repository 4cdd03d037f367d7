"""Similar open orders (并单, R-11): shown only when really alike, the place (river, road, estate)
learned from recorded addresses, `hotline orders similar` (real SQLite, the real Fuzhou records
when ../shared/data is there)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from console.cli import main
from console.domain.roles import Actor, Role
from console.kb import places
from console.kb.db import open_read
from console.kb.order_index import similar_for_call
from console.store import NewEvent, Store

AGENT = Actor("A101", Role.AGENT, "")
SHARED = Path(os.environ.get("HOTLINE_SHARED_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))
BLACK_RIVER = "河水又黑又臭，夏天味道特别大，附近居民窗户都不敢开，希望尽快治理"


def created(address, description, at=datetime(2026, 11, 27, 10, 0)):
    return NewEvent("created", {
        "caller_name": "张明", "caller_title": "先生", "phone": "13812345678", "address": address,
        "description": description, "nature": "投诉", "content_path": ["城建环保", "水污染"],
        "reply_wanted": True, "reply_method": "电话", "disposition": "transfer",
    }, AGENT, at=at)


@pytest.fixture
def store(tmp_path):
    s = Store.init(tmp_path, "S01")
    yield s
    s.close()


def similar(store, description, address=""):
    conn = open_read(store.path)
    try:
        return similar_for_call(conn, description, address)
    finally:
        conn.close()


def test_place_names_are_read_whole_from_addresses():
    """The river, road and estate names that the word cut splits (三捷河 -> 三/捷/河)."""
    assert places.address_places("台江区三捷河") == ["三捷河"]
    assert places.address_places("仓山区白湖亭河边") == ["白湖亭河"]
    assert places.address_places("晋安区光明港二支河") == ["光明港二支河"]
    assert places.address_places("幸福路88号幸福家园3栋") == ["幸福路", "幸福家园"]
    assert places.address_places("长安街道花园小区") == ["花园小区"]
    assert places.district("台江区三捷河") == "台江区" and places.district("花园小区") == ""


def test_the_same_matter_at_the_same_river_is_shown_and_at_another_river_it_is_not(store):
    """R-11: the same river's open order is offered for merging; the same complaint about another
    river, or the same river's name in another district, is a different order: nothing shown."""
    here = store.record([created("台江区三捷河", "三捷河" + BLACK_RIVER)])
    assert here.ok, here.reason
    shown = similar(store, "三捷河" + BLACK_RIVER, "台江区三捷河")
    assert [o.number for o in shown] == here.orders and shown[0].score > 1.0
    assert similar(store, "东郊河" + BLACK_RIVER, "台江区东郊河") == []
    assert similar(store, "三捷河" + BLACK_RIVER, "鼓楼区三捷河") == []


def test_a_call_naming_a_learned_place_finds_its_orders_before_the_address_is_typed(store):
    """The dictionary of places: 三捷河 was learned from a recorded address, so a description that
    names it (no address yet) is matched by place, and one about another river stays quiet."""
    here = store.record([created("台江区三捷河", "河道里全是垃圾，没人清理，味道很大")])
    conn = open_read(store.path)
    try:
        assert conn.execute("SELECT name FROM order_places").fetchall() == [("三捷河",)]
    finally:
        conn.close()
    assert [o.number for o in similar(store, "三捷河边上垃圾很多有臭味")] == here.orders
    assert similar(store, "东郊河边上垃圾很多有臭味") == []


def test_nothing_alike_open_shows_nothing(store):
    """The panel stays quiet: one shared word, or a closed order, is not a duplicate."""
    store.record([created("幸福路88号", "小区停水三天了，没有任何通知")])
    assert similar(store, "路灯不亮", "人民路5号") == []
    assert similar(store, "停水") == []
    with store.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE orders SET status='closed'")
    assert similar(store, "小区停水三天了，没有任何通知", "幸福路88号") == []


def test_an_older_store_learns_its_places_from_the_orders_it_holds(tmp_path):
    """The v9 step fills the dictionary of places from the addresses already recorded."""
    s = Store.init(tmp_path, "S01")
    s.record([created("台江区三捷河", "三捷河" + BLACK_RIVER), created("幸福路88号幸福家园3栋", "小区停水三天了，没有通知")])
    with s.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE order_places")
        conn.exec_driver_sql("DROP TABLE kb_vectors")
        conn.exec_driver_sql("UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    s.close()
    s = Store.open(tmp_path)
    try:
        conn = open_read(s.path)
        names = {r[0] for r in conn.execute("SELECT name FROM order_places")}
        conn.close()
        assert names == {"三捷河", "幸福路", "幸福家园"}
    finally:
        s.close()


def test_cli_similar_prints_what_the_panel_would_show(store, capsys):
    here = store.record([created("台江区三捷河", "三捷河" + BLACK_RIVER)])
    d = str(store.path.parent)
    assert main(["orders", "similar", "--description", "三捷河" + BLACK_RIVER, "--address", "台江区三捷河",
                 "--json", "--data-dir", d]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [o["number"] for o in out["orders"]] == here.orders and out["orders"][0]["score"] > 1.0
    assert out["took_ms"] >= 0
    assert main(["orders", "similar", "--description", "东郊河" + BLACK_RIVER, "--address", "台江区东郊河",
                 "--data-dir", d]) == 0
    assert "no similar open orders" in capsys.readouterr().out
    assert main(["orders", "similar", "--description", "  ", "--data-dir", d]) == 2
    assert main(["orders", "similar", "--description", "x", "--address", "路" * 201, "--data-dir", d]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["hotline: --description is empty: give what the caller says",
                   "hotline: --address is 201 characters: at most 200"]


@pytest.mark.skipif(not (SHARED / "fuzhou-12345-orders.jsonl").is_file(), reason="../shared/data not present")
def test_fuzhou_repeats_are_found_and_other_calls_stay_quiet():
    """The issue's goals on the real Fuzhou records (bench/similar_bench.py's replay, the later
    half: the threshold was chosen on the earlier one): the true earlier order in the top 3 for
    >= 0.90 of repeats, something shown for <= 5 % of calls with nothing similar open."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import similar_bench

    rows = similar_bench.fuzhou()
    with tempfile.TemporaryDirectory() as tmp:
        s = Store.init(Path(tmp), "B01")
        conn = open_read(s.path)
        where: dict[str, tuple[str, str]] = {}
        top3, shown = [], []
        try:
            for i, r in enumerate(rows):
                at = datetime.fromisoformat(r["created"]).replace(hour=10)
                with s.engine.begin() as c:
                    c.exec_driver_sql("UPDATE orders SET status = 'closed' WHERE created_at < ?",
                                      ((at - timedelta(days=7)).isoformat(),))
                open_now = {n for (n,) in conn.execute("SELECT number FROM orders WHERE status != 'closed'")}
                truth = {n for n in open_now if where[n] == (r["district"], r["river"])}
                text, address = similar_bench.described(r), r["district"] + r["river"]
                if i >= len(rows) // 2:
                    got = [o.number for o in similar_for_call(conn, text, address)]
                    (top3 if truth else shown).append(bool(truth & set(got[:3])) if truth else bool(got))
                rec = s.record([created(address, text, at)])
                assert rec.ok, rec.reason
                where[rec.orders[0]] = (r["district"], r["river"])
        finally:
            conn.close()
            s.close()
    assert sum(top3) / len(top3) >= 0.90
    assert sum(shown) / len(shown) <= 0.05
