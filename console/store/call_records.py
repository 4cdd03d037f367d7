"""Call and SMS records in the seat's store (schema v6): upserted by id, read by period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text

from console.domain.figures import CallRecord, SmsRecord
from console.store.engine import read_transaction, write_transaction

_UPSERT_CALL = text(
    "INSERT INTO calls (call_id, seat, operator, offered_at, answered_at, ended_at, rating) "
    "VALUES (:call_id, :seat, :operator, :offered_at, :answered_at, :ended_at, :rating) "
    "ON CONFLICT(call_id) DO UPDATE SET seat = excluded.seat, operator = excluded.operator, "
    "offered_at = excluded.offered_at, answered_at = excluded.answered_at, ended_at = excluded.ended_at, "
    "rating = excluded.rating")
_UPSERT_SMS = text(
    "INSERT INTO sms (message_id, received_at, replied_at) VALUES (:message_id, :received_at, :replied_at) "
    "ON CONFLICT(message_id) DO UPDATE SET received_at = excluded.received_at, replied_at = excluded.replied_at")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def upsert_calls(store, calls: list[CallRecord]) -> int:
    """Insert or replace by call id (importing the same file twice changes nothing)."""
    rows = [{"call_id": c.call_id, "seat": c.seat, "operator": c.operator, "offered_at": c.offered_at.isoformat(),
             "answered_at": _iso(c.answered_at), "ended_at": _iso(c.ended_at), "rating": c.rating} for c in calls]
    if rows:
        with write_transaction(store.engine) as conn:
            conn.execute(_UPSERT_CALL, rows)
    return len(rows)


def upsert_sms(store, messages: list[SmsRecord]) -> int:
    rows = [{"message_id": m.message_id, "received_at": m.received_at.isoformat(),
             "replied_at": _iso(m.replied_at)} for m in messages]
    if rows:
        with write_transaction(store.engine) as conn:
            conn.execute(_UPSERT_SMS, rows)
    return len(rows)


def calls_between(store, start: datetime, end: datetime) -> list[CallRecord]:
    with read_transaction(store.engine) as conn:
        rows = conn.execute(text("SELECT * FROM calls WHERE offered_at >= :s AND offered_at < :e ORDER BY offered_at"),
                            {"s": start.isoformat(), "e": end.isoformat()}).mappings().all()
    return [CallRecord(r["call_id"], datetime.fromisoformat(r["offered_at"]), _dt(r["answered_at"]),
                       _dt(r["ended_at"]), r["seat"], r["operator"], r["rating"]) for r in rows]


def sms_between(store, start: datetime, end: datetime) -> list[SmsRecord]:
    with read_transaction(store.engine) as conn:
        rows = conn.execute(text("SELECT * FROM sms WHERE received_at >= :s AND received_at < :e "
                                 "ORDER BY received_at"), {"s": start.isoformat(), "e": end.isoformat()}).mappings().all()
    return [SmsRecord(r["message_id"], datetime.fromisoformat(r["received_at"]), _dt(r["replied_at"])) for r in rows]
