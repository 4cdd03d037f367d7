"""The seat's tables (SQLModel). Events are the truth; `orders` is their projection.

Lists and the full folded state are JSON text: the projection keeps the queryable columns
(status, deadlines, phone, unit) next to the whole state so a command never re-folds history.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    __tablename__ = "meta"
    key: str = Field(primary_key=True)
    value: str


class EventRow(SQLModel, table=True):
    """Append-only. `seq` is the centre's global number, set once the centre has the event."""

    __tablename__ = "events"
    __table_args__ = (
        UniqueConstraint("seat", "seat_seq", name="uq_events_seat_seq"),
        Index("ix_events_order_id", "order_no", "rowid_order"),
    )
    id: str = Field(primary_key=True)  # UUIDv7
    rowid_order: int = Field(index=False)  # local append order: the fold order on this seat
    order_no: str = Field(index=True)
    kind: str
    payload: str = Field(sa_column=Column(Text, nullable=False))
    operator: str
    role: str
    unit: str | None = None
    seat: str
    seat_seq: int
    hlc: str
    at: str  # the event's wall time (local China time, ISO)
    recorded_at: str
    seq: int | None = Field(default=None, index=True)
    origin: str = "local"  # local | centre


class OutboxRow(SQLModel, table=True):
    """Events not yet acknowledged by the centre; written in the same transaction as the event."""

    __tablename__ = "outbox"
    event_id: str = Field(primary_key=True, foreign_key="events.id")
    seat_seq: int = Field(index=True)
    attempts: int = 0
    last_error: str | None = None


class OrderRow(SQLModel, table=True):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_status_dispatch_due", "status", "dispatch_due"),)
    number: str = Field(primary_key=True)
    status: str = Field(index=True)
    created_at: str = Field(index=True)
    seat: str
    caller_name: str = ""
    caller_title: str = ""
    phone_norm: str = Field(default="", index=True)
    address: str = ""
    description: str = ""
    nature: str = ""
    content_class: str = ""  # the path joined with "/"
    urgent: bool = False
    confidential: bool = False
    leader_day: bool = False
    leader_report: bool = False
    supervised: bool = False
    lead_unit: str = Field(default="", index=True)
    dispatch_due: str | None = None
    unit_due: str | None = None  # R-26 + R-25
    unit_due_provisional: bool = False
    callback_due: str | None = None
    merged_into: str = ""
    updated_at: str = ""
    event_count: int = 0
    state: str = Field(sa_column=Column(Text, nullable=False))  # the whole OrderState as JSON


class CallerRow(SQLModel, table=True):
    __tablename__ = "callers"
    phone_norm: str = Field(primary_key=True)
    name: str = ""
    title: str = ""
    first_seen: str
    last_seen: str
    order_count: int = 0


class UnitRow(SQLModel, table=True):
    __tablename__ = "units"
    code: str = Field(primary_key=True)
    name: str
    short: str = ""
    kind: str = ""
    phone: str = ""
    keywords: str = "[]"
    initials: str = ""
    area: str = ""
    short_initials: str = ""  # "zjj" for 住建局: what dispatchers type in the unit dialog (v4)


class SeatCounter(SQLModel, table=True):
    """Order numbers: date + seat + this counter, final at intake without the centre."""

    __tablename__ = "seat_counter"
    day: str = Field(primary_key=True)
    n: int = 0


class SyncState(SQLModel, table=True):
    __tablename__ = "sync_state"
    key: str = Field(primary_key=True)
    value: str
