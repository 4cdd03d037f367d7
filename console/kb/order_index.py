"""The order text index for duplicate search (R-11): address and description, segmented and as
bigrams, kept in `orders_fts` by the store in the same transaction as each projection upsert, and
the place names of recorded addresses (`order_places`, console.kb.places), the user dictionary of
places the similar-orders lookup (`similar_for_call`) matches calls by."""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass

from console.domain.kinds import NOT_OPEN
from console.kb import places, segment
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
    learn_places(db, state.address)


ORDER_PLACES_DDL = "CREATE TABLE IF NOT EXISTS order_places (name TEXT PRIMARY KEY) WITHOUT ROWID"


def learn_places(db, address: str) -> None:
    """Keep the address's place names in the dictionary of places (same transaction)."""
    for name in places.address_places(address):
        db.execute("INSERT OR IGNORE INTO order_places (name) VALUES (?)", (name,))


def create_places_table(conn) -> None:
    """Part of the v9 step: the dictionary of places, learned from the orders already recorded."""
    db = raw(conn)
    db.execute(ORDER_PLACES_DDL)
    for (address,) in db.execute("SELECT address FROM orders").fetchall():
        learn_places(db, address or "")


_names_lock = threading.Lock()
_names: dict[str, tuple[int, frozenset[str]]] = {}


def known_places(db) -> frozenset[str]:
    """Every learned place name of this store (cached per process until one is added)."""
    key = str(db.execute("PRAGMA database_list").fetchone()[2])
    try:
        count = db.execute("SELECT count(*) FROM order_places").fetchone()[0]
    except sqlite3.OperationalError:  # a store before v9 (read without migrating): no dictionary yet
        return frozenset()
    with _names_lock:
        cached = _names.get(key)
        if cached is not None and cached[0] == count:
            return cached[1]
    names = frozenset(r[0] for r in db.execute("SELECT name FROM order_places"))
    with _names_lock:
        _names[key] = (count, names)
    return names


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
        learn_places(db, address or "")
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


# -- what the intake form's panel shows -----------------------------------------------------------

SHOWN_LIMIT = 8  # the panel's rows
# Shown only when really alike. Score = text likeness (cosine of the two descriptions' character
# pairs, 0..1) + PLACE_BONUS when the call and the order name the same place (river, road, estate)
# + NUMBER_BONUS for the same house number there. An order at another named place, or in another
# district, is never shown: the same matter elsewhere is not the same order. Thresholds chosen on
# the first half (by date) of the Fuzhou records (bench/similar_bench.py, figures in bench/README.md).
PLACE_BONUS = 0.5
NUMBER_BONUS = 0.25
SHOW_WITH_PLACE = 0.52  # same place, and the texts share something (likeness 0.02: a few character pairs)
SHOW_WITHOUT_PLACE = 0.45  # no place on one side: the texts must say much the same
TEXT_CHARS = 200  # of each description compared (the start says the matter)
PLACE_DEPTH = 40  # newest orders read per place named
TEXT_DEPTH = 30  # best-ranked orders read by the description's words
MAX_WORDS = 12
ALL_WORDS = 3  # the longest words, all required, for the ranked read
_NUMBER = re.compile(r"(\d+)\s*[号栋幢]")


def _pairs(text: str) -> set[str]:
    han = "".join(ch for ch in text[:TEXT_CHARS] if segment.is_han(ch))
    return {han[i:i + 2] for i in range(len(han) - 1)}


def _likeness(a: set[str], b: set[str]) -> float:
    return len(a & b) / ((len(a) * len(b)) ** 0.5) if a and b else 0.0


