"""The wire format shared by the seat and the centre (protocol version 1).

Every call carries `X-Hotline-Protocol` and `Authorization: Bearer <seat token>`. The centre
answers 426 to a protocol it does not speak; the seat then stops syncing and keeps its outbox.
"""

from __future__ import annotations

import json
from datetime import datetime

from console.domain.order import Event
from console.domain.roles import Actor, Role

PROTOCOL_VERSION = 1
MIN_PROTOCOL = 1  # the oldest seat protocol the centre still accepts
PROTOCOL_HEADER = "X-Hotline-Protocol"
TIME_HEADER = "X-Hotline-Time"  # the centre's wall clock (epoch ms) on every answer: clock offset
PUSH_BATCH = 500
PULL_LIMIT = 250  # per pull and per local transaction: a console write never waits long

# Fields of an event on the wire, as the seat stores them.
EVENT_FIELDS = ("id", "order_no", "kind", "payload", "operator", "role", "unit", "seat", "seat_seq",
                "hlc", "at", "recorded_at")


def wire_event(row) -> dict:
    """A seat's `events` row -> the JSON pushed to the centre."""
    out = {k: row[k] for k in EVENT_FIELDS}
    if isinstance(out["payload"], str):
        out["payload"] = json.loads(out["payload"])
    return out


def to_domain(ev: dict) -> Event:
    actor = Actor(ev["operator"], Role(ev["role"]), ev["seat"], ev.get("unit"))
    return Event(ev["kind"], ev["order_no"], ev["payload"], datetime.fromisoformat(ev["at"]), actor, ev["id"])
