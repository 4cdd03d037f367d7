"""Queue claims (leases) with fencing numbers: one holder per order at a time; every new holder
gets a larger fence. A dispatch carries the fence it was made under and the centre's decide()
refuses one whose lease another dispatcher has since taken (a stale holder); a release names its
fence, so a stale holder cannot release the new holder's lease."""

from __future__ import annotations

import time

from sqlalchemy import select, update

from console.centre import db
from console.centre.model import CentreCore, CentreError, Forbidden, NotFound, SeatInfo
from console.domain.limits import OPERATOR_MAX, order_number_problem, text_problem
from console.domain.roles import Role

DISPATCHING = frozenset({Role.DISPATCHER.value, Role.LEAD.value})  # who may hold a lease


class Leases:
    """Mixed into Centre: uses its _write/_lock_counter/_set_counter."""

    def lease(self: CentreCore, seat: SeatInfo, order: str, operator: str, ttl: float = 120.0) -> dict:
        if not seat.roles & DISPATCHING:
            raise Forbidden(f"seat {seat.seat} is not enrolled for dispatching: leases are for dispatchers")
        bad = order_number_problem(order) or text_problem("operator", operator, OPERATOR_MAX)
        if bad:
            raise CentreError(bad[1], code=bad[0])
        now_ms = int(time.time() * 1000)
        with self._write() as conn, conn.begin():
            fence = self._lock_counter(conn, "fence")
            if conn.execute(select(db.orders.c.number).where(db.orders.c.number == order)).first() is None:
                raise NotFound(f"no order {order}")
            row = conn.execute(select(db.leases).where(db.leases.c.order_no == order)).first()
            expires = now_ms + int(ttl * 1000)
            if row is not None and row.expires_at > now_ms and (row.seat, row.operator) != (seat.seat, operator):
                return {"granted": False, "order": order, "holder": f"{row.operator}@{row.seat}",
                        "fence": row.fence, "expires_at": row.expires_at}
            if row is not None and row.expires_at > now_ms:  # the holder renews: same fence
                conn.execute(update(db.leases).where(db.leases.c.order_no == order).values(expires_at=expires))
                fence = row.fence
            else:
                fence += 1
                self._set_counter(conn, "fence", fence)
                values = dict(seat=seat.seat, operator=operator, fence=fence, expires_at=expires)
                if row is None:
                    conn.execute(db.leases.insert().values(order_no=order, **values))
                else:
                    conn.execute(update(db.leases).where(db.leases.c.order_no == order).values(**values))
        return {"granted": True, "order": order, "holder": f"{operator}@{seat.seat}", "fence": fence,
                "expires_at": expires}

    def release(self: CentreCore, seat: SeatInfo, order: str, fence: int) -> bool:
        if order_number_problem(order):
            return False  # no lease can be held on it
        with self._write() as conn, conn.begin():
            n = conn.execute(db.leases.delete().where(
                (db.leases.c.order_no == order) & (db.leases.c.seat == seat.seat) & (db.leases.c.fence == fence)
            )).rowcount
        return bool(n)
