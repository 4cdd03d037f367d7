"""Knowledge-base search on every keystroke, ranked by relevance.

Passes over the two indexes (kb_head: titles, keywords, pinyin; kb_body: body and unified answer):
  all words   words, then character pairs, all required (bm25 with column weights)
  any word    words, and character pairs, any of them; bm25 of the four summed into one ranking
The passes are merged by reciprocal rank (weights in PASS_WEIGHTS), so the article near the top of
several passes comes first and the strict passes never stop the relaxed ones. Per-term article
counts (console.kb.vocab) bound the work at 100k articles: the any-word passes read only the rarer
terms within BUDGET doclist entries (a word in most articles has no bm25 weight anyway), and an
all-words pass ranks every match when one of its terms is rare, else (or for a prefix being typed)
the newest HEAD_CAP/BODY_CAP matches. Expired and not-yet-valid articles are dropped, ones past
their review date are marked. Hit.stage names the strictest pass that found the article.
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
from console.kb import segment, vocab
from console.kb.announcements import ActiveAnnouncement, active
from console.kb.db import raw
from console.kb.indexer import common_terms

# bm25 weights: title, keywords, bigrams, pinyin (head); words, bigrams (body)
HEAD_WEIGHTS = "10.0, 6.0, 2.0, 3.0"
BODY_WEIGHTS = "1.0, 0.5"
HEAD_CAP = 400  # an all-words pass with only common terms (or a prefix) ranks at most this many
BODY_CAP = 200
MERGE_DEPTH = 30  # how deep each pass is read for the merge
RRF_K = 5  # reciprocal-rank constant: small, so first places count (k=10: paraphrases 0.963, k=5: 0.997)


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


def _run_pass(db, table: str, weights: str, expr: str, depth: int, where: str, params: list,
              cap: int | None) -> list[tuple]:
    """The pass's matches, best first. With `cap`, FTS5 stops after that many matches (newest
    first) and only those are ranked: what a one-character prefix at 100k articles needs while
    typing. Without it every match is ranked by bm25."""
    if not expr or depth <= 0:
        return []
    inner = "ORDER BY rowid DESC LIMIT ?" if cap else "ORDER BY s LIMIT ?"
    sql = (
        f"SELECT {_ARTICLE_COLS}, m.s FROM (SELECT rowid, bm25({table}, {weights}) AS s FROM {table} "
        f"WHERE {table} MATCH ? {inner}) AS m JOIN kb_articles a ON a.rowid = m.rowid "
        f"WHERE 1{where} ORDER BY m.s LIMIT ?"
    )
    try:
        return db.execute(sql, [expr, cap or depth, *params, depth]).fetchall()
    except sqlite3.OperationalError:
        return []  # a query FTS5 cannot parse is simply no match


@dataclass(frozen=True)
class _Pass:
    stage: str
    table: str
    weights: str
    expr: str
    weight: float  # its share in the merged ranking
    strict: bool  # all words required, or any word (bm25 summed over the any-word passes)
    ranked: bool = True  # every match ranked; else FTS5 stops at the cap (newest first)


PASS_WEIGHTS = {"title": 1.0, "title-bigram": 0.8, "body": 0.6, "body-bigram": 0.5, "any": 1.0,
                "any-head": 1.0, "any-body": 1.0, "any-head-bigram": 1.0, "any-body-bigram": 1.0}
BUDGET = 1500  # doclist entries a pass may read: bounds the cost of a keystroke at 100k articles


def _passes(db, q: kbq.ParsedQuery, typing: bool) -> list[_Pass]:
    w = PASS_WEIGHTS
    words = [x for x in q.words if not (typing and q.prefix_last and x == q.words[-1])]
    han = "".join(x for x in words if segment.is_han(x))
    grams = [b for b in dict.fromkeys(segment.bigram_list(han)) if len(b) == 2]
    common = common_terms(db)  # in most articles: no weight in bm25, so no reason to match them
    passes = []
    for stage, table, weights, parsed in (("title", "kb_head", HEAD_WEIGHTS, _selective(db, q)),
                                          ("body", "kb_body", BODY_WEIGHTS, q)):
        counts = vocab.doc_counts(db, table, words + grams)
        if stage == "title" or q.has_han:
            passes.append(_Pass(stage, table, weights, kbq.words_expr(parsed), w[stage], True,
                                _rare_enough(counts, parsed.words, q, typing)))
        if q.has_han:
            passes.append(_Pass(stage + "-bigram", table, weights, kbq.bigrams_expr(q), w[stage + "-bigram"], True,
                                _rare_enough(counts, q.bigrams, q, typing)))
        side = "head" if table == "kb_head" else "body"
        rare_words = vocab.within_budget({x: 0 if x in common else counts[x] for x in words}, BUDGET)
        if len(q.words) > 1 and rare_words:
            expr = kbq.words_expr(dataclasses.replace(q, words=rare_words, prefix_last=False), " OR ")
            passes.append(_Pass("any", table, weights, expr, w["any-" + side], False))
        rare_grams = vocab.within_budget({b: 0 if b in common else counts[b] for b in grams}, BUDGET)
        if len(grams) > 1 and rare_grams and not typing:
            # Character pairs catch a caller's wording that the word cut splits otherwise; they
            # wait for a complete query (Enter, the CLI, R-21): at 100k articles they are the
            # costliest pass of a keystroke.
            expr = "{bigrams} : (" + " OR ".join(f'"{b}"' for b in rare_grams) + ")"
            passes.append(_Pass("any", table, weights, expr, w[f"any-{side}-bigram"], False))
    return passes


def _rare_enough(counts: dict[str, int], required: list[str], q: kbq.ParsedQuery, typing: bool) -> bool:
    """An all-words pass can rank every match when one required term is rare (the matches are
    at most its articles); a prefix being typed, or only common terms, keep the cap."""
    if typing and q.prefix_last:
        return False
    known = [counts.get(t, vocab.UNKNOWN) for t in required]
    return bool(known) and min(known) <= BUDGET


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
        boost = 4 if (content_class or department) else 1
        depth = max(limit, MERGE_DEPTH)
        # Reciprocal-rank merge of every pass: an article near the top of several passes (its
        # title has all the words, its body the rare ones) beats one a single pass put first.
        merged: dict[int, list] = {}
        relaxed: dict[int, list] = {}
        for p in _passes(db, q, typing):
            if p.strict and not p.ranked and len(merged) >= limit:
                continue  # a capped pass (a prefix, common words) adds little once the page is full
            cap = None if p.ranked else (HEAD_CAP if p.table == "kb_head" else BODY_CAP) * boost
            rows = _run_pass(db, p.table, p.weights, p.expr, depth, where, params, cap)
            if not p.strict:
                # The any-word passes add their bm25 (head and body alike, as one index would):
                # an article whose body has the rare words and whose title has one more wins.
                for r in rows:
                    relaxed.setdefault(r[0], [0.0, r])[0] += -r[10] * p.weight
                continue
            for rank, r in enumerate(rows):
                entry = merged.setdefault(r[0], [0.0, p.stage, r])
                entry[0] += p.weight / (RRF_K + rank)
        for rank, (_s, r) in enumerate(sorted(relaxed.values(), key=lambda e: -e[0])):
            entry = merged.setdefault(r[0], [0.0, "any", r])
            entry[0] += PASS_WEIGHTS["any"] / (RRF_K + rank)
        best = sorted(merged.values(), key=lambda e: -e[0])[:limit]
        result.hits = [_hit(stage, r, day, score) for score, stage, r in best]
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


def _hit(stage: str, r: tuple, today: str, score: float) -> Hit:
    return Hit(
        id=r[1], title=r[2], answer=r[3], body=r[4], department=r[5], content_class=r[6],
        keywords=[k for k in r[7].split(",") if k], review_date=r[8], valid_to=r[9],
        score=round(score * 1000, 3), stage=stage, stale=bool(r[8]) and r[8] < today,
    )
