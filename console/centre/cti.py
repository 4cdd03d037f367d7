"""The generic CTI interface (issue 14): a telephone system reports each call's events (ringing
with the caller's number and the called seat, answered, held, resumed, transferred, hung up); the
seat it rings on pops it; an ended call becomes the call record behind M-01, M-02 and M-05.
Idempotent: an event is applied once, by its `event_id` when it has one, and by the call id: an
event that would leave the call as it is (answered again, hung up again) changes nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from console import clock
from console.centre import db
from console.centre.client_tables import cti_calls, cti_events
from console.centre.model import CentreError, Conflict, NotFound
from console.domain.limits import LINE_TEXT, SEAT_MAX, text_problem

EVENTS = ("ringing", "answered", "held", "resumed", "transferred", "hung_up")
# the states an event may follow
FROM = {"answered": ("ringing",), "held": ("answered",), "resumed": ("held",),
        "transferred": ("ringing", "answered", "held"), "hung_up": ("ringing", "answered", "held")}


def _line(name: str, value: str, limit: int) -> None:
    bad = text_problem(name, value, limit)
    if bad:
        raise CentreError(f"{name}: {bad[1]}", code=bad[0])


def apply_event(engine: Engine, system: str, call_id: str, event: str, at: datetime | None = None,
                caller: str = "", seat: str = "", to_seat: str = "", event_id: str = "") -> tuple[dict, bool]:
    """The call after the event, and False when the event had been applied before."""
    if event not in EVENTS:
        raise CentreError(f"unknown event {event!r}: one of {', '.join(EVENTS)}")
    for name, value, limit in (("call_id", call_id, 64), ("caller", caller, LINE_TEXT["phone"]),
                               ("seat", seat, SEAT_MAX), ("to_seat", to_seat, SEAT_MAX), ("event_id", event_id, 128)):
        _line(name, value, limit)
    if not call_id.strip():
        raise CentreError("call_id is empty")
    when = clock.iso(at or clock.now())
    key = event_id or f"{call_id}:{event}:{when}"
    with db.writing(engine) as conn:
        call = conn.execute(select(cti_calls).where(cti_calls.c.call_id == call_id)).first()
        if conn.execute(select(cti_events.c.call_id).where(cti_events.c.system == system,
                                                           cti_events.c.event_id == key)).first() is not None:
            if call is None:
                raise NotFound(f"no call {call_id}")
            return dict(call._mapping), False
        if call is not None and _repeats(dict(call._mapping), event, seat, caller, to_seat):
            return dict(call._mapping), False  # a retry of what is already so: idempotent by call id
        if event == "ringing":
            if call is not None:
                raise Conflict(f"call {call_id} exists: a new call needs a new call_id")
            if not seat.strip() or not caller.strip():
                raise CentreError("ringing needs the caller's number and the called seat")
            row = dict(call_id=call_id, system=system, seat=seat, caller=caller, state="ringing", offered_at=when,
                       answered_at=None, ended_at=None, transferred_from=None, updated_at=when)
            conn.execute(cti_calls.insert().values(**row))
        else:
            if call is None:
                raise NotFound(f"no call {call_id}: it starts with ringing")
            if call.system != system:
                raise Conflict(f"call {call_id} belongs to another telephone system")
            if call.state not in FROM[event]:
                raise Conflict(f"call {call_id} is {call.state}: {event} does not follow")
            change: dict = {"updated_at": when}
            if event == "answered":
                change.update(state="answered", answered_at=call.answered_at or when)
            elif event == "held":
                change["state"] = "held"
            elif event == "resumed":
                change["state"] = "answered"
            elif event == "transferred":
                if not to_seat.strip():
                    raise CentreError("transferred needs to_seat")
                change.update(state="ringing", seat=to_seat, transferred_from=call.seat)
            else:
                change.update(state="ended", ended_at=when)
            conn.execute(cti_calls.update().where(cti_calls.c.call_id == call_id).values(**change))
            row = {**dict(call._mapping), **change}
        conn.execute(cti_events.insert().values(system=system, event_id=key, call_id=call_id))
    return row, True


def _repeats(call: dict, event: str, seat: str, caller: str, to_seat: str) -> bool:
    """The call is already as `event` would leave it (the same event sent again)."""
    if event == "ringing":
        return call["state"] == "ringing" and call["seat"] == seat and call["caller"] == caller
    if event == "transferred":
        return call["state"] == "ringing" and call["seat"] == to_seat and call["transferred_from"] is not None
    return call["state"] == {"answered": "answered", "held": "held", "resumed": "answered", "hung_up": "ended"}[event]


def calls_of(engine: Engine, seat: str, since: str = "") -> list[dict]:
    """The calls at `seat` changed since `since` (ISO text), oldest change first."""
    q = select(cti_calls).where(cti_calls.c.seat == seat)
    if since:
        q = q.where(cti_calls.c.updated_at >= since)
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q.order_by(cti_calls.c.updated_at).limit(500))]
