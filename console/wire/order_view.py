"""One order as `hotline orders show --json` (seat) and `hotline centre orders show --json` (centre)
print it: the same keys on both sides, so anyone can compare the two states order by order."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

# An event's keys in the view; the centre's `status`/`reason` are a seat's `sync_status`/`sync_reason`.
EVENT_KEYS = ("id", "kind", "at", "operator", "role", "unit", "seat", "seat_seq", "seq", "sync_status",
              "sync_reason", "payload")
DEADLINE_KEYS = ("dispatch_due", "unit_due", "unit_due_provisional", "callback_due")


def order_view(state_json: str, deadlines: Mapping[str, Any], events: Iterable[Mapping[str, Any]]) -> dict:
    return {"order": json.loads(state_json),
            "deadlines": {k: bool(deadlines[k]) if k == "unit_due_provisional" else deadlines[k]
                          for k in DEADLINE_KEYS},
            "events": [{k: _payload(e[k]) if k == "payload" else e.get(k) for k in EVENT_KEYS} for e in events]}


def centre_event(row: Mapping[str, Any]) -> dict:
    """A centre log row in the view's terms."""
    return {**row, "sync_status": row["status"], "sync_reason": row["reason"]}


def _payload(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
