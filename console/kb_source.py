"""The shipped starter knowledge base (console/kb_data/articles/*.toml): articles and announcements
as records, read by the seat (`hotline init`, `hotline demo`) and by a new centre alike."""

from __future__ import annotations

import tomllib
from pathlib import Path

from console.paths import KB_DATA
from console.wire.kb_records import Announcement, Article, announcement_from_row, article_from_row

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
