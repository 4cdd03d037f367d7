"""OrderState <-> the `orders` row and JSON; the row's deadline columns come from domain.schedule."""

from __future__ import annotations

from console.domain.order import OrderState
from console.domain.phone import PhoneError, normalise_phone
from console.domain.schedule import order_deadlines
from console.domain.settings import Rules
from console.wire.state import state_from_json, state_to_json

__all__ = ["phone_key", "projection_row", "state_from_json", "state_to_json"]

def phone_key(raw: str) -> str:
    """The caller index key: the normalised number, or the raw digits when it does not parse."""
    try:
        return normalise_phone(raw).number
    except PhoneError:
        return "".join(ch for ch in raw or "" if ch.isdigit())


def projection_row(state: OrderState, calendar, rules: Rules) -> dict:
    deadlines = order_deadlines(state, calendar, rules).as_dict()
    return {
        "number": state.number,
        "status": state.status.value,
        "created_at": state.created_at.isoformat(),
        "seat": state.seat,
        "caller_name": state.caller_name,
        "caller_title": state.caller_title,
        "phone_norm": phone_key(state.phone),
        "address": state.address,
        "description": state.description,
        "nature": state.nature,
        "content_class": "/".join(state.content_path),
        "urgent": state.urgent,
        "confidential": state.confidential,
        "leader_day": state.leader_day,
        "leader_report": state.leader_report,
        "supervised": state.supervised,
        "lead_unit": state.lead_unit,
        **deadlines,
        "merged_into": state.merged_into,
        "updated_at": state.updated_at.isoformat() if state.updated_at else "",
        "event_count": state.event_count,
        "state": state_to_json(state),
    }
