"""OrderState <-> the `orders` row and JSON; the row's deadline columns come from domain.schedule."""

from __future__ import annotations

import json

from console.domain.decide import extension_notice_missing
from console.domain.order import OrderState
from console.domain.phone import caller_key
from console.domain.schedule import order_deadlines
from console.domain.settings import Rules
from console.wire.state import state_from_json, state_to_json

__all__ = ["LIST_COLUMN_TYPES", "list_columns", "phone_key", "projection_row", "state_from_json", "state_to_json"]

def phone_key(raw: str) -> str:
    """The caller index key (console/domain/phone.py's caller_key)."""
    return caller_key(raw)


def list_columns(state: OrderState) -> dict:
    """What the desks' lists filter and show beyond the order's own fields (schema v5): columns,
    so that the queue SQL never reads the state JSON."""
    pending = state.extension_pending or {}
    last_return = state.unit_returns[-1] if state.unit_returns else {}
    return {
        "ext_n": pending.get("n"),
        "ext_days": pending.get("days"),
        "ext_reason": pending.get("reason"),
        "ext_at": pending.get("at"),
        "notice_missing": bool(extension_notice_missing(state)),  # R-25, as decide() judges it
        "supervision_notices": state.supervision_notices,
        "returned_by": last_return.get("unit"),
        "return_reason": last_return.get("reason"),
        "returned_at": last_return.get("at"),
        "returns": len(state.unit_returns),
        "bounced": state.bounced,
        "callback_failures": state.callback_failures,
        "returned_reason": state.returned_reason,
        "supervision_reasons": json.dumps(state.supervision_reasons),
        "channel": state.channel,  # v8
        "imported": bool(state.original_id),  # v8: brought in by `hotline orders import`
    }


LIST_COLUMN_TYPES = {  # SQLite declarations of list_columns, for the v5 and v8 migrations
    "ext_n": "INTEGER", "ext_days": "INTEGER", "ext_reason": "TEXT", "ext_at": "TEXT",
    "notice_missing": "BOOLEAN NOT NULL DEFAULT 0", "supervision_notices": "INTEGER NOT NULL DEFAULT 0",
    "returned_by": "TEXT", "return_reason": "TEXT", "returned_at": "TEXT",
    "returns": "INTEGER NOT NULL DEFAULT 0", "bounced": "BOOLEAN NOT NULL DEFAULT 0",
    "callback_failures": "INTEGER NOT NULL DEFAULT 0", "returned_reason": "TEXT NOT NULL DEFAULT ''",
    "supervision_reasons": "TEXT NOT NULL DEFAULT '[]'",
    "channel": "TEXT NOT NULL DEFAULT '电话'", "imported": "BOOLEAN NOT NULL DEFAULT 0",
}


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
        **list_columns(state),
        "state": state_to_json(state),
    }
