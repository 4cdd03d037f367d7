"""Knowledge-base tables (schema v2): articles, announcements, their FTS5 indexes, the order index.

The search text is segmented in Python (rjieba) and stored space-separated, so FTS5's unicode61
tokenizer only splits on spaces. Two FTS tables instead of column filters on one: a query against
titles and keywords must not walk the doclists of every body that contains a common word.
  kb_head: title words, keyword words, title+keyword bigrams, pinyin (initials and full) of both.
  kb_body: body and unified-answer words and bigrams.
Both use the article's rowid; the row in kb_articles is the truth, the FTS rows are derived
(`hotline kb reindex` rebuilds them).
"""

from __future__ import annotations

from console.kb.db import raw

KB_DDL = [
    """CREATE TABLE IF NOT EXISTS kb_articles (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        body TEXT NOT NULL DEFAULT '',
        answer TEXT NOT NULL DEFAULT '',
        department TEXT NOT NULL DEFAULT '',
        content_class TEXT NOT NULL DEFAULT '',
        keywords TEXT NOT NULL DEFAULT '',
        valid_from TEXT NOT NULL DEFAULT '',
        valid_to TEXT NOT NULL DEFAULT '',
        review_date TEXT NOT NULL DEFAULT '',
        source TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL DEFAULT ''
    )""",
    "CREATE INDEX IF NOT EXISTS ix_kb_articles_department ON kb_articles(department)",
    "CREATE INDEX IF NOT EXISTS ix_kb_articles_class ON kb_articles(content_class)",
    """CREATE TABLE IF NOT EXISTS kb_announcements (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL,
        area TEXT NOT NULL DEFAULT '',
        starts_at TEXT NOT NULL DEFAULT '',
        ends_at TEXT NOT NULL DEFAULT '',
        answer TEXT NOT NULL DEFAULT '',
        department TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL DEFAULT ''
    )""",
    # prefix='1 2 3': the last token while typing is a prefix query (one Han character, or
    # a few pinyin letters); without a prefix index FTS5 scans the whole term list for it.
    """CREATE VIRTUAL TABLE IF NOT EXISTS kb_head USING fts5(
        title, keywords, bigrams, pinyin,
        tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3'
    )""",
    """CREATE VIRTUAL TABLE IF NOT EXISTS kb_body USING fts5(
        words, bigrams,
        tokenize = 'unicode61 remove_diacritics 0', prefix = '1'
    )""",
    # Order texts for duplicate search; rowid = orders.rowid (kept by the upsert).
    """CREATE VIRTUAL TABLE IF NOT EXISTS orders_fts USING fts5(
        number UNINDEXED, address, words, bigrams,
        tokenize = 'unicode61 remove_diacritics 0'
    )""",
]


def create_kb_tables(conn) -> None:
    """Called by the v2 migration inside its write transaction (SQLAlchemy or sqlite3 connection)."""
    db = raw(conn)
    for ddl in KB_DDL:
        db.execute(ddl)


def _register() -> None:
    from console.kb.order_index import create_places_table, index_order, rebuild_order_index
    from console.kb.vectors import create_vector_table
    from console.store.components import Component, register

    def v9(conn) -> None:
        """Article vectors for the semantic stage (console.kb.vectors), the dictionary of places."""
        create_vector_table(conn)
        create_places_table(conn)

    register(Component("kb", migrations={2: create_kb_tables, 9: v9}, on_order_written=index_order,
                       on_projection_rebuilt=rebuild_order_index))


_register()
