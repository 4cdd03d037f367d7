"""Announcements (outages, notices): stored by id, offered while active, the caller's area first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from console import clock
from console.kb.db import raw
from console.wire.kb_records import Announcement

_UPSERT = (
    "INSERT INTO kb_announcements (id, kind, title, area, starts_at, ends_at, answer, department, updated_at) "
    "VALUES (?,?,?,?,?,?,?,?,?) ON CONFLICT(id) DO UPDATE SET kind=excluded.kind, title=excluded.title, "
    "area=excluded.area, starts_at=excluded.starts_at, ends_at=excluded.ends_at, answer=excluded.answer, "
    "department=excluded.department, updated_at=excluded.updated_at"
)


@dataclass
class ActiveAnnouncement:
    announcement: Announcement
    area_match: bool  # an area named in it appears in the caller's address


def upsert_announcements(conn, items: Iterable[Announcement]) -> int:
    db = raw(conn)
    now = clock.iso(clock.now())
    n = 0
    for a in items:
        db.execute(_UPSERT, (a.id, a.kind, a.title, a.area, a.starts_at, a.ends_at, a.answer, a.department, now))
        n += 1
    return n


def active(conn, now: datetime | None = None, address: str = "", terms: Iterable[str] = ()) -> list[ActiveAnnouncement]:
    """Announcements in force at `now` that match the caller's address or one of the query terms;
    those whose area matches the address come first. With neither, every active one."""
    db = raw(conn)
    stamp = (now or clock.now()).strftime("%Y-%m-%d %H:%M")
    rows = db.execute(
        "SELECT id, kind, title, area, starts_at, ends_at, answer, department FROM kb_announcements "
        "WHERE (starts_at = '' OR starts_at <= ?) AND (ends_at = '' OR ends_at >= ?) ORDER BY starts_at DESC",
        (stamp, stamp),
    ).fetchall()
    terms = [t for t in terms if len(t) >= 2]
    out: list[ActiveAnnouncement] = []
    for r in rows:
        ann = Announcement(id=r[0], kind=r[1], title=r[2], area=r[3], starts_at=r[4], ends_at=r[5],
                           answer=r[6], department=r[7])
        area_match = bool(address) and any(area in address for area in ann.areas())
        text = ann.title + ann.kind
        term_match = any(t in text for t in terms)
        if area_match or term_match or not (address or terms):
            out.append(ActiveAnnouncement(ann, area_match))
    out.sort(key=lambda a: not a.area_match)  # stable: area matches first, newest first within
    return out
