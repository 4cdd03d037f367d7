"""`hotline calls import` / `hotline sms import`: CSV records from the telephone system, checked
row by row. A bad row is reported with its line number and the rest are imported; ids make the
import idempotent. Columns (a header row, in any order; docs/figures.md):
  calls: call_id, seat, operator, offered_at, answered_at, ended_at, rating
  sms:   message_id, received_at, replied_at
Times are ISO 8601 (2026-11-23 09:15:02 or 2026-11-23T09:15:02), China wall time."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from console.domain.figures import SATISFIED, CallRecord, SmsRecord

CALL_COLUMNS = ("call_id", "seat", "operator", "offered_at", "answered_at", "ended_at", "rating")
SMS_COLUMNS = ("message_id", "received_at", "replied_at")
REQUIRED = {"calls": ("call_id", "offered_at"), "sms": ("message_id", "received_at")}
RATINGS = frozenset(SATISFIED | {"不满意"})
MAX_ID = 64


class RowError(ValueError):
    pass


@dataclass
class Parsed:
    records: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # "line N: why"


def _time(row: dict[str, str], name: str, required: bool = False) -> datetime | None:
    raw = (row.get(name) or "").strip()
    if not raw:
        if required:
            raise RowError(f"{name} is empty")
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise RowError(f"{name} {raw[:40]!r} is not a time like 2026-11-23 09:15:02") from None
    if value.tzinfo is not None:
        raise RowError(f"{name} must be China wall time without a zone")
    return value


def _id(row: dict[str, str], name: str) -> str:
    value = (row.get(name) or "").strip()
    if not value:
        raise RowError(f"{name} is empty")
    if len(value) > MAX_ID or not value.isprintable():
        raise RowError(f"{name} must be at most {MAX_ID} printable characters")
    return value


def _call(row: dict[str, str]) -> CallRecord:
    offered = _time(row, "offered_at", required=True)
    answered, ended = _time(row, "answered_at"), _time(row, "ended_at")
    assert offered is not None
    if answered is not None and answered < offered:
        raise RowError("answered_at is before offered_at")
    if ended is not None and ended < (answered or offered):
        raise RowError("ended_at is before the call was answered or offered")
    rating = (row.get("rating") or "").strip()
    if rating and rating not in RATINGS:
        raise RowError(f"rating must be one of {', '.join(sorted(RATINGS))} or empty, got {rating[:20]!r}")
    return CallRecord(_id(row, "call_id"), offered, answered, ended, (row.get("seat") or "").strip()[:16],
                      (row.get("operator") or "").strip()[:64], rating)


def _sms(row: dict[str, str]) -> SmsRecord:
    received = _time(row, "received_at", required=True)
    replied = _time(row, "replied_at")
    assert received is not None
    if replied is not None and replied < received:
        raise RowError("replied_at is before received_at")
    return SmsRecord(_id(row, "message_id"), received, replied)


def parse_file(path: Path, kind: str) -> Parsed:
    """Every row of a calls or sms CSV (OSError, UnicodeDecodeError: the caller reports them)."""
    make: Callable[[dict[str, str]], CallRecord | SmsRecord] = _call if kind == "calls" else _sms
    out = Parsed()
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED[kind] if c not in (reader.fieldnames or [])]
        if missing:
            out.errors.append(f"line 1: the header lacks {', '.join(missing)}")
            return out
        seen: set[str] = set()
        for row in reader:
            line = reader.line_num
            try:
                record = make(row)
            except RowError as exc:
                out.errors.append(f"line {line}: {exc}")
                continue
            key = record.call_id if isinstance(record, CallRecord) else record.message_id
            if key in seen:
                out.errors.append(f"line {line}: {key} appears twice in the file (the later row is ignored)")
                continue
            seen.add(key)
            out.records.append(record)
    return out
