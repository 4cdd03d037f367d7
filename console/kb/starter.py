"""The shipped starter base (console/kb_data/articles/*.toml): articles and announcements an agent can
answer from on day one. Loaded into the store by `hotline init` and `hotline demo`."""

from __future__ import annotations

from pathlib import Path

from console.kb_source import ARTICLES_DIR, load_starter


def seed_conn(conn, directory: Path = ARTICLES_DIR) -> tuple[int, int]:
    from console.kb.announcements import upsert_announcements
    from console.kb.indexer import refresh_common_terms, upsert_articles

    articles, announcements = load_starter(directory)
    counts = upsert_articles(conn, articles), upsert_announcements(conn, announcements)
    refresh_common_terms(conn)
    return counts


def seed_starter_kb(store) -> tuple[int, int]:
    """Upsert the starter articles and announcements into `store` (a console.store.Store), in one
    write transaction; returns (articles, announcements). Safe to call again: upsert by id."""
    from console.store.engine import write_transaction

    with write_transaction(store.engine) as conn:
        return seed_conn(conn)
