"""The one serialiser of an order's state: OrderState <-> JSON text, the same bytes on the seat
and at the centre (both store it; tests compare the two as text)."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from console.domain.order import OrderState, Status

_FIELDS = tuple(f.name for f in dataclasses.fields(OrderState))
_DATETIME_FIELDS = frozenset(f.name for f in dataclasses.fields(OrderState) if "datetime" in str(f.type))


def state_to_json(state: OrderState) -> str:
    # Field by field, not dataclasses.asdict: its deep copy was a third of the centre's push time,
    # and the state holds only JSON values and datetimes.
    data: dict[str, Any] = {}
    for name in _FIELDS:
        value = getattr(state, name)
        data[name] = value.isoformat() if isinstance(value, datetime) else value
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def state_from_json(text: str) -> OrderState:
    data = json.loads(text)
    for name in _DATETIME_FIELDS:
        if data.get(name):
            data[name] = datetime.fromisoformat(data[name])
    data["status"] = Status(data["status"])
    known = {k: v for k, v in data.items() if k in _FIELDS}  # a field a newer version added is dropped
    return OrderState(**known)
