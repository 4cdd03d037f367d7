"""The one mapper of an event between its stored row, its wire form and the domain Event.

A seat's `events` row, the centre's log row and the JSON pushed and pulled carry the same fields
(WIRE_FIELDS); the payload is JSON text in a row and an object on the wire. `to_domain` turns the
wire form into a typed domain Event (PayloadError when the payload lacks its kind's shape).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from console.domain.limits import STAMP_MAX, Problem, text_problem
from console.domain.order import Event
from console.domain.payloads import PAYLOAD_TYPES
from console.domain.roles import Actor, Role
from console.log import log

# Fields of an event as a seat stores it and sends it. `hlc` is kept on the wire for protocol v1
# (its readers require the key); this code neither makes nor reads a clock stamp in it.
WIRE_FIELDS = ("id", "order_no", "kind", "payload", "operator", "role", "unit", "seat", "seat_seq",
               "hlc", "at", "recorded_at")


def payload_text(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def new_event(*, id: str, order_no: str, kind: str, payload: Mapping[str, Any], actor: Actor, seat: str,
              seat_seq: int, at: datetime, recorded_at: str) -> dict[str, Any]:
    """The wire form of an event made here (a seat's command, a unit's action at the centre)."""
    return {"id": id, "order_no": order_no, "kind": kind, "payload": dict(payload), "operator": actor.operator,
            "role": actor.role.value, "unit": actor.unit, "seat": seat, "seat_seq": seat_seq, "hlc": "",
            "at": at.isoformat(), "recorded_at": recorded_at}


def wire_from_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """A stored row (payload as text) -> the wire form (payload as an object)."""
    out = {k: row[k] for k in WIRE_FIELDS}
    if isinstance(out["payload"], str):
        out["payload"] = json.loads(out["payload"])
    out["hlc"] = out["hlc"] or ""
    return out


def row_from_wire(ev: Mapping[str, Any]) -> dict[str, Any]:
    """The wire form -> the columns a row stores (payload as text); callers add their own columns."""
    out = {k: ev.get(k) for k in WIRE_FIELDS}
    out["payload"] = payload_text(ev["payload"]) if not isinstance(ev["payload"], str) else ev["payload"]
    out["hlc"] = out["hlc"] or ""
    return out


SEAT_SEQ_MAX = 2**62  # fits a BIGINT column


def wire_problem(ev: Mapping[str, Any]) -> Problem | None:
    """What an event as sent carries besides the domain Event (types, the stamps' text, seat_seq):
    checked before it is made; the domain's limits (decide()) check the rest."""
    for name in ("order_no", "kind", "operator", "role", "seat", "at"):
        if not isinstance(ev.get(name), str):
            return "bad_event", f"事件格式错误：{name} 应为文字"
    if ev.get("unit") is not None and not isinstance(ev.get("unit"), str):
        return "bad_event", "事件格式错误：unit 应为文字"
    for name in ("at", "recorded_at", "hlc"):
        value = ev.get(name) or ""
        bad = text_problem(name, value, STAMP_MAX) if isinstance(value, str) else ("bad_event", f"{name} 应为文字")
        if bad:
            return bad
    try:
        aware = datetime.fromisoformat(ev["at"]).tzinfo is not None
    except ValueError:
        return "bad_event", "事件格式错误：at 应为 ISO 8601 时间"
    if aware:  # rules are in China wall time; a seat converts before it records
        return "bad_event", "事件格式错误：at 应为中国当地时间（不带时区）"
    seq = ev.get("seat_seq")
    if isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= SEAT_SEQ_MAX:
        return "bad_event", f"事件格式错误：seat_seq 应为 1 至 {SEAT_SEQ_MAX} 的整数"
    return None


def storable(value: object, limit: int) -> str:
    """Text any database keeps as it is: no NUL, no lone surrogate, at most `limit` characters.
    For what is logged of a refused event, never for what is accepted (that met its limits)."""
    text = str(value).replace("\x00", "")
    text = text.encode("utf-8", "replace").decode("utf-8")
    return text[:limit]


def to_domain(ev: Mapping[str, Any]) -> Event:
    payload = ev["payload"]
    if isinstance(payload, str):
        payload = json.loads(payload)
    actor = Actor(ev["operator"], Role(ev["role"]), ev["seat"], ev.get("unit"))
    return Event.of(ev["kind"], ev["order_no"], payload, datetime.fromisoformat(ev["at"]), actor, ev["id"])


def by_order(rows: Iterable[Mapping[Any, Any]]) -> Iterator[tuple[str, list[Event]]]:
    """Rows sorted by order number (each order's in fold order) -> (number, its domain events).
    An event of a kind this code does not know (a newer seat's, accepted by a newer centre) is
    stored but not folded: a pull never stops on it (the kinds added so far change no state an
    older reader shows, e.g. call_ended)."""
    current: str | None = None
    batch: list[Event] = []
    for row in rows:
        if row["order_no"] != current and batch:
            yield str(current), batch
            batch = []
        current = row["order_no"]
        if row["kind"] not in PAYLOAD_TYPES:
            log("wire").warning("event %s of an unknown kind %r kept, not folded", row["id"], row["kind"])
            continue
        batch.append(to_domain(row))
    if batch:
        yield str(current), batch
