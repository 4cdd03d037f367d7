"""Counts for `hotline kb stats` and the screen's filter choices."""

from __future__ import annotations

from console import clock
from console.kb.db import raw


def stats(conn) -> dict:
    db = raw(conn)
    today = clock.now().date().isoformat()
    stamp = clock.now().strftime("%Y-%m-%d %H:%M")
    one = lambda sql, *p: db.execute(sql, p).fetchone()[0]  # noqa: E731
    return {
        "articles": one("SELECT count(*) FROM kb_articles"),
        "expired": one("SELECT count(*) FROM kb_articles WHERE valid_to != '' AND valid_to < ?", today),
        "past_review": one("SELECT count(*) FROM kb_articles WHERE review_date != '' AND review_date < ?", today),
        "departments": one("SELECT count(DISTINCT department) FROM kb_articles WHERE department != ''"),
        "announcements": one("SELECT count(*) FROM kb_announcements"),
        "announcements_active": one(
            "SELECT count(*) FROM kb_announcements WHERE (starts_at = '' OR starts_at <= ?) "
            "AND (ends_at = '' OR ends_at >= ?)", stamp, stamp),
        "indexed": one("SELECT count(*) FROM kb_head"),
        "by_class": dict(db.execute(
            "SELECT CASE WHEN instr(content_class, '/') > 0 THEN substr(content_class, 1, instr(content_class, '/') - 1) "
            "ELSE content_class END AS c, count(*) FROM kb_articles GROUP BY c ORDER BY c").fetchall()),
    }


def departments(conn) -> list[str]:
    return [r[0] for r in raw(conn).execute(
        "SELECT DISTINCT department FROM kb_articles WHERE department != '' ORDER BY department")]


def top_classes(conn) -> list[str]:
    rows = raw(conn).execute("SELECT DISTINCT content_class FROM kb_articles WHERE content_class != ''")
    return sorted({r[0].split("/")[0] for r in rows})


def get_article(conn, article_id: str):
    import sqlite3

    from console.kb.indexer import article_from_db

    cur = raw(conn).cursor()
    cur.row_factory = sqlite3.Row
    row = cur.execute("SELECT * FROM kb_articles WHERE id = ?", (article_id,)).fetchone()
    return article_from_db(row) if row else None
