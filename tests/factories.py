"""Small builders for orders and events used across the core tests."""

from __future__ import annotations

from datetime import datetime

from console.domain.order import Event
from console.domain.roles import Actor, Role

AGENT = Actor("A101", Role.AGENT, "S07")
DISPATCHER = Actor("D201", Role.DISPATCHER, "S07")
LEAD = Actor("L301", Role.LEAD, "S07")
CALLBACK = Actor("C401", Role.CALLBACK, "S07")
SUPERVISOR = Actor("S501", Role.SUPERVISOR, "S07")


def unit(code: str = "U001") -> Actor:
    return Actor("unit-op", Role.UNIT, "", code)


def intake(**overrides) -> dict:
    payload = {
        "caller_name": "张明",
        "caller_title": "先生",
        "phone": "138-1234-5678",
        "address": "幸福路88号幸福家园3栋",
        "description": "小区停水三天了，没有任何通知，老人孩子用水困难",
        "nature": "求助",
        "content_path": ["城建环保", "供水"],
        "reply_wanted": True,
        "reply_method": "电话",
        "disposition": "transfer",
    }
    payload.update(overrides)
    return {k: v for k, v in payload.items() if v is not None}


def event(kind: str, payload: dict, actor: Actor, at: datetime, order: str = "20261128-S07-0001") -> Event:
    return Event.of(kind, order, payload, at, actor)