def similar_for_call(conn, description: str, address: str = "", limit: int = SHOWN_LIMIT,
                     open_only: bool = True) -> list[SimilarOrder]:
    """The open orders the form shows beside this call, best first; nothing unless one is really alike."""
    db = raw(conn)
    description, address = description.strip()[:2000], address.strip()[:200]
    if not description and not address:
        return []
    names = known_places(db)
    q_places = set(places.address_places(address)) | set(places.known_in(address + " " + description[:TEXT_CHARS], names))
    q_district = places.district(address)
    q_numbers = set(_NUMBER.findall(address))
    where = f" AND o.status NOT IN ({','.join('?' * len(CLOSED_STATUSES))})" if open_only else ""
    status = list(CLOSED_STATUSES) if open_only else []
    cols = "o.rowid, o.number, o.status, o.created_at, o.address, o.description"
    found: dict[int, tuple] = {}
    for name in sorted(q_places)[:5]:
        phrase = " ".join(segment.bigram_list(name))
        sql = (f"SELECT {cols} FROM (SELECT rowid FROM orders_fts WHERE orders_fts MATCH ? ORDER BY rowid DESC "
               f"LIMIT ?) AS m JOIN orders o ON o.rowid = m.rowid WHERE 1{where}")
        for r in _rows(db, sql, ['{bigrams} : "' + phrase.replace('"', '') + '"', PLACE_DEPTH, *status]):
            found[r[0]] = r
    words = ['"' + w.replace('"', "") + '"' for w in sorted(_terms(description), key=len, reverse=True)[:MAX_WORDS]]
    if words:
        # Two cheap reads, not a bm25 ranking of every order holding any word (90 ms at 100k):
        # the best-ranked orders holding the call's longest words all, and the newest holding any.
        ranked = (f"SELECT {cols} FROM (SELECT rowid, bm25(orders_fts, 0, 1.0, 4.0, 1.0) AS s FROM orders_fts "
                  f"WHERE orders_fts MATCH ? ORDER BY s LIMIT ?) AS m JOIN orders o ON o.rowid = m.rowid WHERE 1{where}")
        newest = (f"SELECT {cols} FROM (SELECT rowid FROM orders_fts WHERE orders_fts MATCH ? ORDER BY rowid DESC "
                  f"LIMIT ?) AS m JOIN orders o ON o.rowid = m.rowid WHERE 1{where}")
        for sql, expr in ((ranked, "{words} : (" + " AND ".join(words[:ALL_WORDS]) + ")"),
                          (newest, "{words} : (" + " OR ".join(words) + ")")):
            for r in _rows(db, sql, [expr, TEXT_DEPTH, *status]):
                found.setdefault(r[0], r)
    q_pairs = _pairs(description)
    scored = []
    for _rowid, number, st, created_at, c_address, c_description in found.values():
        c_address, c_description = c_address or "", c_description or ""
        c_places = set(places.address_places(c_address)) | set(places.known_in(c_address, names))
        if not c_places:
            c_places = set(places.known_in(c_description[:TEXT_CHARS], names))
        c_district = places.district(c_address)
        if q_district and c_district and q_district != c_district:
            continue
        same_place = bool(q_places & c_places)
        if q_places and c_places and not same_place:
            continue
        score = _likeness(q_pairs, _pairs(c_description))
        if same_place:
            score += PLACE_BONUS + (NUMBER_BONUS if q_numbers & set(_NUMBER.findall(c_address)) else 0.0)
        if score >= (SHOW_WITH_PLACE if same_place else SHOW_WITHOUT_PLACE):
            scored.append(SimilarOrder(number, st, created_at, c_address, c_description, round(score, 3)))
    scored.sort(key=lambda o: (-o.score, o.created_at))
    return scored[:limit]


def _rows(db, sql: str, params: list) -> list[tuple]:
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError:  # a text FTS5 cannot parse is simply no match
        return []


def search_similar_orders(store, text: str, address: str = "", limit: int = 10,
                          open_only: bool = True) -> list[SimilarOrder]:
    """For the seat screen: open orders like the one being taken (same place and matter first),
    only those really alike (similar_for_call)."""
    from console.kb.db import open_read

    conn = open_read(store.path)
    try:
        return similar_for_call(conn, text, address, limit, open_only)
    finally:
        conn.close()
