"""The JSON form of an event command (docs/events.md): parsed for `hotline events apply`."""

from __future__ import annotations

from datetime import datetime

from console.domain.roles import Actor
from console.store.store import NewEvent


class EventFormatError(ValueError):
    pass


def parse_event(obj) -> NewEvent:
    if not isinstance(obj, dict):
        raise EventFormatError("each line must be a JSON object")
    unknown = set(obj) - {"kind", "order", "payload", "actor", "at"}
    if unknown:
        raise EventFormatError(f"unknown keys: {', '.join(sorted(unknown))}")
    kind = obj.get("kind")
    if not isinstance(kind, str) or not kind:
        raise EventFormatError("'kind' is required")
    actor = obj.get("actor")
    if not isinstance(actor, dict) or not actor.get("operator") or not actor.get("role"):
        raise EventFormatError("'actor' needs 'operator' and 'role'")
    try:
        parsed_actor = Actor.parse(str(actor["operator"]), str(actor["role"]), unit=actor.get("unit"))
    except ValueError as exc:
        raise EventFormatError(str(exc))
    payload = obj.get("payload", {})
    if not isinstance(payload, dict):
        raise EventFormatError("'payload' must be an object")
    at = obj.get("at")
    if at is not None:
        try:
            at = datetime.fromisoformat(str(at))
        except ValueError:
            raise EventFormatError(f"bad 'at' time {at!r}: expected ISO 8601 like 2026-11-28T09:30:00")
        if at.tzinfo is not None:  # rules are in China wall time
            from console.clock import CHINA

            at = at.astimezone(CHINA).replace(tzinfo=None)
    order = obj.get("order", "")
    if not isinstance(order, str):
        raise EventFormatError("'order' must be a string (the order number)")
    return NewEvent(kind=kind, payload=payload, actor=parsed_actor, order=order, at=at)
