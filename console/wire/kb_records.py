"""Articles and announcements as plain records, checked once when they enter the store."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

_SPLIT_KEYWORDS = re.compile(r"[,，、;；\s|/]+")


class RecordError(ValueError):
    """A row that cannot be imported; the message names the field."""


@dataclass
class Article:
    id: str
    title: str
    body: str = ""
    answer: str = ""  # the unified answer read out to the caller (统一口径)
    department: str = ""
    content_class: str = ""  # taxonomy path of names joined with "/", e.g. 城建环保/供水
    keywords: list[str] = field(default_factory=list)
    valid_from: str = ""  # YYYY-MM-DD; empty = always
    valid_to: str = ""
    review_date: str = ""
    source: str = ""

    def spoken_answer(self) -> str:
        return self.answer or self.body


@dataclass
class Announcement:
    id: str
    title: str
    area: str = ""  # place names, separated by 、 or commas; matched against the caller's address
    starts_at: str = ""  # YYYY-MM-DD HH:MM
    ends_at: str = ""
    answer: str = ""
    department: str = ""
    kind: str = ""  # 停水 / 停电 / 停气 / 通知 …

    def areas(self) -> list[str]:
        return [a for a in _SPLIT_KEYWORDS.split(self.area) if a]


def _text(row: dict, name: str) -> str:
    value = row.get(name)
    if value is None:
        return ""
    if not isinstance(value, (str, int, float)):
        raise RecordError(f"field {name!r} must be text")
    return str(value).strip()


def _date(row: dict, name: str) -> str:
    value = _text(row, name)
    if not value:
        return ""
    value = value.replace("/", "-")
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        raise RecordError(f"field {name!r}: bad date {value!r}, expected YYYY-MM-DD") from None


def _datetime(row: dict, name: str) -> str:
    value = _text(row, name).replace("/", "-")
    if not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise RecordError(f"field {name!r}: bad date-time {value!r}, expected YYYY-MM-DD HH:MM") from None
    return parsed.strftime("%Y-%m-%d %H:%M")


def keywords_of(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        items = _SPLIT_KEYWORDS.split(value)
    elif isinstance(value, (list, tuple)):
        items = [str(v) for v in value]
    else:
        raise RecordError("field 'keywords' must be text or a list")
    seen: list[str] = []
    for k in (i.strip() for i in items):
        if k and k not in seen:
            seen.append(k)
    return seen


def article_from_row(row: dict, source: str = "") -> Article:
    """A JSON/CSV/TOML row -> Article. Accepts the Taipei 1999 FAQ names (question, posted) too."""
    if not isinstance(row, dict):
        raise RecordError("row must be an object")
    art_id = _text(row, "id")
    if not art_id:
        raise RecordError("missing 'id'")
    title = _text(row, "title") or _text(row, "question")
    if not title:
        raise RecordError("missing 'title'")
    body = _text(row, "body")
    answer = _text(row, "answer") or _text(row, "unified_answer")
    if not body and not answer:
        raise RecordError("missing 'body' or 'answer'")
    valid_from = _date(row, "valid_from") or _date(row, "posted")
    valid_to = _date(row, "valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        raise RecordError("'valid_to' is before 'valid_from'")
    return Article(
        id=art_id, title=title, body=body, answer=answer,
        department=_text(row, "department"),
        content_class=_text(row, "content_class"),
        keywords=keywords_of(row.get("keywords")),
        valid_from=valid_from, valid_to=valid_to,
        review_date=_date(row, "review_date"),
        source=_text(row, "source") or source,
    )


def announcement_from_row(row: dict) -> Announcement:
    ann_id = _text(row, "id")
    if not ann_id:
        raise RecordError("missing 'id'")
    title = _text(row, "title")
    if not title:
        raise RecordError("missing 'title'")
    ann = Announcement(
        id=ann_id, title=title, area=_text(row, "area"),
        starts_at=_datetime(row, "start") or _datetime(row, "starts_at"),
        ends_at=_datetime(row, "end") or _datetime(row, "ends_at"),
        answer=_text(row, "answer"), department=_text(row, "department"), kind=_text(row, "kind"),
    )
    if ann.starts_at and ann.ends_at and ann.ends_at < ann.starts_at:
        raise RecordError("'end' is before 'start'")
    return ann
