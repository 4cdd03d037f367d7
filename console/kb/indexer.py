"""Write articles and their index rows: one upsert per article, FTS rows replaced by rowid.

Pinyin (initials and full) of title and keyword words is computed here, at write time, never
at start-up (pypinyin costs 0.4 s to import). Initials of every word-boundary suffix of the
title (word starts, and starts of dictionary words inside long words) are indexed too, so
`gjjtq` finds 住房公积金提取 as a prefix.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from console import clock
from console.kb import segment, synonyms
from console.kb.db import raw
from console.kb.vectors import drop_vector
from console.wire.kb_records import Article

_UPSERT = (
    "INSERT INTO kb_articles (id, title, body, answer, department, content_class, keywords, valid_from, "
    "valid_to, review_date, source, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT(id) DO UPDATE SET title=excluded.title, body=excluded.body, answer=excluded.answer, "
    "department=excluded.department, content_class=excluded.content_class, keywords=excluded.keywords, "
    "valid_from=excluded.valid_from, valid_to=excluded.valid_to, review_date=excluded.review_date, "
    "source=excluded.source, updated_at=excluded.updated_at RETURNING rowid"
)
_MAX_INITIALS = 12  # a typed initials query longer than this is rare


def pinyin_tokens(title: str, keywords: list[str]) -> str:
    from console.pinyin import full_pinyin, initials

    tokens: list[str] = []
    title_words = [w for w in segment.cut(title) if segment.is_han(w)]
    # One initial per Han character, so a word start is also an offset into this string.
    inits = "".join(initials(w) for w in title_words)
    starts: set[int] = set()
    offset = 0
    for w in title_words:
        starts.update(offset + i for i in segment.sub_word_starts(w))
        offset += len(w)
    tokens.extend(inits[i : i + _MAX_INITIALS] for i in sorted(starts) if i < len(inits))
    fulls = [full_pinyin(w) for w in title_words]
    tokens.extend(fulls)
    if len(fulls) > 1:
        tokens.append("".join(fulls[:3]))
    for kw in keywords:
        kw_words = [w for w in segment.cut(kw) if segment.is_han(w)]
        if kw_words:
            tokens.append("".join(initials(w) for w in kw_words)[:_MAX_INITIALS])
            tokens.append("".join(full_pinyin(w) for w in kw_words))
    seen = dict.fromkeys(t for t in tokens if t)
    return " ".join(seen)


def with_synonyms(words: str) -> str:
    """The words plus every synonym/abbreviation of them, each as one token. Expanding here, not
    in the query, keeps queries to plain ANDed words (an OR of phrases per word costs 3x)."""
    syn = synonyms.table()
    extra = [alt.replace(" ", "") for w in words.split() for alt in syn.alternatives(w)]
    return " ".join([words, *dict.fromkeys(extra)]) if extra else words


def head_row(a: Article) -> tuple[str, str, str, str]:
    # The department is searchable with the keywords: callers ask for 医保局 as often as for a topic.
    kw_text = " ".join([*a.keywords, a.department])
    title_words = segment.words(a.title)
    kw_words = segment.words(kw_text)
    return (
        title_words,
        _keywords_column(title_words, kw_words),
        segment.bigrams(a.title + " " + kw_text),
        pinyin_tokens(a.title, a.keywords),
    )


def _keywords_column(title_words: str, kw_words: str) -> str:
    """Keyword words, then the synonyms of title and keyword words (ranked with the keywords)."""
    expanded = with_synonyms(title_words + " " + kw_words)
    return (kw_words + expanded[len(title_words) + 1 + len(kw_words):]).strip()


def body_row(a: Article) -> tuple[str, str]:
    text = a.answer + "\n" + a.body if a.body != a.answer else a.answer
    return with_synonyms(segment.words(text)), segment.bigrams(text)


def upsert_articles(conn, articles: Iterable[Article]) -> int:
    """Insert or replace articles by id, with their index rows, in the caller's transaction."""
    db = raw(conn)
    now = clock.iso(clock.now())
    n = 0
    for a in articles:
        rowid = db.execute(_UPSERT, (
            a.id, a.title, a.body, a.answer, a.department, a.content_class, ",".join(a.keywords),
            a.valid_from, a.valid_to, a.review_date, a.source, now,
        )).fetchone()[0]
        _write_index(db, rowid, a)
        drop_vector(db, rowid)  # embedded again from the new text (console.kb.vectors)
        n += 1
    return n


def _write_index(db, rowid: int, a: Article) -> None:
    db.execute("DELETE FROM kb_head WHERE rowid = ?", (rowid,))
    db.execute("DELETE FROM kb_body WHERE rowid = ?", (rowid,))
    db.execute("INSERT INTO kb_head (rowid, title, keywords, bigrams, pinyin) VALUES (?,?,?,?,?)",
               (rowid, *head_row(a)))
    db.execute("INSERT INTO kb_body (rowid, words, bigrams) VALUES (?,?,?)", (rowid, *body_row(a)))


def article_from_db(row) -> Article:
    return Article(
        id=row["id"], title=row["title"], body=row["body"], answer=row["answer"],
        department=row["department"], content_class=row["content_class"],
        keywords=[k for k in row["keywords"].split(",") if k], valid_from=row["valid_from"],
        valid_to=row["valid_to"], review_date=row["review_date"], source=row["source"],
    )


def reindex(conn) -> int:
    """Rebuild both FTS tables from kb_articles (after a dictionary or synonym change)."""
    import sqlite3

    db = raw(conn)
    db.execute("DELETE FROM kb_head")
    db.execute("DELETE FROM kb_body")
    cur = db.cursor()
    cur.row_factory = sqlite3.Row
    n = 0
    for row in cur.execute("SELECT * FROM kb_articles").fetchall():
        _write_index(db, row["rowid"], article_from_db(row))
        n += 1
    db.execute("INSERT INTO kb_head(kb_head) VALUES ('optimize')")
    db.execute("INSERT INTO kb_body(kb_body) VALUES ('optimize')")
    refresh_common_terms(db)
    return n


def delete_article(conn, article_id: str) -> bool:
    db = raw(conn)
    row = db.execute("SELECT rowid FROM kb_articles WHERE id = ?", (article_id,)).fetchone()
    if not row:
        return False
    for table in ("kb_head", "kb_body", "kb_vectors", "kb_articles"):
        db.execute(f"DELETE FROM {table} WHERE rowid = ?", (row[0],))
    return True


COMMON_SHARE = 0.5  # a word in more than half the articles narrows nothing
_COMMON_KEY = "kb_common_terms"


def refresh_common_terms(conn) -> list[str]:
    """List the head-index words found in more than COMMON_SHARE of the articles (0.15 s at 100k;
    run after imports and reindex, not per write). Kept in `meta`, read by every search; the
    per-term article counts (console.kb.vocab) are recounted with it."""
    from console.kb import vocab

    db = raw(conn)
    vocab.refresh(db)
    total = db.execute("SELECT count(*) FROM kb_articles").fetchone()[0]
    db.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.kb_head_terms USING fts5vocab(main, kb_head, row)")
    terms = [] if total < 4 else [r[0] for r in db.execute(
        "SELECT term FROM temp.kb_head_terms WHERE doc > ?", (COMMON_SHARE * total,))]
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
               (_COMMON_KEY, json.dumps(terms, ensure_ascii=False)))
    return terms


def common_terms(db) -> frozenset[str]:
    row = db.execute("SELECT value FROM meta WHERE key = ?", (_COMMON_KEY,)).fetchone()
    return frozenset(json.loads(row[0])) if row else frozenset()
