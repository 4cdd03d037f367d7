"""The shipped starter base (console/kb_data/articles/*.toml): articles and announcements an agent can
answer from on day one. Loaded into the store by `hotline init` and `hotline demo`."""

from __future__ import annotations

import tomllib
from pathlib import Path

from console.kb.model import Announcement, Article, announcement_from_row, article_from_row
from console.paths import KB_DATA

ARTICLES_DIR = KB_DATA / "articles"


def load_starter(directory: Path = ARTICLES_DIR) -> tuple[list[Article], list[Announcement]]:
    """Every [[articles]] and [[announcements]] entry of the TOML files; errors name file and id."""
    articles: list[Article] = []
    announcements: list[Announcement] = []
    for path in sorted(directory.glob("*.toml")):
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
        defaults = {k: v for k, v in data.items() if isinstance(v, str)}  # file-wide department/class
        for row in data.get("articles", []):
            try:
                articles.append(article_from_row({**defaults, **row}, source=f"starter:{path.name}"))
            except ValueError as exc:
                raise ValueError(f"{path.name}: article {row.get('id', '?')}: {exc}") from exc
        for row in data.get("announcements", []):
            try:
                announcements.append(announcement_from_row(row))
            except ValueError as exc:
                raise ValueError(f"{path.name}: announcement {row.get('id', '?')}: {exc}") from exc
    return articles, announcements


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
