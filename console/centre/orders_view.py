"""The centre's state of one order, deadlines from its own calendar and rules (the seat's shape)."""

from __future__ import annotations

from sqlalchemy import select

from console.centre import db
from console.domain.schedule import order_deadlines
from console.wire.order_view import centre_event, order_view
from console.wire.state import state_from_json


def centre_order(centre, number: str) -> dict | None:
    with centre.engine.connect() as conn:
        row = conn.execute(select(db.orders.c.state).where(db.orders.c.number == number)).first()
        if row is None:
            return None
        events = conn.execute(select(db.events).where(db.events.c.order_no == number)
                              .order_by(db.events.c.seq)).mappings().all()
    deadlines = order_deadlines(state_from_json(row.state), centre.calendar, centre.rules).as_dict()
    return order_view(row.state, deadlines, [centre_event(e) for e in events])
