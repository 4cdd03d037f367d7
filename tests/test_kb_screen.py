"""KB panel and KB screen under Pilot: typing refreshes results, F9 chooses the answer, the
caller's area announcement first, filters, markup payloads shown as plain text, one snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import Footer, Input, OptionList, Select, Static

from console.kb.announcements import upsert_announcements
from console.kb.db import open_read
from console.kb.indexer import upsert_articles
from console.store import Store
from console.wire.kb_records import Announcement, article_from_row
from screens.kb import KBScreen
from screens.widgets.kb_panel import KBPanel

KB_TCSS = Path(__file__).resolve().parents[1] / "screens" / "kb.tcss"
PAYLOADS = ["[/]", "[b]x[/b]", "[B]x[/B]", "[$accent]x[/]", "[@click=app.quit]x[/]", "C:\\temp\\"]

ARTICLES = [
    {"id": "W1", "title": "停水停电怎么办", "answer": "请拨打自来水公司热线0123-96100。", "department": "市水务局",
     "content_class": "城建环保/供水", "keywords": "停水"},
    {"id": "G1", "title": "住房公积金提取条件", "answer": "购房、租房、退休可以提取住房公积金。",
     "department": "市住房公积金管理中心", "content_class": "城建环保/住房公积金"},
    {"id": "G2", "title": "公积金贷款额度", "answer": "单人最高60万元。", "department": "市住房公积金管理中心",
     "content_class": "城建环保/住房公积金"},
    {"id": "S1", "title": "社保卡补办", "answer": "到合作银行网点补办。", "department": "市人力资源和社会保障局",
     "content_class": "劳动人事/城镇职工养老保险", "review_date": "2020-01-31"},
    {"id": "P1", "title": "标记测试 " + " ".join(PAYLOADS), "answer": "口径 " + " ".join(PAYLOADS),
     "department": "[b]部门[/b]", "content_class": "其他/工会"},
]


def make_store(tmp_path, announcements=()) -> Store:
    store = Store.init(tmp_path, "S01")
    with open_read(store.path) as c:
        c.execute("BEGIN IMMEDIATE")
        upsert_articles(c, [article_from_row(a) for a in ARTICLES])
        upsert_announcements(c, announcements)
        c.execute("COMMIT")
    c.close()
    return store


class PanelApp(App):
    CSS_PATH = KB_TCSS

    def __init__(self, store: Store, address: str = "", show_timing: bool = True):
        super().__init__()
        self.store = store
        self.address = address
        self.show_timing = show_timing
        self.chosen: list[KBPanel.AnswerChosen] = []

    def compose(self):
        yield KBPanel(address=self.address, show_timing=self.show_timing, id="kb")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#kb-query", Input).cursor_blink = False
        self.query_one(KBPanel).focus()

    def on_kbpanel_answer_chosen(self, message: KBPanel.AnswerChosen) -> None:
        self.chosen.append(message)


async def settle(pilot) -> None:
    await pilot.pause(0.15)  # past the 80 ms debounce
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def titles(app) -> list[str]:
    results = app.query_one("#kb-results", OptionList)
    return [results.get_option_at_index(i).prompt.plain for i in range(results.option_count)]


def answer_text(app) -> str:
    return app.query_one("#kb-answer", Static).visual.plain


@pytest.fixture
def store(tmp_path):
    s = make_store(tmp_path)
    yield s
    s.close()


async def test_typing_pinyin_refreshes_results_and_shows_the_best_answer(store):
    app = PanelApp(store)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("g", "j", "j")
        await settle(pilot)
        assert [t.split("  ")[0] for t in titles(app)] == ["公积金贷款额度", "住房公积金提取条件"] or \
            set(t.split("  ")[0] for t in titles(app)) == {"公积金贷款额度", "住房公积金提取条件"}
        best = app.query_one(KBPanel).current
        assert best.spoken_answer in answer_text(app)
        await pilot.press("backspace", "backspace", "backspace", "停", "水")
        await settle(pilot)
        assert titles(app)[0].startswith("停水停电怎么办")
        assert "请拨打自来水公司热线0123-96100。" in answer_text(app)


async def test_matched_words_are_highlighted_with_spans(store):
    app = PanelApp(store)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("停", "水")
        await settle(pilot)
        prompt = app.query_one("#kb-results", OptionList).get_option_at_index(0).prompt
        marked = {prompt.plain[s.start:s.end] for s in prompt.spans if "reverse" in str(s.style)}
        assert marked == {"停水"}


async def test_pinyin_query_marks_the_characters_it_spelled(store):
    app = PanelApp(store)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("g", "j", "j")
        await settle(pilot)
        results = app.query_one("#kb-results", OptionList)
        for i in range(results.option_count):
            prompt = results.get_option_at_index(i).prompt
            assert {prompt.plain[s.start:s.end] for s in prompt.spans if "reverse" in str(s.style)} == {"公积金"}


async def test_f9_posts_answer_chosen_and_is_in_the_footer(store):
    app = PanelApp(store)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("s", "b", "k")
        await settle(pilot)
        assert "kb_answer" in {b.binding.id for b in app.screen.active_bindings.values()}
        assert any(getattr(k, "key", "") == "alt+a" for k in app.query("FooterKey"))
        await pilot.press("alt+a")
        await pilot.pause()
        [m] = app.chosen
        assert (m.article_id, m.title, m.answer, m.department, m.announcement) == (
            "S1", "社保卡补办", "到合作银行网点补办。", "市人力资源和社会保障局", False)


async def test_down_then_f9_chooses_the_second_result(store):
    app = PanelApp(store)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("g", "j", "j")
        await settle(pilot)
        second = titles(app)[1].split("  ")[0]
        await pilot.press("down", "alt+a")
        await pilot.pause()
        assert app.chosen[-1].title == second


async def test_f9_with_nothing_found_says_so(store):
    app = PanelApp(store)
    async with app.run_test(size=(100, 36), notifications=True) as pilot:
        await pilot.press("z", "z", "z", "q")
        await settle(pilot)
        await pilot.press("alt+a")
        await pilot.pause()
        assert app.chosen == []
        assert [n.message for n in app._notifications] == ["没有可选用的知识库条目"]


async def test_announcement_for_the_callers_area_is_listed_first(tmp_path):
    ann = Announcement("ANN1", "解放路管网改造停水", area="解放路街道", starts_at="2000-01-01 00:00",
                       ends_at="2999-12-31 23:59", answer="分批停水，设临时供水点。", department="市自来水有限公司",
                       kind="停水")
    store = make_store(tmp_path, [ann])
    app = PanelApp(store, address="城东区解放路街道和平里3号")
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("g", "j", "j")
        await settle(pilot)
        assert titles(app)[0] == "【公告·本区域】解放路管网改造停水"
        assert "分批停水，设临时供水点。" in answer_text(app)
        await pilot.press("alt+a")
        await pilot.pause()
        assert (app.chosen[-1].article_id, app.chosen[-1].announcement) == ("ANN1", True)
    store.close()


async def test_address_change_brings_the_area_announcement_first(tmp_path):
    ann = Announcement("ANN2", "解放路停电检修", area="解放路街道", starts_at="2000-01-01 00:00",
                       ends_at="2999-12-31 23:59", answer="检修至18点。", kind="停电")
    store = make_store(tmp_path, [ann])
    app = PanelApp(store)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("g", "j", "j")
        await settle(pilot)
        assert not titles(app)[0].startswith("【公告")
        app.query_one(KBPanel).address = "城东区解放路街道5号"
        await settle(pilot)
        assert titles(app)[0] == "【公告·本区域】解放路停电检修"
    store.close()


async def test_article_past_its_review_date_is_marked(store):
    app = PanelApp(store)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("s", "b", "k")
        await settle(pilot)
        assert titles(app)[0].endswith("[待复核]")
        assert "复核日期 2020-01-31 已过" in answer_text(app)


async def test_filter_by_department(store):
    app = PanelApp(store)
    async with app.run_test(size=(100, 36)) as pilot:
        await pilot.press("g", "j", "j")
        await settle(pilot)
        assert len(titles(app)) == 2
        app.query_one("#kb-department", Select).value = "市水务局"
        await settle(pilot)
        assert titles(app) == []
        app.query_one("#kb-department", Select).value = "市住房公积金管理中心"
        await settle(pilot)
        assert len(titles(app)) == 2


async def test_markup_in_article_text_is_shown_as_plain_text(store):
    app = PanelApp(store)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("标", "记")
        await settle(pilot)
        shown = answer_text(app)
        for payload in PAYLOADS:
            assert payload in shown and payload in titles(app)[0]
        assert "[b]部门[/b]" in shown
        await pilot.click("#kb-answer")
        await pilot.click("#kb-results")
        await pilot.pause()
        assert app.is_running and app.return_code is None


async def test_kb_screen_pick_mode_returns_the_choice(store):
    picked = []

    class ScreenApp(App):
        CSS_PATH = KB_TCSS

        def __init__(self):
            super().__init__()
            self.store = store

        def on_mount(self):
            self.push_screen(KBScreen(query="社保", pick=True), picked.append)

    app = ScreenApp()
    async with app.run_test(size=(100, 36)) as pilot:
        await settle(pilot)
        await pilot.press("alt+a")
        await pilot.pause()
        assert [m.article_id for m in picked] == ["S1"]
        assert not isinstance(app.screen, KBScreen)


async def test_kb_screen_as_a_desk_copies_the_answer(store):
    class DeskApp(App):
        CSS_PATH = KB_TCSS

        def __init__(self):
            super().__init__()
            self.store = store

        def on_mount(self):
            self.push_screen(KBScreen())

    app = DeskApp()
    async with app.run_test(size=(100, 36), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("停", "水")
        await settle(pilot)
        await pilot.press("alt+a")
        await pilot.pause()
        assert app.clipboard == "请拨打自来水公司热线0123-96100。"
        assert [n.message for n in app._notifications] == ["已复制答复口径：停水停电怎么办"]


def test_kb_panel_snapshot(snap_compare, tmp_path):
    store = make_store(tmp_path)
    app = PanelApp(store, show_timing=False)

    async def type_query(pilot):
        await pilot.press("g", "j", "j")
        await settle(pilot)

    try:
        assert snap_compare(app, run_before=type_query, terminal_size=(100, 30))
    finally:
        store.close()
