"""The order text index for duplicate search (R-11): address and description, segmented and as
bigrams, kept in `orders_fts` by the store in the same transaction as each projection upsert."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from console.domain.kinds import NOT_OPEN
from console.kb import segment
from console.kb.db import raw

# Orders that can still be joined by a duplicate (not answered, refused, closed or merged).
CLOSED_STATUSES = tuple(sorted(NOT_OPEN))  # finished or merged: not a duplicate to join


def index_order(conn, state) -> None:
    """Replace the order's row in orders_fts (rowid = orders.rowid, stable across upserts)."""
    db = raw(conn)
    row = db.execute("SELECT rowid FROM orders WHERE number = ?", (state.number,)).fetchone()
    if row is None:
        return
    db.execute("DELETE FROM orders_fts WHERE rowid = ?", (row[0],))
    db.execute(
        "INSERT INTO orders_fts (rowid, number, address, words, bigrams) VALUES (?,?,?,?,?)",
        (row[0], state.number, segment.words(state.address), segment.words(state.description),
         segment.bigrams(state.address + " " + state.description)),
    )


def rebuild_order_index(conn) -> int:
    """After the projection is rebuilt (rowids change): index every order again."""
    db = raw(conn)
    db.execute("DELETE FROM orders_fts")
    rows = db.execute("SELECT rowid, number, address, description FROM orders").fetchall()
    for rowid, number, address, description in rows:
        db.execute(
            "INSERT INTO orders_fts (rowid, number, address, words, bigrams) VALUES (?,?,?,?,?)",
            (rowid, number, segment.words(address), segment.words(description),
             segment.bigrams(address + " " + description)),
        )
    return len(rows)


@dataclass
class SimilarOrder:
    number: str
    status: str
    created_at: str
    address: str
    description: str
    score: float  # higher is more alike


def _kept(word: str) -> bool:
    """A word worth matching: not a stop word, not one character, not a bare number (every other
    address has a 12 in it; a number only means something after its road or estate)."""
    return len(word) > 1 and word not in segment.STOPWORDS and not word.isdigit()


def _terms(text: str) -> list[str]:
    return list(dict.fromkeys(w for w in segment.cut(text) if _kept(w)))


def _place_terms(address: str) -> list[str]:
    """The address's words, and each house number as a phrase with the word before it ("建设路 12"):
    OR-ed in, the phrase cannot admit an order on its own (it holds a word already asked for) but
    adds to the rank of the same building on the same road."""
    tokens = segment.cut(address)
    terms: list[str] = []
    last = None  # index of the last place word kept
    for i, token in enumerate(tokens):
        if _kept(token):
            terms.append(token)
            last = i
        elif token.isdigit() and last is not None and i - last <= 2:
            terms.append(" ".join(tokens[last:i + 1]))
    return list(dict.fromkeys(terms))


def similar_orders(conn, text: str, address: str = "", limit: int = 10, open_only: bool = True) -> list[SimilarOrder]:
    words = _terms(text)
    places = _place_terms(address)
    if not words and not places:
        return []
    groups = []
    if words:
        groups.append("{words bigrams} : (" + " OR ".join(f'"{w}"' for w in words) + ")")
    if places:
        groups.append("{address} : (" + " OR ".join(f'"{w}"' for w in places) + ")")
    expr = " AND ".join(groups) if words and places else groups[0]
    where = f" AND o.status NOT IN ({','.join('?' * len(CLOSED_STATUSES))})" if open_only else ""
    sql = (
        "SELECT o.number, o.status, o.created_at, o.address, o.description, bm25(orders_fts, 0, 4.0, 2.0, 0.5) AS s "
        "FROM orders_fts JOIN orders o ON o.rowid = orders_fts.rowid "
        f"WHERE orders_fts MATCH ?{where} ORDER BY s LIMIT ?"
    )
    params = [expr, *(CLOSED_STATUSES if open_only else ()), limit]
    try:
        rows = raw(conn).execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []
    return [SimilarOrder(r[0], r[1], r[2], r[3], r[4], round(-r[5], 3)) for r in rows]


def search_similar_orders(store, text: str, address: str = "", limit: int = 10,
                          open_only: bool = True) -> list[SimilarOrder]:
    """For the seat screen: open orders like the one being taken (same place and matter first)."""
    from console.kb.db import open_read

    conn = open_read(store.path)
    try:
        return similar_orders(conn, text, address, limit, open_only)
    finally:
        conn.close()
