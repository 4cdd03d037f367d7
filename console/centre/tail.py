"""The in-memory tail of the centre's log: one reader per process hands what was committed to every
waiting seat, so a long poll costs no query, however many seats wait.

What it holds: the newest events (seq floor+1 .. head, each already as JSON text), the reference
version, and the seats' tokens (hash -> seat) for authentication without a query per request.

Who wakes the reader: this process's own commits (Centre.on_commit, read before the push answers,
so a seat that pulls after another seat's push was answered sees it), PostgreSQL NOTIFY from other
processes (console/centre/listen.py), and a timer (`poll` seconds) as the safety net for SQLite and
a lost notification. The reader reads `seq > head` in seq order; commits happen in seq order (the
counter row, db.py), so what it reads is always a gap-free prefix of the log and nothing is skipped.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from console.centre import db
from console.centre.db import is_sqlite
from console.centre.model import SeatInfo
from console.log import log

READ_CHUNK = 5000
_EVENT_COLUMNS = [c.name for c in db.events.columns]  # in the order a read of the log returns them


def event_json(row: Mapping[Any, Any]) -> bytes:
    """One log row as the pull answer sends it (payload as an object), in UTF-8: an answer is
    then a join of bytes, with no encoding per seat."""
    d = dict(row)
    d["payload"] = json.loads(d["payload"])
    return json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class _Token:
    seat: SeatInfo
    revoked: bool


class Tail:
    def __init__(self, engine, keep: int = 20000, poll: float = 1.0, share: float = 3.0, most: float = 0.25):
        self.engine = engine
        self.keep, self.poll = keep, poll
        # Waking N waiters costs N answers and N new requests. Under a stream of commits a round
        # of wakes starts no sooner than `share` times the last round took (until the woken came
        # back to wait) after the one before, each time with all that came since: the answers
        # then take at most about 1/share of the process, and the pushes keep the rest. But never
        # more than `most` seconds: a round's cost grows with what it carries (the seats read more),
        # so an unbounded interval would feed itself (measured: 0.1 s grew to 5 s in 15 rounds).
        self.share, self.most = share, most
        self.waiting = 0  # long polls waiting now (park/unpark)
        self._last_wake = 0.0
        self._woken_at = (-1, -1)  # (head, reference) at the last wake
        self._wake_due: asyncio.TimerHandle | None = None
        self._round_start: float | None = None
        self._round_size = 0
        self.round_cost = 0.0  # seconds the last round of wakes took
        self.ready = False
        self.floor = 0  # events with seq > floor are held
        self.head = 0
        self.reference = 0
        self._events: list[bytes] = []  # JSON (UTF-8) of seq floor+1 .. head
        self._tokens: dict[str, _Token] = {}
        self._seats_version: int | None = None
        self._bodies: dict[tuple[int, int], tuple[bytes, int]] = {}  # (after, limit) -> answer, this head
        self._lock = threading.Lock()  # the state above, between the reader and the loop
        self._read_lock = threading.Lock()  # one read at a time
        self._poke = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._waiters: set[asyncio.Future[None]] = set()  # the ASGI paths' long polls (waiter())
        self._watchers: set[Callable[[], None]] = set()  # the connections' long polls (watch())
        self._deferring = threading.local()  # set while a push runs: its answer goes before the fan-out
        self.reads = 0  # database reads made (for tests: no read per waiting seat)
        self.rounds = 0  # rounds of wakes made (for tests: one per change, not one per seat)
        self.taken = 0  # commits of this process held as committed, without a read
        self._conn: Connection | None = None  # the reader's own connection (PostgreSQL)

    # -- life ----------------------------------------------------------------------------------

    def start(self, loop: asyncio.AbstractEventLoop) -> Tail:
        self._loop = loop
        self._thread = threading.Thread(target=self._run, name="centre-tail", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._poke.set()
        if self._thread:
            self._thread.join(5)
        with self._read_lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def poke(self, head: int = 0) -> None:
        """Something was committed (NOTIFY, with the new head when the log moved): read soon, on
        the reader thread, unless that head is already held (this process's own commits)."""
        if head and self.ready and head <= self.head:
            return
        self._poke.set()

    def catch_up(self, head: int = 0, rows: list[dict] | None = None) -> None:
        """This process committed up to `head` (appending `rows`, when it appended): have it held
        before the committing thread answers. The rows are taken as they are when they follow
        on what is held (no read); otherwise, or for a commit without rows, the log is read.
        Concurrent pushes share one read: a push whose head a read already reached reads nothing."""
        try:
            if rows and self._take(rows):
                return
            self.refresh(head)
        except Exception:  # noqa: BLE001 - the commit stands; the reader thread tries again
            log("centre").warning("the tail could not read a commit; the reader retries", exc_info=True)
            self._poke.set()

    def _run(self) -> None:
        delay = self.poll
        while not self._stop.is_set():
            try:
                self.refresh()
                delay = self.poll
            except Exception:  # noqa: BLE001 - database away: long polls fall back to timeouts; retried
                log("centre").warning("the tail could not read the log; retrying", exc_info=True)
                delay = min(30.0, delay * 2)
            self._poke.wait(delay)
            self._poke.clear()

    # -- reading (one reader at a time, any thread) -----------------------------------------------

    def refresh(self, head: int = 0) -> None:
        """Read what was committed since the last read. `head`: the caller needs at least that
        seq held; when a read (perhaps another thread's, while this one waited for the lock) has
        already reached it, nothing is read."""
        if head and self.ready and head <= self.head:
            return
        with self._read_lock:
            if head and self.ready and head <= self.head:
                return
            self.reads += 1
            with self._reading() as conn:
                counters = dict(conn.execute(select(db.counters.c.name, db.counters.c.value).where(
                    db.counters.c.name.in_(("seq", "reference", "seats")))).all())
                if not self.ready:  # start at the head: older events are read from the database
                    with self._lock:
                        self.floor = self.head = int(counters.get("seq", 0))
                new: list[bytes] = []
                after = self.head
                while True:
                    rows = conn.execute(select(db.events).where(db.events.c.seq > after)
                                        .order_by(db.events.c.seq).limit(READ_CHUNK)).mappings().all()
                    new += [event_json(r) for r in rows]
                    if len(rows) < READ_CHUNK:
                        break
                    after = rows[-1]["seq"]
                tokens = None
                seats_version = int(counters.get("seats", 0))
                if seats_version != self._seats_version:
                    tokens = {r.token_hash: _Token(SeatInfo(r.seat, frozenset(r.roles.split(",")), r.unit), r.revoked)
                              for r in conn.execute(select(db.seats.c.seat, db.seats.c.roles, db.seats.c.unit,
                                                           db.seats.c.token_hash, db.seats.c.revoked))}
            changed = bool(new) or int(counters.get("reference", 0)) != self.reference or not self.ready
            with self._lock:
                if new:
                    self._hold(new)
                self.reference = int(counters.get("reference", 0))
                if tokens is not None:
                    self._tokens, self._seats_version = tokens, seats_version
                if changed:
                    self._bodies = {}
                self.ready = True
        if changed and not getattr(self._deferring, "on", False):  # else the pusher wakes them
            self._wake()

    def _take(self, rows: list[dict]) -> bool:
        """Hold rows this process just committed, when they follow on the head (seqs below theirs
        were committed before them, but may not have been read yet: then False, read instead).
        The JSON is built as a read of the log builds it, column by column."""
        with self._read_lock:  # not while a read is between its query and its update
            if not self.ready:
                return False
            first, last = rows[0]["seq"], rows[-1]["seq"]
            if last <= self.head:
                return True  # a read got them
            if first != self.head + 1:
                return False
            new = [event_json({c: row[c] for c in _EVENT_COLUMNS}) for row in rows]
            with self._lock:
                self._hold(new)
                self._bodies = {}
            self.taken += 1
        if not getattr(self._deferring, "on", False):
            self._wake()
        return True

    def _hold(self, new: list[bytes]) -> None:
        """Under self._lock: append events that follow on the head."""
        self._events += new
        self.head += len(new)
        if len(self._events) > self.keep:  # keep the newest; older pulls read the database
            cut = len(self._events) - self.keep // 2
            del self._events[:cut]
            self.floor += cut

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """The reader's connection. On PostgreSQL one connection kept in autocommit (no pool
        check-out, ping, BEGIN or COMMIT per read: a read per push adds up); dropped on an error
        and made again at the next read."""
        if is_sqlite(self.engine):
            with self.engine.connect() as conn:
                yield conn
            return
        if self._conn is None:
            self._conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            yield self._conn
        except BaseException:
            conn, self._conn = self._conn, None
            conn.invalidate()
            conn.close()
            raise

    def run_deferring_wake(self, fn, *args):
        """Run a push (in a worker thread) whose own commit does not wake the waiters: waking
        a thousand of them first would queue its answer behind their thousand answers. The
        caller calls wake() after answering; a backstop wakes them 50 ms later if that did not happen."""
        self._deferring.on = True
        try:
            return fn(*args)
        finally:
            self._deferring.on = False
            loop = self._loop
            if loop is not None and not loop.is_closed():
                loop.call_soon_threadsafe(loop.call_later, 0.05, self._backstop)

    async def wake(self) -> None:
        """On the loop: wake every waiter now."""
        self._set_changed()

    def _wake(self) -> None:
        loop = self._loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._set_changed)

    def _backstop(self) -> None:
        """On the loop: wake the waiters if what they were woken with is not the newest."""
        if (self.head, self.reference) != self._woken_at:
            self._set_changed()

    def _set_changed(self) -> None:
        """On the loop: wake the waiters now, or at the end of the interval since the last wake."""
        loop = self._loop
        assert loop is not None
        due = self._last_wake + min(self.share * self.round_cost, self.most)
        if loop.time() < due:
            if self._wake_due is None:
                self._wake_due = loop.call_at(due, self._wake_all)
            return
        self._wake_all()

    def _wake_all(self) -> None:
        assert self._loop is not None
        if self._wake_due is not None:
            self._wake_due.cancel()
            self._wake_due = None
        self._last_wake = self._loop.time()
        self._woken_at = (self.head, self.reference)
        self.rounds += 1
        self._round_start, self._round_size = (self._last_wake, self.waiting) if self.waiting else (None, 0)
        waiters, self._waiters = self._waiters, set()
        watchers, self._watchers = self._watchers, set()
        for wake in watchers:  # called here: a future and a callback per seat cost more than the answer
            try:
                wake()
            except Exception:  # noqa: BLE001 - one seat's failure must not leave the others waiting
                log("centre").exception("a waiting pull could not be answered")
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    def park(self) -> None:
        """On the loop: a long poll starts waiting (when most of a round's seats are back, the
        round's cost is known)."""
        self.waiting += 1
        if self._round_start is not None and self.waiting >= 0.9 * self._round_size:
            assert self._loop is not None
            self.round_cost = self._loop.time() - self._round_start
            self._round_start = None

    def unpark(self) -> None:
        self.waiting -= 1

    # -- answering (on the event loop) -----------------------------------------------------------------

    def waiter(self) -> asyncio.Future[None]:
        """A future the next wake resolves: take it before looking (a change in between still
        resolves it), wait on it, and drop_waiter() it when done with it."""
        assert self._loop is not None
        fut: asyncio.Future[None] = self._loop.create_future()
        self._waiters.add(fut)
        return fut

    def drop_waiter(self, fut: asyncio.Future[None]) -> None:
        self._waiters.discard(fut)

    def watch(self, wake: Callable[[], None]) -> None:
        """On the loop: call `wake` (on the loop) once at the next wake. Both run on the loop, so
        a look at the tail followed by watch() misses nothing committed in between."""
        self._watchers.add(wake)

    def unwatch(self, wake: Callable[[], None]) -> None:
        self._watchers.discard(wake)

    def answer(self, after: int, limit: int) -> tuple[bytes, int] | None:
        """The pull answer for `after` (bytes, number of events), or None when those events are
        older than what is held (read them from the database)."""
        with self._lock:
            if not self.ready or after < self.floor:
                return None
            key = (after, limit)
            cached = self._bodies.get(key)
            if cached is not None:
                return cached
            start = after - self.floor
            chunk = self._events[start:start + limit]
            head = after + len(chunk) if chunk else after
            body = b'{"events":[' + b",".join(chunk) + f'],"head":{head},"reference":{self.reference}}}'.encode()
            self._bodies[key] = (body, len(chunk))
            return body, len(chunk)

    def forget(self) -> None:
        """Hold nothing older than the head (as a freshly started process): older pulls read the database."""
        with self._lock:
            self._events, self.floor, self._bodies = [], self.head, {}

    def seat(self, token_hash: str) -> tuple[SeatInfo, bool] | None:
        """(seat, revoked) for a token known at the last read, else None (ask the database)."""
        with self._lock:
            if self._seats_version is None:
                return None
            found = self._tokens.get(token_hash)
        return (found.seat, found.revoked) if found else None
