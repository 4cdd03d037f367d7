"""The undertaking units' side of the centre: list their orders, reply, return, ask for an
extension. Each action is an event made at the centre and checked by the same decide()."""

from __future__ import annotations

from sqlalchemy import select

from console import clock
from console.centre import db
from console.centre.model import CentreCore, Forbidden, NotFound, Refused, SeatInfo, _Batch
from console.domain.decide import Context, unit_deadline
from console.domain.limits import OPERATOR_MAX, order_number_problem, text_problem
from console.domain.order import Kind
from console.domain.payloads import versioned
from console.domain.privacy import CallerField, Sight, sight
from console.domain.roles import Actor, Role
from console.log import log
from console.wire.events import new_event, row_from_wire
from console.wire.ids import uuid7
from console.wire.state import state_from_json


class UnitActions:
    """Mixed into Centre: uses its transactions, _state/_decide/_save_states and notifier."""

    def unit_orders(self: CentreCore, unit: str, status: str | None = None) -> list[dict]:
        q = select(db.orders.c.number, db.orders.c.status, db.orders.c.state).where(db.orders.c.lead_unit == unit)
        if status:
            q = q.where(db.orders.c.status == status)
        with self.engine.connect() as conn:
            rows = conn.execute(q.order_by(db.orders.c.number)).all()
        out = []
        for r in rows:
            s = state_from_json(r.state)
            due = None
            try:
                d = unit_deadline(s, Context(rules=self.rules, calendar=self.calendar))
                due = d.at.isoformat() if d is not None else None
            except ValueError as exc:  # a deadline the calendar cannot place: shown as none, logged
                log("centre").warning("order %s: no unit deadline: %s", r.number, exc)
                due = None
            name = sight(Role.UNIT, CallerField.NAME, s.confidential) is not Sight.HIDDEN
            phone = sight(Role.UNIT, CallerField.PHONE, s.confidential) is not Sight.HIDDEN
            out.append({"number": r.number, "status": r.status, "description": s.description,
                        "caller": f"{s.caller_name}{s.caller_title}" if name else None,
                        "phone": s.phone if phone else None, "confidential": s.confidential,
                        "address": s.address, "dispatched_at": s.dispatched_at.isoformat() if s.dispatched_at else None,
                        "unit_due": due, "extension_pending": s.extension_pending, "replied_at":
                        s.replied_at.isoformat() if s.replied_at else None,
                        # why the county office sent the unit's last reply back (审核反馈真实性)
                        "sent_back": s.replies_sent_back[-1] if s.status == "dispatched" and s.replies_sent_back
                        else None})
        return out

    def unit_act(self: CentreCore, seat: SeatInfo, number: str, kind: str, payload: dict, operator: str) -> dict:
        """A unit replies, returns or asks for an extension: an event made here, through decide()."""
        if Role.UNIT.value not in seat.roles or not seat.unit:
            raise Forbidden(f"{seat.seat} is not a unit token")
        if kind not in (Kind.UNIT_REPLIED, Kind.UNIT_RETURNED, Kind.EXTENSION_REQUESTED, Kind.NOTE):
            raise Forbidden(f"units may not record {kind}")
        if order_number_problem(number):  # a NUL or an over-long number never reaches the database
            raise NotFound(f"no order {number[:40]!r}")
        bad = text_problem("operator", operator, OPERATOR_MAX)
        if bad:
            raise Refused(bad[1], code=bad[0])
        now = clock.now()
        conn = self._write()
        try:
            with conn.begin():
                seat_row = conn.execute(self._locked(select(db.seats).where(db.seats.c.seat == seat.seat))).first()
                if seat_row is None:  # revoked between the token check and this transaction
                    raise Forbidden(f"{seat.seat} is not enrolled")
                ev = new_event(id=uuid7(), order_no=number, kind=kind, payload=versioned(kind, payload),
                               actor=Actor(operator, Role.UNIT, seat.seat, seat.unit), seat=seat.seat,
                               seat_seq=seat_row.next_seat_seq, at=now, recorded_at=clock.iso(now))
                states = _Batch()
                if self._state(conn, number, states) is None:  # locks the order's row
                    raise NotFound(f"no order {number}")
                status, reason, code = self._decide(conn, seat, ev, states, self._context(conn, states))
                if status != "accepted":
                    raise Refused(reason, code=code)
                rows = [{**row_from_wire(ev), "received_at": clock.iso(now), "status": "accepted", "reason": None,
                         "code": None}]
                seq = self.append_events(conn, rows, states, (seat.seat, seat_row.next_seat_seq + 1, clock.iso(now)),
                                         commit=True)
        finally:
            conn.close()
        self._notify(seq, rows)
        return {"id": ev["id"], "seq": seq, "order": number, "status": "accepted"}
