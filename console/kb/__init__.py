"""Knowledge base: articles, announcements, Chinese search in SQLite FTS5.

Light on import (no rjieba, no pypinyin, no SQLAlchemy): the entry points load what they need.
"""

from __future__ import annotations


def seed_starter_kb(store) -> tuple[int, int]:
    """Load console/kb_data/articles into the store; see console.kb.starter."""
    from console.kb.starter import seed_starter_kb as seed

    return seed(store)


def search_similar_orders(store, text: str, address: str = "", limit: int = 10, open_only: bool = True):
    """Earlier orders like this one (duplicates, R-11); see console.kb.order_index."""
    from console.kb.order_index import search_similar_orders as similar

    return similar(store, text, address, limit, open_only)


def kb_answers_for(store, text: str, limit: int = 3, address: str = ""):
    """Articles that already answer this matter (R-21: the dispatch review returns such orders to
    intake with "<department>知识库已有明确答复"). Returns console.kb.search.Hit objects."""
    from console.kb.db import open_read
    from console.kb.query import parse
    from console.kb.search import search

    conn = open_read(store.path)
    try:
        result = search(conn, text, limit=limit, address=address, typing=False, with_announcements=False)
    finally:
        conn.close()
    # The any-word fallback suits an agent's spoken question; as an R-21 return it needs more: at
    # least two of the order's words in the article's title or keywords (one shared "没人" would
    # send a broadband complaint the answer on rubbish collection).
    words = {w for w in parse(text, typing=False).words if len(w) >= 2}

    def strong(hit) -> bool:
        head = hit.title + " " + " ".join(hit.keywords)
        return hit.stage != "any" or sum(1 for w in words if w in head) >= 2

    return [h for h in result.hits if strong(h)]
