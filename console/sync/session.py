"""One round of sync work, used by the worker and `hotline sync --once`: drain the outbox,
pull what the centre has, refresh reference data. Errors are the client's typed SyncErrors."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import text

from console import clock
from console.store.engine import read_transaction, write_transaction
from console.sync import state as sync_state
from console.sync.apply import apply_remote, mark_pushed
from console.sync.client import CentreClient, GapError, SyncError
from console.sync.protect import protect_batch
from console.wire.events import wire_from_row
from console.wire.protocol import PUSH_BATCH


@dataclass
class Report:
    pushed: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicate: int = 0
    pulled: int = 0
    reasons: list[str] = field(default_factory=list)


def client_for(store, http=None) -> CentreClient:
    values = sync_state.read_all(store)
    if not values.get("centre_url") or not values.get("token"):
        raise SyncError("this seat is not connected to a centre: run `hotline seat connect URL --token T`")
    return CentreClient(values["centre_url"], values["token"], http=http)


def pending_batch(store, limit: int = PUSH_BATCH) -> list[dict]:
    with read_transaction(store.engine) as conn:
        rows = conn.execute(text("SELECT e.* FROM outbox o JOIN events e ON e.id = o.event_id "
                                 "ORDER BY o.seat_seq LIMIT :l"), {"l": limit}).mappings().all()
        return [wire_from_row(r) for r in rows]


def push_pending(store, client: CentreClient, report: Report | None = None, batch: int = PUSH_BATCH) -> Report:
    """Push until the outbox is empty. A rejection is recorded and the queue moves on."""
    report = report or Report()
    gaps = 0
    while True:
        events = pending_batch(store, batch)
        if not events:
            return report
        try:
            answer = client.push(protect_batch(store, client, events))
        except GapError as gap:
            gaps += 1
            if gaps > 3 or not requeue_from(store, gap.expected, events[0]["seat_seq"]):
                raise SyncError(f"centre expects seat_seq {gap.expected}, this seat's next pending is "
                                f"{events[0]['seat_seq']}: the seat and centre disagree; see docs/operations.md")
            continue
        counts = mark_pushed(store, answer["results"])
        report.pushed += len(answer["results"])
        for key, n in counts.items():
            setattr(report, key, getattr(report, key) + n)
        report.reasons += [r["reason"] for r in answer["results"] if r.get("reason")]
        if not answer["results"]:
            raise SyncError("centre accepted none of the batch")


def requeue_from(store, expected: int, first_pending: int) -> bool:
    """The centre lost events we had (restored from a backup): queue them again from `expected`."""
    if expected >= first_pending:
        return False
    with write_transaction(store.engine) as conn:
        seat = store._meta(conn, "seat")
        conn.execute(text(
            "INSERT INTO outbox (event_id, seat_seq, attempts) SELECT id, seat_seq, 0 FROM events "
            "WHERE seat = :seat AND origin = 'local' AND seat_seq >= :e AND seat_seq < :f "
            "AND id NOT IN (SELECT event_id FROM outbox)"), {"seat": seat, "e": expected, "f": first_pending})
    return True


def pull(store, client: CentreClient, wait: float = 0.0) -> int:
    """One pull (long-polling up to `wait` s); returns how many events came. When the centre says
    it has newer reference data (a taxonomy, units, articles published mid-shift), fetch it now."""
    with read_transaction(store.engine) as conn:
        cursor = int(sync_state.get(conn, "pull_cursor", "0"))
        have_reference = int(sync_state.get(conn, "reference_version", "0"))
    answer = client.pull(cursor, wait=wait)
    apply_remote(store, answer["events"], answer["head"])
    sync_state.update(store, last_pull=clock.iso(clock.now()))
    if int(answer.get("reference") or 0) > have_reference:  # a centre before this field sends none
        sync_reference(store, client)
    return len(answer["events"])


def pull_all(store, client: CentreClient) -> int:
    total = 0
    while True:
        n = pull(store, client)
        total += n
        if n == 0:
            return total


def sync_reference(store, client: CentreClient) -> int:
    """Units, KB articles, announcements and the taxonomy published since our version, into the store."""
    from console.store.accounts import set_published_operators, set_seat_roles
    from console.store.privacy_key import set_privacy_key
    from console.store.store import upsert_unit

    with read_transaction(store.engine) as conn:
        after = int(sync_state.get(conn, "reference_version", "0"))
    ref = client.reference(after)
    with write_transaction(store.engine) as conn:
        for u in ref["units"]:
            upsert_unit(conn, u)
        _upsert_kb(conn, ref.get("kb_articles", ()), ref.get("announcements", ()))
        if ref.get("taxonomy"):
            store.set_published_taxonomy(conn, ref["taxonomy"])
        if ref.get("rules") is not None:
            store.set_published_rules(conn, ref["rules"])
        if ref.get("calendar"):
            store.set_published_calendar(conn, ref["calendar"])
        if ref.get("operators") is not None:  # verifiers only: the seat checks sign-ins offline
            set_published_operators(conn, ref["operators"])
        if ref.get("seat_roles") is not None:
            set_seat_roles(conn, ref["seat_roles"])
        if ref.get("privacy_key"):
            set_privacy_key(conn, ref["privacy_key"])
        sync_state.put(conn, "reference_version", ref["version"])
    store.reference_changed()
    _ = store.rules  # re-read here, in the sync thread, not on the operator's next keystroke
    if ref.get("rules") is not None or ref.get("calendar"):  # both move stored deadlines
        store.recompute_deadlines()
    return (len(ref["units"]) + len(ref.get("kb_articles", ())) + len(ref.get("announcements", ()))
            + (1 if ref.get("taxonomy") else 0) + (1 if ref.get("rules") is not None else 0)
            + (1 if ref.get("calendar") else 0) + (1 if ref.get("operators") is not None else 0))


def _upsert_kb(conn, articles, announcements) -> None:
    """KB records from the centre, indexed in the same transaction (console.kb owns the tables)."""
    from console.kb.announcements import upsert_announcements
    from console.kb.indexer import upsert_articles
    from console.wire.kb_records import Announcement, Article

    if articles:
        from console.kb.vectors import articles_changed

        upsert_articles(conn, [Article(**a) for a in articles])
        articles_changed()  # the embedding worker (if the console runs one) embeds them once committed
    if announcements:
        upsert_announcements(conn, [Announcement(**a) for a in announcements])


def sync_once(store, client: CentreClient) -> Report:
    """Push everything, pull everything, refresh reference data; marks the seat online."""
    report = Report()
    try:
        push_pending(store, client, report)
        report.pulled = pull_all(store, client)
        push_pending(store, client, report)  # anything written meanwhile
        sync_reference(store, client)
    except SyncError as exc:
        sync_state.set_online(store, False, str(exc), client.clock_offset)
        raise
    sync_state.set_online(store, True, clock_offset=client.clock_offset)
    return report
