"""Records of processing (个人信息保护法 art. 51): who revealed which masked caller field, when
and why. Read from the events table (`revealed` events, the seat's own and those pulled from the
centre), for the supervisor's desk and `hotline audit reveals`. Pure reads; never imports textual."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import text

from console.domain.kinds import Kind
from console.store.engine import read_transaction

LIMIT = 500


def reveals(store, start: datetime | None = None, end: datetime | None = None, operator: str | None = None,
            limit: int | None = LIMIT) -> list[dict]:
    """Newest first: at, order, operator, role, seat, field, reason, sync_status (`start` <= at < `end`)."""
    where: list[str] = ["kind = :kind"]
    params: dict[str, object] = {"kind": str(Kind.REVEALED)}
    if start is not None:
        where.append("at >= :start")
        params["start"] = start.isoformat(timespec="seconds")
    if end is not None:
        where.append("at < :end")
        params["end"] = end.isoformat(timespec="seconds")
    if operator:
        where.append("operator = :operator")
        params["operator"] = operator
    sql = (f"SELECT at, order_no, operator, role, seat, payload, sync_status FROM events "
           f"WHERE {' AND '.join(where)} ORDER BY at DESC, rowid_order DESC")
    if limit is not None:  # the desk's list; an audit (the CLI) reads them all
        sql += f" LIMIT {int(limit)}"
    with read_transaction(store.engine) as conn:
        rows = conn.execute(text(sql), params).mappings().all()
    out = []
    for r in rows:
        payload = json.loads(r["payload"])
        out.append({"at": r["at"], "order": r["order_no"], "operator": r["operator"], "role": r["role"],
                    "seat": r["seat"], "field": payload.get("field", ""), "reason": payload.get("reason", ""),
                    "sync_status": r["sync_status"]})
    return out
