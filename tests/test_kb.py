"""Knowledge base core: segmentation, search passes, pinyin, synonyms, validity, announcements,
import, starter base, the order text index and the `hotline kb` commands (real SQLite)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.domain.roles import Actor, Role
from console.kb import search_similar_orders, seed_starter_kb
from console.kb.announcements import upsert_announcements
from console.kb.db import open_read
from console.kb.importer import import_file
from console.kb.indexer import reindex, upsert_articles
from console.kb.search import search
from console.kb_source import load_starter
from console.store import NewEvent, Store
from console.wire.kb_records import Announcement, article_from_row

TODAY = date(2026, 11, 28)
AGENT = Actor("A101", Role.AGENT, "")


def art(id, title, answer="请按规定办理。", **kw):
    return article_from_row({"id": id, "title": title, "answer": answer, **kw})


ARTICLES = [
    art("W1", "停水停电怎么办", "请拨打自来水公司热线。", department="市水务局", content_class="城建环保/供水",
        keywords="停水,停电"),
    art("G1", "住房公积金提取条件", "购房、租房、退休可以提取。", department="市住房公积金管理中心",
        content_class="城建环保/住房公积金", keywords="公积金"),
    art("M1", "医疗保障局办公时间", "工作日上午9点至下午5点。", department="市医疗保障局",
        content_class="科教文卫/卫生医疗"),
    art("B1", "小区环境整治方案", "整治期间如遇停水，请拨打物业电话。", department="市城市管理局",
        content_class="城建环保/环境卫生"),
    art("X1", "旧的停水通知", "已过期。", valid_to="2025-01-31", content_class="城建环保/供水"),
    art("R1", "低保申请条件", "向街道提出申请。", review_date="2026-01-31", department="市民政局",
        content_class="司法民政/低保", keywords="低保,最低生活保障"),
]


@pytest.fixture
def store(tmp_path):
    s = Store.init(tmp_path, "S01")
    yield s
    s.close()


@pytest.fixture
def conn(store):
    with open_read(store.path) as c:
        c.execute("BEGIN IMMEDIATE")
        upsert_articles(c, ARTICLES)
        c.execute("COMMIT")
        yield c
    c.close()


def ids(result):
    return [h.id for h in result.hits]


def test_title_match_comes_before_body_match(conn):
    result = search(conn, "停水", today=TODAY)
    assert ids(result)[0] == "W1"
    assert "B1" in ids(result)
    stages = {h.id: h.stage for h in result.hits}
    assert stages["W1"] == "title" and stages["B1"].startswith("body")


def test_last_token_is_a_prefix_while_typing(conn):
    assert ids(search(conn, "公积金提", today=TODAY))[0] == "G1"
    assert ids(search(conn, "住房公", today=TODAY))[0] == "G1"


def test_pinyin_initials_and_full_pinyin(conn):
    assert ids(search(conn, "tstd", today=TODAY))[0] == "W1"
    assert ids(search(conn, "gjj", today=TODAY))[0] == "G1"
    assert ids(search(conn, "gongjijin", today=TODAY))[0] == "G1"
    assert ids(search(conn, "ＧＪＪ", today=TODAY))[0] == "G1"  # full-width, upper case


def test_abbreviation_finds_the_full_name(conn):
    assert ids(search(conn, "医保局", today=TODAY))[0] == "M1"


def test_expired_articles_are_not_offered_and_past_review_is_marked(conn):
    assert "X1" not in ids(search(conn, "停水通知", today=TODAY))
    assert "X1" in ids(search(conn, "停水通知", today=date(2025, 1, 1)))
    hit = search(conn, "低保", today=TODAY).hits[0]
    assert hit.id == "R1" and hit.stale
    assert not search(conn, "低保", today=date(2026, 1, 1)).hits[0].stale


def test_filters_by_content_class_and_department(conn):
    assert set(ids(search(conn, "停水", content_class="城建环保", today=TODAY))) == {"W1", "B1"}
    assert ids(search(conn, "停水", department="市城市管理局", today=TODAY)) == ["B1"]
    assert ids(search(conn, "停水", content_class="科教文卫", today=TODAY)) == []


def test_spoken_question_falls_back_to_any_word(conn):
    assert ids(search(conn, "请问我想问一下公积金怎么取出来", today=TODAY))[0] == "G1"


def test_limit_is_respected_and_empty_query_finds_nothing(conn):
    assert len(search(conn, "停水", limit=1, today=TODAY).hits) == 1
    assert search(conn, "", today=TODAY).hits == []
    assert search(conn, "   的了吗", today=TODAY).hits == []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list('停水公积金"*()^:-{} ANDORNEAR abc[/]\\')), max_size=12))
def test_any_typed_text_makes_valid_fts_expressions(conn, text):
    from console.kb import query as kbq

    q = kbq.parse(text)
    for expr in (kbq.words_expr(q), kbq.words_expr(q, " OR "), kbq.bigrams_expr(q)):
        if expr:  # FTS5 must accept every expression we build (no silent syntax errors)
            conn.execute("SELECT count(*) FROM kb_head WHERE kb_head MATCH ?", (expr,)).fetchone()
    search(conn, text, today=TODAY)


def test_announcement_for_the_callers_area_comes_first(conn):
    upsert_announcements(conn, [
        Announcement("A-far", "城西区停电", area="城西区", starts_at="2026-11-27 08:00", ends_at="2026-12-01 18:00",
                     answer="检修停电", kind="停电"),
        Announcement("A-near", "解放路停水", area="解放路街道、和平里", starts_at="2026-11-27 08:00",
                     ends_at="2026-12-01 18:00", answer="管网改造", kind="停水"),
        Announcement("A-old", "解放路停水（旧）", area="解放路街道", starts_at="2025-01-01 08:00",
                     ends_at="2025-01-02 18:00", answer="已恢复", kind="停水"),
    ])
    result = search(conn, "停电", address="城东区解放路街道和平里3号", today=TODAY)
    anns = [(a.announcement.id, a.area_match) for a in result.announcements]
    assert anns[0] == ("A-near", True)
    assert ("A-far", False) in anns
    assert "A-old" not in [a for a, _ in anns]


def test_reindex_rebuilds_the_same_results(conn):
    before = ids(search(conn, "停水", today=TODAY))
    conn.execute("BEGIN IMMEDIATE")
    assert reindex(conn) == len(ARTICLES)
    conn.execute("COMMIT")
    assert ids(search(conn, "停水", today=TODAY)) == before


# -- import -----------------------------------------------------------------------------------


def test_import_jsonl_reports_bad_rows_by_line_and_upserts_by_id(store, tmp_path):
    f = tmp_path / "a.jsonl"
    f.write_text("\n".join([
        json.dumps({"id": "J1", "title": "燃气泄漏怎么办", "answer": "关阀开窗", "keywords": ["燃气"]}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "J2", "answer": "没有标题"}, ensure_ascii=False),
        json.dumps({"id": "J3", "title": "暖气不热", "answer": "报修", "valid_to": "2026-13-01"}, ensure_ascii=False),
        json.dumps({"id": "J4", "title": "路灯不亮", "answer": "转城管"}, ensure_ascii=False),
    ]), encoding="utf-8")
    report = import_file(store.path, f)
    assert report.imported == 2
    assert [(e.line, e.message.split(":")[0]) for e in report.errors] == [
        (2, "bad JSON"), (3, "missing 'title'"), (4, "field 'valid_to'")]
    f.write_text(json.dumps({"id": "J1", "title": "闻到煤气味怎么办", "answer": "关阀开窗"}, ensure_ascii=False),
                 encoding="utf-8")
    assert import_file(store.path, f).imported == 1
    with open_read(store.path) as c:
        assert c.execute("SELECT count(*), group_concat(title) FROM kb_articles WHERE id='J1'").fetchone() == (1, "闻到煤气味怎么办")
        assert ids(search(c, "煤气味"))[0] == "J1"
        assert ids(search(c, "燃气泄漏")) == []  # the old title left the index with the upsert


def test_import_announcements_from_the_same_file(store, tmp_path):
    f = tmp_path / "ann.jsonl"
    f.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in [
        {"type": "announcement", "id": "N1", "kind": "停水", "title": "幸福路停水", "area": "幸福路",
         "start": "2026-11-28 08:00", "end": "2026-11-28 20:00", "answer": "20点前恢复"},
        {"type": "announcement", "id": "N2", "title": "时间倒了", "start": "2026-11-28 08:00", "end": "2026-11-27 08:00"},
        {"id": "A9", "title": "停水怎么办", "answer": "打热线"},
    ]), encoding="utf-8")
    report = import_file(store.path, f)
    assert (report.imported, report.announcements) == (1, 1)
    assert [(e.line, e.message) for e in report.errors] == [(2, "'end' is before 'start'")]
    from console.kb.announcements import active

    with open_read(store.path) as c:
        [hit] = active(c, now=datetime(2026, 11, 28, 12, 0), address="幸福路12号")
        assert (hit.announcement.id, hit.area_match) == ("N1", True)
        assert active(c, now=datetime(2026, 11, 29, 12, 0), address="幸福路12号") == []


def test_import_csv_with_line_numbers(store, tmp_path):
    f = tmp_path / "a.csv"
    f.write_text(
        "id,title,answer,department,content_class,keywords,review_date\n"
        "C1,噪声扰民怎么办,转城管,市城市管理局,城建环保/社会生活噪声,噪声、扰民,2027-01-01\n"
        ',"多行\n标题",答复,,,,\n'
        "C3,违章建筑举报,转街道,,,违建,\n",
        encoding="utf-8")
    report = import_file(store.path, f)
    assert report.imported == 2
    assert [(e.line, e.message) for e in report.errors] == [(3, "missing 'id'")]
    with open_read(store.path) as c:
        assert ids(search(c, "扰民"))[0] == "C1"


def test_import_taipei_faq_as_it_is(store, shared_data):
    report = import_file(store.path, shared_data / "taipei-1999-faq.jsonl")
    assert report.imported == 1875 and not report.errors
    with open_read(store.path) as c:
        row = c.execute("SELECT title, department, valid_from, keywords FROM kb_articles WHERE id='GIP_94148269'").fetchone()
        assert row[0].startswith("常见的资讯安全攻击手法") and row[1] == "台北市政府警察局" and row[2]
        assert "GIP_94148269" in ids(search(c, "资讯安全攻击手法", limit=5))


# -- starter base -----------------------------------------------------------------------------


def test_starter_base_covers_the_nine_classes_with_valid_paths():
    from console.taxonomy_source import load_taxonomy

    articles, announcements = load_starter()
    assert len(articles) >= 80 and len({a.id for a in articles}) == len(articles)
    taxonomy = load_taxonomy()
    assert all(taxonomy.is_valid_path(a.content_class.split("/")) for a in articles), [
        a.id for a in articles if not taxonomy.is_valid_path(a.content_class.split("/"))]
    assert len({a.content_class.split("/")[0] for a in articles}) == 9
    assert all(a.answer and a.department for a in articles)
    assert len(announcements) >= 3 and all(a.area or a.kind == "通知" for a in announcements)


def test_seed_starter_kb_is_idempotent_and_searchable(store):
    n, m = seed_starter_kb(store)
    assert seed_starter_kb(store) == (n, m)
    with open_read(store.path) as c:
        assert c.execute("SELECT count(*) FROM kb_articles").fetchone()[0] == n
        assert ids(search(c, "公积金提取", today=TODAY))[0] == "KB-C01-019"
        assert ids(search(c, "暖气不热", today=TODAY))[0] == "KB-C01-004"
        assert ids(search(c, "tstd", today=TODAY))[0] == "KB-C01-023"  # initials find 停水停电


# -- order index (duplicates, R-11) -------------------------------------------------------------


def created(address, description):
    return NewEvent("created", {
        "caller_name": "张明", "caller_title": "先生", "phone": "13812345678", "address": address,
        "description": description, "nature": "求助", "content_path": ["城建环保", "供水"],
        "reply_wanted": True, "reply_method": "电话", "disposition": "transfer",
    }, AGENT, at=datetime(2026, 11, 27, 10, 0))


def test_orders_are_indexed_in_the_same_transaction(store):
    a = store.record([created("幸福路88号幸福家园3栋", "小区停水三天了，没有任何通知")])
    b = store.record([created("长安街道花园小区", "楼下饭店油烟扰民，晚上十点还在排烟")])
    assert a.ok and b.ok, (a.reason, b.reason)
    found = search_similar_orders(store, "幸福家园又停水了", "幸福路88号")
    assert [o.number for o in found] == a.orders
    assert search_similar_orders(store, "饭店油烟扰民，晚上还在排烟", "")[0].number == b.orders[0]
    assert search_similar_orders(store, "油烟", "") == []  # one word with no place is not a duplicate: quiet
    assert store.rebuild_projection() == 2
    assert [o.number for o in search_similar_orders(store, "停水", "幸福家园")] == a.orders


def test_a_house_number_alone_finds_nothing_and_ranks_the_same_building_first(store):
    """Duplicates (并单): addresses are full of numbers. "12" in 建设路12号 must not match every order
    with a 12 in it (城南新村12栋); on the same road, the same number comes first."""
    elsewhere = store.record([created("城南新村12栋", "12栋门口的路灯坏了")])
    next_door = store.record([created("建设路15号", "楼下饭店油烟很大，影响休息")])
    same = store.record([created("建设路12号", "楼下饭店油烟太大，窗户都不能开")])
    assert elsewhere.ok and next_door.ok and same.ok
    found = [o.number for o in search_similar_orders(store, "建设路12号楼下饭店油烟很大", "建设路12号")]
    assert found == same.orders + next_door.orders
    assert search_similar_orders(store, "12号楼门口", "12号") == []


def test_closed_orders_are_left_out_unless_asked(store):
    a = store.record([created("幸福路88号", "小区停水三天了，没有通知")])
    with store.engine.begin() as conn:  # close it the blunt way: only the status matters here
        conn.exec_driver_sql("UPDATE orders SET status='closed'")
    assert search_similar_orders(store, "停水", "幸福路") == []
    assert [o.number for o in search_similar_orders(store, "停水", "幸福路", open_only=False)] == a.orders


# -- command line -------------------------------------------------------------------------------


def run_cli(*argv):
    from console.cli import main

    return main(list(argv))


def test_cli_import_stats_search(store, tmp_path, capsys):
    d = str(tmp_path)
    f = tmp_path / "kb.jsonl"
    f.write_text(json.dumps({"id": "K1", "title": "停水怎么办", "answer": "打热线", "department": "市水务局"},
                            ensure_ascii=False) + "\n{bad\n", encoding="utf-8")
    assert run_cli("kb", "import", str(f), "--data-dir", d) == 1
    out, err = capsys.readouterr()
    assert "imported 1 articles" in out and "line 2: bad JSON" in err
    assert run_cli("kb", "stats", "--json", "--data-dir", d) == 0
    assert json.loads(capsys.readouterr().out)["articles"] == 1
    assert run_cli("kb", "search", "停水", "--json", "--limit", "3", "--data-dir", d) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["ids"] == ["K1"] and line["titles"] == ["停水怎么办"] and line["took_ms"] >= 0
    q = tmp_path / "q.txt"
    q.write_text("停水\ntsz\n路灯\n", encoding="utf-8")
    assert run_cli("kb", "search", "--queries", str(q), "--json", "--data-dir", d) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x["query"] for x in lines] == ["停水", "tsz", "路灯"]
    assert lines[1]["ids"] == ["K1"] and lines[2]["ids"] == []
    assert run_cli("kb", "reindex", "--data-dir", d) == 0
    assert "reindexed 1" in capsys.readouterr().out


def test_cli_errors_are_one_line(store, tmp_path, capsys):
    assert run_cli("kb", "import", str(tmp_path / "missing.jsonl"), "--data-dir", str(tmp_path)) == 2
    assert run_cli("kb", "search", "--data-dir", str(tmp_path)) == 2
    err = capsys.readouterr().err
    assert "hotline: no file" in err and "give either QUERY or --queries FILE" in err


def test_console_kb_does_not_import_textual():
    code = ("import sys, console.kb.search, console.kb.importer, console.kb.order_index, console.cli.kb_cmd; "
            "assert 'textual' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[1])


def test_kb_answers_for_an_order_text(store):
    from console.kb import kb_answers_for

    seed_starter_kb(store)
    hits = kb_answers_for(store, "来电人咨询住房公积金提取需要什么条件")
    assert hits and hits[0].id == "KB-C01-019" and hits[0].department == "市住房公积金管理中心"


def test_words_most_articles_have_are_not_required(store):
    """管理 in every article narrows nothing: the search still needs the other words, but not it."""
    from console.kb.indexer import refresh_common_terms

    with open_read(store.path) as c:
        c.execute("BEGIN IMMEDIATE")
        upsert_articles(c, [art(f"M{i}", f"物业管理第{i}条", keywords="管理") for i in range(6)]
                        + [art("M-water", "供水管理办法", keywords="管理,停水")])
        assert "管理" in refresh_common_terms(c)
        c.execute("COMMIT")
        assert ids(search(c, "停水 管理", today=TODAY, typing=False)) == ["M-water"]
        assert "M-water" in ids(search(c, "管理", today=TODAY, typing=False))  # alone, it is kept
