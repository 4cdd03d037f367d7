"""How many articles hold each term, so a search can bound its work: an any-word pass reads the
rare terms' doclists and leaves out the terms so common that bm25 gives them almost no weight;
an all-words pass whose rarest term is rare is ranked in full.

FTS5's own vocabulary (fts5vocab) answers one term in 0.2 ms, too slow for twenty terms a
keystroke, so the counts are copied into `kb_term_docs` when the common terms are listed (after
imports and reindex). Articles written since then are not counted: a term missing from the table
counts as rare, so it is searched, never dropped.
"""

from __future__ import annotations

import sqlite3

_DDL = "CREATE TABLE IF NOT EXISTS kb_term_docs (term TEXT PRIMARY KEY, head INTEGER NOT NULL, body INTEGER NOT NULL) WITHOUT ROWID"
UNKNOWN = 1  # a term written after the last count


def refresh(db) -> int:
    """Recount every term of both indexes (in the caller's write transaction)."""
    db.execute(_DDL)
    db.execute("DELETE FROM kb_term_docs")
    for table in ("kb_head", "kb_body"):
        db.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.{table}_terms USING fts5vocab(main, {table}, row)")
    db.execute(
        "INSERT INTO kb_term_docs (term, head, body) SELECT term, sum(h), sum(b) FROM ("
        " SELECT term, doc AS h, 0 AS b FROM temp.kb_head_terms UNION ALL"
        " SELECT term, 0, doc FROM temp.kb_body_terms) GROUP BY term")
    return db.execute("SELECT count(*) FROM kb_term_docs").fetchone()[0]


def doc_counts(db, table: str, terms: list[str]) -> dict[str, int]:
    """{term: articles whose `table` (kb_head or kb_body) index holds it}."""
    column = "head" if table == "kb_head" else "body"
    unique = list(dict.fromkeys(terms))
    counts = dict.fromkeys(unique, UNKNOWN)
    if not unique:
        return counts
    marks = ",".join("?" * len(unique))
    try:
        rows = db.execute(f"SELECT term, {column} FROM kb_term_docs WHERE term IN ({marks})", unique).fetchall()
    except sqlite3.OperationalError as exc:  # a store never counted: every term counts as rare
        if "no such table" not in str(exc):
            raise
        return counts
    counts.update({term: max(n, UNKNOWN) if n else 0 for term, n in rows})
    return counts


def within_budget(counts: dict[str, int], budget: int) -> list[str]:
    """The rarest terms whose doclists together stay within `budget` entries (zero counts left out),
    in the order given."""
    chosen, total = set(), 0
    for term, n in sorted(counts.items(), key=lambda kv: kv[1]):
        if n == 0:
            continue
        if total + n > budget:
            break
        chosen.add(term)
        total += n
    return [t for t in counts if t in chosen]
