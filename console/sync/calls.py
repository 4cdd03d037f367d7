"""The seat's side of the CTI link (issue 14): the calls the telephone system reports at this seat,
read from the centre. A ringing or answered call is popped once on the form; an ended one becomes
this seat's call record (store/call_records.py: M-01, M-02, M-05)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from console.domain.figures import CallRecord
from console.store.call_records import upsert_calls

LIVE = ("ringing", "answered", "held")


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


@dataclass
class CallWatch:
    """What the seat has seen: where to read from next, which calls it popped and recorded."""

    since: str = ""
    popped: set[str] = field(default_factory=set)
    recorded: set[str] = field(default_factory=set)

    def take(self, store, calls: list[dict], operator: str) -> list[dict]:
        """The live calls to show (new ones and ones whose state changed); ended calls recorded."""
        ended = [c for c in calls if c["state"] == "ended" and c["call_id"] not in self.recorded]
        if ended:
            upsert_calls(store, [CallRecord(c["call_id"], datetime.fromisoformat(c["offered_at"]),
                                            _dt(c["answered_at"]), _dt(c["ended_at"]), c["seat"],
                                            operator if c["answered_at"] else "") for c in ended])
            self.recorded.update(c["call_id"] for c in ended)
        if calls:
            self.since = max(c["updated_at"] for c in calls)
        return [c for c in calls if c["state"] in LIVE]


def connected(store) -> bool:
    from console.sync import state as sync_state

    values = sync_state.read_all(store)
    return bool(values.get("centre_url") and values.get("token"))
