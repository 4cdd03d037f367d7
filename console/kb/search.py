"""Knowledge-base search on every keystroke.

Passes, each only while fewer than `limit` articles were found (title/keyword pass before body):
  1. head words   titles, keywords and pinyin, all words required, bm25 with column weights
  2. head bigrams
  3. body words   body and unified answer
  4. body bigrams
  5. any word     (OR) over titles and keywords, for long spoken questions
Each pass reads at most `cap` matches from FTS5 (LIMIT-aware: a one-character prefix at 100k
articles would otherwise rank thousands of rows) and ranks those; expired and not-yet-valid
articles are dropped, ones past their review date are marked.
"""

from __future__ import annotations

import dataclasses
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from datetime import time as clock_time

from console import clock
from console.kb import query as kbq
from console.kb.announcements import ActiveAnnouncement, active
from console.kb.db import raw
from console.kb.indexer import common_terms

# bm25 weights: title, keywords, bigrams, pinyin (head); words, bigrams (body)
HEAD_WEIGHTS = "10.0, 6.0, 2.0, 3.0"
BODY_WEIGHTS = "1.0, 0.5"
HEAD_CAP = 400
BODY_CAP = 200
ANY_PASS_BELOW = 1  # OR fallback only when nothing matched: halves p95, costs 0.5-1 pt of fragment recall
ANY_CAP = 400  # the OR fallback: a smaller cap loses 3 points of fragment recall on real data


@dataclass
class Hit:
    id: str
    title: str
    answer: str
    body: str
    department: str
    content_class: str
    keywords: list[str]
    review_date: str
    valid_to: str
    score: float  # higher is better
    stage: str  # which pass found it: title, title-bigram, body, body-bigram, any
    stale: bool = False  # past its review date: offered, but marked
    marks: list = field(default_factory=list)  # (start, end) title spans a pinyin query spelled

    @property
    def spoken_answer(self) -> str:
        return self.answer or self.body


@dataclass
class SearchResult:
    query: str
    hits: list[Hit] = field(default_factory=list)
    announcements: list[ActiveAnnouncement] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # for highlighting
    took_ms: float = 0.0


_ARTICLE_COLS = "a.rowid, a.id, a.title, a.answer, a.body, a.department, a.content_class, a.keywords, a.review_date, a.valid_to"


def _filters(today: str, content_class: str | None, department: str | None) -> tuple[str, list]:
    sql = " AND (a.valid_to = '' OR a.valid_to >= ?) AND (a.valid_from = '' OR a.valid_from <= ?)"
    params: list = [today, today]
    if content_class:
        sql += " AND (a.content_class = ? OR a.content_class LIKE ?)"
        params += [content_class, content_class + "/%"]
    if department:
        sql += " AND a.department = ?"
        params.append(department)
    return sql, params


def _run_pass(db, table: str, weights: str, expr: str, cap: int, n: int, where: str, params: list,
              exclude: set[int]) -> list[tuple]:
    if not expr or n <= 0:
        return []
    # The inner LIMIT bounds the work; ORDER BY rowid DESC prefers newer articles when capped.
    sql = (
        f"SELECT {_ARTICLE_COLS}, m.s FROM (SELECT rowid, bm25({table}, {weights}) AS s FROM {table} "
        f"WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?) AS m JOIN kb_articles a ON a.rowid = m.rowid "
        f"WHERE 1{where} ORDER BY m.s LIMIT ?"
    )
    try:
        rows = db.execute(sql, [expr, cap, *params, n + len(exclude)]).fetchall()
    except sqlite3.OperationalError:
        return []  # a query FTS5 cannot parse is simply no match
    return [r for r in rows if r[0] not in exclude][:n]


def search(conn, text: str, *, limit: int = 10, content_class: str | None = None,
           department: str | None = None, address: str = "", today: date | None = None,
           typing: bool = True, with_announcements: bool = True) -> SearchResult:
    t0 = time.perf_counter()
    db = raw(conn)
    q = kbq.parse(text, typing=typing)
    result = SearchResult(text, terms=q.highlight_terms())
    day = (today or clock.now().date()).isoformat()
    if not q.empty and limit > 0:
        where, params = _filters(day, content_class, department)
        cap_boost = 4 if (content_class or department) else 1
        found: list[tuple] = []
        seen: set[int] = set()
        head_words = kbq.words_expr(_selective(db, q))
        passes = [
            ("title", "kb_head", HEAD_WEIGHTS, head_words, HEAD_CAP),
            ("title-bigram", "kb_head", HEAD_WEIGHTS, kbq.bigrams_expr(q) if q.has_han else "", HEAD_CAP),
            ("body", "kb_body", BODY_WEIGHTS, kbq.words_expr(q) if q.has_han else "", BODY_CAP),
            ("body-bigram", "kb_body", BODY_WEIGHTS, kbq.bigrams_expr(q) if q.has_han else "", BODY_CAP),
            ("any", "kb_head", HEAD_WEIGHTS, kbq.words_expr(q, " OR ") if len(q.words) > 1 else "", ANY_CAP),
        ]
        for stage, table, weights, expr, cap in passes:
            if stage == "any" and len(found) >= ANY_PASS_BELOW:
                break  # the OR pass is a fallback for long spoken questions, and the costliest
            rows = _run_pass(db, table, weights, expr, cap * cap_boost, limit - len(found), where, params, seen)
            for r in rows:
                seen.add(r[0])
                found.append((stage, r))
            if len(found) >= limit:
                break
        result.hits = [_hit(stage, r, day, rank) for rank, (stage, r) in enumerate(found)]
    if with_announcements:
        # A search as of another day (a replay, a test) judges announcements at that day's noon,
        # not at this moment's clock.
        as_of = datetime.combine(today, clock_time(12)) if today else None
        result.announcements = active(db, as_of, address=address, terms=q.expanded_words())
        if not address and q.empty:
            result.announcements = []
    result.took_ms = (time.perf_counter() - t0) * 1000
    return result


def _selective(db, q: kbq.ParsedQuery) -> kbq.ParsedQuery:
    """The query without the words nearly every article has (管理, 部门 in a big base, listed at
    import by indexer.refresh_common_terms): requiring them selects nothing but makes FTS5 walk
    their long doclists (7x slower at 100k). The word being typed, and a lone word, are kept."""
    if len(q.words) < 2:
        return q
    common = common_terms(db)
    last = len(q.words) - 1
    keep = [w for i, w in enumerate(q.words) if w not in common or (q.prefix_last and i == last)]
    if not keep or len(keep) == len(q.words):
        return q
    return dataclasses.replace(q, words=keep)


_STAGE_BASE = {"title": 400.0, "title-bigram": 300.0, "body": 200.0, "body-bigram": 100.0, "any": 0.0}


def _hit(stage: str, r: tuple, today: str, rank: int) -> Hit:
    # A single comparable score: the pass sets the band, bm25 orders within it.
    score = round(_STAGE_BASE[stage] + min(99.0, -r[10]), 3)
    return Hit(
        id=r[1], title=r[2], answer=r[3], body=r[4], department=r[5], content_class=r[6],
        keywords=[k for k in r[7].split(",") if k], review_date=r[8], valid_to=r[9], score=score,
        stage=stage, stale=bool(r[8]) and r[8] < today,
    )
