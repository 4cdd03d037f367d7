"""Similar open orders for the duplicate check (并单) while the agent types.

Uses the KB engineer's `console.kb.order_index.search_similar_orders(store, text, address, limit)`
(FTS5) when that module exists and finds something; otherwise (module absent, index empty for an
older store) a fallback here: open orders with the same address (or
one containing it) or whose description contains a 4-character window of the new description,
ranked by character-bigram overlap. Runs in a worker: it reads the store.
"""

from __future__ import annotations

import re

OPEN_EXCLUDED = ("answered", "not_accepted", "closed", "merged")
_PUNCT = re.compile(r"[\s，。、；：！？,.;:!?（）()“”\"'《》\[\]【】/\\-]+")
CANDIDATES = 60


def similar_open_orders(store, text: str, address: str, limit: int = 8) -> tuple[list[dict], str]:
    """(rows, how): the rows best first and a short Chinese note of the method used."""
    try:
        from console.kb.order_index import search_similar_orders  # type: ignore
    except ImportError:
        search_similar_orders = None
    if search_similar_orders is not None:
        rows = [_as_dict(r) for r in search_similar_orders(store, text, address, limit)]
        if rows:
            return rows, "全文检索"
    return _fallback(store, text, address, limit), "地址与文字相似"


def _as_dict(row) -> dict:
    if isinstance(row, dict):
        return row
    import dataclasses

    return dataclasses.asdict(row) if dataclasses.is_dataclass(row) else dict(row)


def windows(text: str, size: int = 4, count: int = 3) -> list[str]:
    body = _PUNCT.sub("", text or "")
    if len(body) < size:
        return []
    starts = sorted({0, (len(body) - size) // 2, len(body) - size})[:count]
    return [body[s: s + size] for s in starts]


def bigrams(text: str) -> set[str]:
    body = _PUNCT.sub("", text or "")
    return {body[i: i + 2] for i in range(len(body) - 1)}


def score(text: str, address: str, row: dict) -> float:
    a, b = bigrams(text), bigrams(row.get("description") or "")
    overlap = len(a & b) / len(a | b) if a and b else 0.0
    addr = (address or "").strip()
    same_place = 1.0 if addr and addr == (row.get("address") or "").strip() else (
        0.5 if addr and addr in (row.get("address") or "") else 0.0)
    return overlap + same_place


def _fallback(store, text: str, address: str, limit: int) -> list[dict]:
    from sqlalchemy import text as sql

    from console.store.engine import read_transaction

    clauses, params = [], {}
    addr = (address or "").strip()
    if len(addr) >= 3:
        clauses.append("address LIKE :addr")
        params["addr"] = f"%{_escape(addr)}%"
    for i, w in enumerate(windows(text)):
        clauses.append(f"description LIKE :w{i}")
        params[f"w{i}"] = f"%{_escape(w)}%"
    if not clauses:
        return []
    excluded = ", ".join(f"'{s}'" for s in OPEN_EXCLUDED)
    where = " OR ".join(c + " ESCAPE '!'" for c in clauses)
    query = sql(
        f"SELECT * FROM orders WHERE status NOT IN ({excluded}) AND ({where}) "
        f"ORDER BY created_at DESC LIMIT {CANDIDATES}"
    )
    with read_transaction(store.engine) as conn:
        rows = [dict(r) for r in conn.execute(query, params).mappings()]
    ranked = sorted(rows, key=lambda r: -score(text, address, r))
    return [r for r in ranked if score(text, address, r) > 0.05][:limit]


def _escape(value: str) -> str:
    return value.replace("!", "!!").replace("%", "!%").replace("_", "!_")
