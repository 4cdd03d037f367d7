"""What the screen header and `hotline sync status` show: read from the store only (no network),
so it works offline and costs two small queries."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from sqlalchemy import text

from console.store.engine import read_transaction


@dataclass
class SyncStatus:
    online: bool  # the last contact with the centre succeeded
    since: str | None  # when online/offline last changed (ISO, China time)
    pending: int  # events in the outbox
    rejected: list[dict] = field(default_factory=list)  # this seat's events the centre refused, newest first
    last_pull: str | None = None
    clock_offset: float | None = None  # seconds the centre's clock is ahead of this seat's
    connected: bool = False  # a centre URL and token are configured
    centre: str | None = None
    last_error: str | None = None
    rejected_count: int = 0  # all of them, however few `rejected` lists
    reference_version: int = 0  # the centre's reference data (units, KB, taxonomy) this seat has; 0 = none yet
    rules_from_centre: bool = False  # time limits etc. as the centre published them, not config.toml's

    def as_dict(self) -> dict:
        return asdict(self)


def read_status(store, rejected_limit: int = 100) -> SyncStatus:
    with read_transaction(store.engine) as conn:
        values = dict(conn.execute(text("SELECT key, value FROM sync_state")).all())
        pending = conn.execute(text("SELECT count(*) FROM outbox")).scalar_one()
        published_rules = conn.execute(text("SELECT 1 FROM meta WHERE key = 'published_rules'")).first()
        rejected_count = conn.execute(text(
            "SELECT count(*) FROM events WHERE sync_status = 'rejected' AND origin = 'local'")).scalar_one()
        rows = conn.execute(text(
            "SELECT id, order_no, kind, operator, role, at, seq, sync_reason, sync_code, sync_at FROM events "
            "WHERE sync_status = 'rejected' AND origin = 'local' ORDER BY sync_at DESC, seq DESC LIMIT :l"),
            {"l": rejected_limit}).mappings().all()
    rejected = [{"event_id": r["id"], "order": r["order_no"], "kind": r["kind"], "operator": r["operator"],
                 "role": r["role"], "at": r["at"], "seq": r["seq"], "reason": r["sync_reason"],
                 "code": r["sync_code"], "rejected_at": r["sync_at"]} for r in rows]
    offset = values.get("clock_offset")
    return SyncStatus(
        online=values.get("online") == "1",
        since=values.get("since"),
        pending=pending,
        rejected=rejected,
        last_pull=values.get("last_pull"),
        clock_offset=float(offset) if offset else None,
        connected=bool(values.get("centre_url") and values.get("token")),
        centre=values.get("centre_url"),
        last_error=values.get("last_error"),
        rejected_count=rejected_count,
        reference_version=int(values.get("reference_version") or 0),
        rules_from_centre=published_rules is not None,
    )
