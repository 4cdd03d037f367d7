"""The figures kept current at the centre as events arrive (issue 15's budgets: a month at 1 million
orders answers in under a second).

What an order contributes is the domain's `order_facts` (console/domain/figures.py), computed
again for each order whose events arrived since the last catch-up, and stored:
  - c_figure_facts: every fact of every order (replaced whole when the order changes);
  - c_figure_days: the facts counted per day, name, unit, hit and pending (kept by deltas).
A period is answered from the day counts for its whole days and from the facts for its partial
days and for today (where a pending case counts only once its deadline has passed); the missed
orders are listed from the facts. `tally` turns both into the same Report that `compute` gives.

`catch_up` folds the orders of the log rows after its watermark (c_figure_basis "seq"): the log's
seq is allocated under a lock and committed in order (db.py), so every row at or below the highest
seq a reader sees is visible to it and none is skipped. It works in bounded chunks, one transaction
each (CHUNK_EVENTS log rows; a rebuild CHUNK_ORDERS orders by number), and the marks say where the
next chunk starts, so a first catch-up over years of log neither holds one long transaction nor
starts over after a restart. The push path pays nothing: `RollupWorker` (started by `hotline centre
serve`: on PostgreSQL in a process of its own, console/centre/rollup_process.py) catches up when a
push commits; a report catches up for a few seconds first, and `lag()`
says how far behind the log the figures still are.

The facts depend on the rule parameters and the calendar: the basis they were built from is kept
in c_figure_basis, and a catch-up over a different basis rebuilds them all (in chunks too).
"""

from __future__ import annotations

import hashlib
import json
import threading
import weakref
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from time import monotonic, sleep
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    String,
    Table,
    and_,
    delete,
    false,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine

from console.centre import db
from console.domain.calendar import WorkCalendar
from console.domain.figures import Fact, Report, order_facts, tally
from console.domain.settings import Rules
from console.log import log
from console.wire.events import by_order

facts = Table(
    "c_figure_facts", db.metadata,
    Column("order_no", String(64), primary_key=True),
    Column("ordinal", Integer, primary_key=True),  # the fact's place in its order's list
    Column("name", String(24), nullable=False),
    Column("at", DateTime, nullable=False),
    Column("unit", String(32), nullable=False),
    Column("hit", Boolean, nullable=False),
    Column("pending", Boolean, nullable=False),
    Index("ix_c_figure_facts_at", "at", "name", "unit", "hit", "pending"),
)

days = Table(
    "c_figure_days", db.metadata,
    Column("day", Date, primary_key=True),
    Column("name", String(24), primary_key=True),
    Column("unit", String(32), primary_key=True),
    Column("hit", Boolean, primary_key=True),
    Column("pending", Boolean, primary_key=True),
    Column("n", BigInteger, nullable=False),
)

marks = Table(
    "c_figure_basis", db.metadata,
    Column("name", String(16), primary_key=True),  # basis: what the facts were built over; seq: folded up to
    Column("value", String(200), nullable=False),
)

TABLES = (facts, days, marks)
_ready: weakref.WeakSet[Engine] = weakref.WeakSet()  # engines whose rollup tables are known to exist
DayKey = tuple[date, str, str, bool, bool]


def ensure(engine: Engine) -> None:
    """Create the rollup tables in a centre made before they existed (once per engine, in a
    transaction of its own, before any that reads them)."""
    if engine not in _ready:
        with db.writing(engine) as conn:
            db.metadata.create_all(conn, tables=list(TABLES), checkfirst=True)
        _ready.add(engine)


def basis(conn: Connection) -> str:
    """What the facts depend on besides the events: the published rule parameters (but the
    ranking's weights, which only the report reads) and the published calendar's version."""
    docs = {r.name: (r.data, r.version) for r in conn.execute(
        select(db.reference_docs.c.name, db.reference_docs.c.data, db.reference_docs.c.version)
        .where(db.reference_docs.c.name.in_(("rules", "calendar"))))}
    rules = json.loads(docs["rules"][0]) if "rules" in docs else {}
    rules.pop("ranking", None)
    digest = hashlib.sha256(json.dumps(rules, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]
    return json.dumps({"rules": digest, "calendar": docs.get("calendar", (None, None))[1]}, sort_keys=True)


CHUNK_ORDERS = 2000  # orders a rebuild folds per transaction (about 20,000 events at 10 an order)
CHUNK_EVENTS = 5000  # log rows an incremental catch-up folds per transaction
_BUILD = ("build", "build_head", "build_after", "build_done", "build_total")  # a rebuild under way


@dataclass(frozen=True)
class Lag:
    """How far the rollups are behind the log. `as_of`: the log seq the figures count up to (0
    while a rebuild is under way: they count only the orders it has folded); `done` of `total`
    events folded (during a rebuild, the accepted events it found at its start)."""

    as_of: int
    head: int
    done: int
    total: int
    building: bool

    @property
    def current(self) -> bool:
        return not self.building and self.as_of >= self.head

    def english(self) -> str:
        if self.building:
            return (f"the rollups are being built: {self.done:,} of {self.total:,} events folded; "
                    f"these figures count only those")
        return f"figures as of seq {self.as_of:,}; the rollups are catching up: {self.done:,} of {self.total:,} events"


def catch_up(engine: Engine, calendar: WorkCalendar, rules: Rules, *, chunk_orders: int = CHUNK_ORDERS,
             chunk_events: int = CHUNK_EVENTS, until: float | None = None,
             stop: threading.Event | None = None) -> int:
    """Fold the orders whose events arrived since the last catch-up (all of them when the rules or
    the calendar changed, or on the first run), a bounded chunk per transaction, until the rollups
    reach the log's head, `until` (a monotonic() deadline) passes or `stop` is set; returns
    the number of orders folded. Each transaction leaves the marks where the next one (in this
    process or after a restart) goes on from: a rebuild by order number, the rest by seq."""
    ensure(engine)
    n = chunks = 0
    last_log = monotonic()
    while True:
        step, more, lag = _one_chunk(engine, calendar, rules, chunk_orders, chunk_events)
        n += step
        chunks += 1
        if not more:
            if lag is not None and chunks > 1:  # a long catch-up's end; not every push's
                log("centre").info("figures: the rollups reached seq %s (%s events)", f"{lag.as_of:,}", f"{lag.total:,}")
            return n
        now = monotonic()
        if lag is not None and now - last_log >= 10:  # progress for the operator: counts only
            last_log = now
            log("centre").info("figures: %s", lag.english())
        if (until is not None and now >= until) or (stop is not None and stop.is_set()):
            return n


def _one_chunk(engine: Engine, calendar: WorkCalendar, rules: Rules, chunk_orders: int,
               chunk_events: int) -> tuple[int, bool, Lag | None]:
    """One transaction of a catch-up: (orders folded, more to do, the lag after it; None when
    there was nothing to do)."""
    conn = engine.connect()
    conn.info["immediate"] = True  # SQLite: the write lock up front (as the centre's writers)
    try:
        with conn.begin():
            mark = _lock_marks(conn)
            want = basis(conn)
            if mark.get("basis") != want or mark.get("build"):
                return _build_chunk(conn, mark, want, calendar, rules, chunk_orders)
            seen = int(mark.get("seq") or 0)
            head = conn.execute(select(func.max(db.events.c.seq))).scalar() or 0
            if head <= seen:
                return 0, False, None
            top = min(head, seen + chunk_events)  # seqs are dense: at most chunk_events rows
            numbers = list(conn.execute(select(db.events.c.order_no).distinct().where(
                db.events.c.seq > seen, db.events.c.seq <= top, db.events.c.status == "accepted")).scalars())
            _refresh(conn, numbers, calendar, rules)
            _set_mark(conn, "seq", str(top))
            return len(numbers), top < head, Lag(top, head, top, head, False)
    finally:
        conn.close()


def _build_chunk(conn: Connection, mark: dict[str, str], want: str, calendar: WorkCalendar, rules: Rules,
                 chunk_orders: int) -> tuple[int, bool, Lag]:
    """A rebuild's next chunk of orders (by number), starting one over when none is under way for
    the basis in force. Its head is the log's head at its start: what arrives later is folded by
    seq once it is done (an order folded twice is only replaced)."""
    if mark.get("build") != want:
        head = conn.execute(select(func.max(db.events.c.seq))).scalar() or 0
        total = conn.execute(select(func.count()).select_from(db.events).where(
            db.events.c.seq <= head, db.events.c.status == "accepted")).scalar() or 0
        conn.execute(delete(facts))
        conn.execute(delete(days))
        _set_mark(conn, "basis", "")
        for name, value in zip(_BUILD, (want, str(head), "", "0", str(total)), strict=True):
            _set_mark(conn, name, value)
        mark = dict(mark, build=want, build_head=str(head), build_after="", build_done="0", build_total=str(total))
        log("centre").info("figures: building the rollups over %s events up to seq %s", f"{total:,}", f"{head:,}")
    head, after = int(mark["build_head"]), mark["build_after"]
    done, total = int(mark["build_done"]), int(mark["build_total"])
    numbers = list(conn.execute(select(db.events.c.order_no).distinct().where(
        db.events.c.order_no > after, db.events.c.seq <= head, db.events.c.status == "accepted")
        .order_by(db.events.c.order_no).limit(chunk_orders)).scalars())
    counts: Counter[DayKey] = Counter()
    rows: list[dict[str, Any]] = []
    for number, events in _histories(conn, numbers, head):
        _yield()
        done += len(events)
        for k, f in enumerate(order_facts(number, events, calendar, rules)):
            row = _fact_row(f)
            counts[_day_key(row)] += 1
            rows.append(dict(row, order_no=number, ordinal=k))
    if rows:
        conn.execute(facts.insert(), rows)
    _add_days(conn, counts)
    if len(numbers) == chunk_orders:
        _set_mark(conn, "build_after", numbers[-1])
        _set_mark(conn, "build_done", str(done))
        return len(numbers), True, Lag(0, head, done, total, True)
    for name in _BUILD:  # the last chunk: the build is done up to its head; later rows go by seq
        _set_mark(conn, name, "")
    _set_mark(conn, "basis", want)
    _set_mark(conn, "seq", str(head))
    current = conn.execute(select(func.max(db.events.c.seq))).scalar() or 0
    return len(numbers), current > head, Lag(head, current, head, current, False)


YIELD = True  # bench/rollups_bench.py --no-yield measures without it


def _yield() -> None:
    """Hand the interpreter to a waiting thread (a push being served by the same process) after
    each order: otherwise a push waits for the interpreter's switch interval at each step."""
    if YIELD:
        sleep(0)


def lag(engine: Engine) -> Lag:
    """Where the rollups stand against the log (read only)."""
    ensure(engine)
    with engine.connect() as conn:
        mark = {r.name: r.value for r in conn.execute(select(marks.c.name, marks.c.value))}
        head = conn.execute(select(func.max(db.events.c.seq))).scalar() or 0
        if mark.get("build"):
            return Lag(0, head, int(mark.get("build_done") or 0), int(mark.get("build_total") or 0), True)
        if mark.get("basis") != basis(conn):  # a rules or calendar change: the next catch-up rebuilds
            return Lag(0, head, 0, head, True)
        seen = int(mark.get("seq") or 0)
        return Lag(seen, head, seen, head, False)


def _lock_marks(conn: Connection) -> dict[str, str]:
    """The basis, watermark and rebuild rows, locked until commit (one catch-up at a time)."""
    present = set(conn.execute(select(marks.c.name)).scalars())
    for name in ("basis", "seq", *_BUILD):
        if name not in present:
            conn.execute(marks.insert().values(name=name, value=""))
    q = select(marks.c.name, marks.c.value)
    if not db.is_sqlite(conn.engine):
        q = q.with_for_update()
    return {r.name: r.value for r in conn.execute(q)}


def _set_mark(conn: Connection, name: str, value: str) -> None:
    conn.execute(update(marks).where(marks.c.name == name).values(value=value))


def _refresh(conn: Connection, numbers: Iterable[str], calendar: WorkCalendar, rules: Rules) -> None:
    """Recompute the facts of these orders from their accepted events and move the day counts."""
    wanted = sorted(set(numbers))
    for i in range(0, len(wanted), 500):
        chunk = wanted[i:i + 500]
        old = _stored(conn, chunk)
        new = {}
        for number, events in _histories(conn, chunk):
            _yield()
            new[number] = order_facts(number, events, calendar, rules)
        delta: Counter[DayKey] = Counter()
        changed = [n for n in chunk if _rows(new.get(n, [])) != old.get(n, [])]
        for number in changed:
            for r in old.get(number, []):
                delta[_day_key(r)] -= 1
            for f in new.get(number, []):
                delta[_day_key(_fact_row(f))] += 1
        if not changed:
            continue
        conn.execute(delete(facts).where(facts.c.order_no.in_(changed)))
        rows = [dict(_fact_row(f), order_no=number, ordinal=k)
                for number in changed for k, f in enumerate(new.get(number, []))]
        if rows:
            conn.execute(facts.insert(), rows)
        _add_days(conn, delta)


def is_current(engine: Engine) -> bool:
    """The stored facts were built over the rules and calendar in force, up to the log's head."""
    return lag(engine).current


def report(engine: Engine, start: datetime, end: datetime, now: datetime, unit: str | None = None,
           with_orders: bool = False, listed: bool = True) -> Report:
    """The figures over [start, end) at `now` from the stored facts: the Report `compute` gives over
    the same histories (with_orders also lists every order in each denominator). listed=False
    counts only: the numbers are the same, the lists of orders behind them (missed, returned,
    staff complaints) are left empty, and whole days are read from the day counts alone."""
    ensure(engine)
    with engine.connect() as conn:
        counts = _counts(conn, start, end, now, unit)
        rows = _listed(conn, start, end, now, unit, with_orders) if listed or with_orders else []
    return tally(counts, rows, start, end, now, unit)


# -- reading ---------------------------------------------------------------------------------

def _counts(conn: Connection, start: datetime, end: datetime, now: datetime, unit: str | None):
    first = _ceil_day(start)
    last = end.date()  # whole days are [first, last)
    today = now.date()
    total: Counter[tuple[str, str, bool]] = Counter()
    if first < last:
        for lo, hi, with_pending in ((first, min(last, today), True),
                                     (max(first, today + timedelta(days=1)), last, False)):
            if lo < hi:
                q = select(days.c.name, days.c.unit, days.c.hit, func.sum(days.c.n)) \
                    .where(days.c.day >= lo, days.c.day < hi)
                if not with_pending:
                    q = q.where(days.c.pending == false())
                _sum(total, conn.execute(_by_unit(q, days, unit).group_by(days.c.name, days.c.unit, days.c.hit)))
        spans = [(start, _at(first)), (_at(last), end)]
        if first <= today < last:
            spans.append((_at(today), _at(today + timedelta(days=1))))
    else:
        spans = [(start, end)]
    for lo_at, hi_at in spans:
        if lo_at < hi_at:
            q = select(facts.c.name, facts.c.unit, facts.c.hit, func.count()).where(_facts_in(lo_at, hi_at, now))
            _sum(total, conn.execute(_by_unit(q, facts, unit).group_by(facts.c.name, facts.c.unit, facts.c.hit)))
    return [(name, code, hit, n) for (name, code, hit), n in total.items() if n]


def _listed(conn: Connection, start: datetime, end: datetime, now: datetime, unit: str | None, with_orders: bool):
    q = select(facts.c.order_no, facts.c.name, facts.c.unit, facts.c.hit).where(_facts_in(start, end, now))
    if not with_orders:
        q = q.where(facts.c.hit == false())
    q = _by_unit(q, facts, unit).order_by(facts.c.order_no, facts.c.ordinal)
    return [(r.order_no, r.name, r.unit, bool(r.hit)) for r in conn.execute(q)]


def _facts_in(lo: datetime, hi: datetime, now: datetime):
    return and_(facts.c.at >= lo, facts.c.at < hi, or_(facts.c.pending == false(), facts.c.at <= now))


def _by_unit(q, table: Table, unit: str | None):
    return q if unit is None else q.where(table.c.unit == unit)


def _sum(total: Counter[tuple[str, str, bool]], rows) -> None:
    for name, code, hit, n in rows:
        total[(name, code, bool(hit))] += int(n)


def _ceil_day(at: datetime) -> date:
    return at.date() if at.time() == time() else at.date() + timedelta(days=1)


def _at(day: date) -> datetime:
    return datetime.combine(day, time())


# -- writing ---------------------------------------------------------------------------------

def _histories(conn: Connection, numbers: list[str], head: int | None = None):
    q = select(db.events).where(db.events.c.order_no.in_(numbers), db.events.c.status == "accepted")
    if head is not None:
        q = q.where(db.events.c.seq <= head)
    rows = conn.execute(q.order_by(db.events.c.order_no, db.events.c.seq)).mappings()
    yield from by_order(rows)


def _stored(conn: Connection, numbers: list[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    q = select(facts).where(facts.c.order_no.in_(numbers)).order_by(facts.c.order_no, facts.c.ordinal)
    for r in conn.execute(q).mappings():
        out.setdefault(r["order_no"], []).append({k: r[k] for k in ("name", "at", "unit", "hit", "pending")})
    return out


def _fact_row(f: Fact) -> dict[str, Any]:
    return {"name": f.name, "at": f.at, "unit": f.unit, "hit": f.hit, "pending": f.pending}


def _rows(fs: list[Fact]) -> list[dict[str, Any]]:
    return [_fact_row(f) for f in fs]


def _day_key(row: dict[str, Any]) -> DayKey:
    return (row["at"].date(), row["name"], row["unit"], bool(row["hit"]), bool(row["pending"]))


def _add_days(conn: Connection, delta: Counter[DayKey]) -> None:
    """Add each (day, name, unit, hit, pending) count's change (a count at 0 stays, adding nothing)."""
    changes = [dict(day=k[0], name=k[1], unit=k[2], hit=k[3], pending=k[4], n=v) for k, v in delta.items() if v]
    if not changes:
        return
    from sqlalchemy.dialects import postgresql, sqlite

    key = [c.name for c in days.primary_key.columns]
    if db.is_sqlite(conn.engine):
        lite = sqlite.insert(days)
        conn.execute(lite.on_conflict_do_update(index_elements=key, set_={"n": days.c.n + lite.excluded.n}), changes)
    else:
        pg = postgresql.insert(days)
        conn.execute(pg.on_conflict_do_update(index_elements=key, set_={"n": days.c.n + pg.excluded.n}), changes)


def current_report(centre, start: datetime, end: datetime, now: datetime, unit: str | None = None,
                   with_orders: bool = False, listed: bool = True, budget: float | None = 5.0) -> Report:
    """The centre's figures from the rollups, after catching up for at most `budget` seconds (None:
    until the head). A log too big for that (a first deployment) is left to the served centre's
    worker: `lag()` then says how far the figures are behind."""
    until = None if budget is None else monotonic() + budget
    n = catch_up(centre.engine, centre.calendar, centre.rules, until=until)
    if n:
        log("centre").info("figures: %s orders folded into the rollups before the report", f"{n:,}")
    return report(centre.engine, start, end, now, unit, with_orders, listed)


class RollupWorker:
    """Keeps the rollups current while the centre serves: woken by every commit that added events
    (Centre.on_commit), it catches up in its own transaction, off the push path. A failure is
    logged and retried at the next wake or after `retry` seconds; a report catches up anyway."""

    def __init__(self, centre, settle: float = 0.2, retry: float = 30.0):
        self.centre, self.settle, self.retry = centre, settle, retry
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="figure-rollups", daemon=True)

    def start(self) -> RollupWorker:
        self.centre.on_commit(self.poke)
        self._thread.start()
        return self

    def poke(self, _head: int = 0) -> None:
        self._wake.set()

    def stop(self) -> None:
        self.centre.off_commit(self.poke)
        self._stop.set()
        self._wake.set()
        self._thread.join(30)

    def _run(self) -> None:
        self._wake.set()  # catch up once at start
        while not self._stop.is_set():
            self._wake.wait(self.retry)
            if self._stop.is_set():
                return
            self._stop.wait(self.settle)  # let a burst of pushes land: one catch-up for them all
            self._wake.clear()
            try:  # in chunks, each its own transaction: pushes go on meanwhile; stop() ends it between two
                self.centre.follow_reference()  # rules or calendar published since: fold with the new ones
                catch_up(self.centre.engine, self.centre.calendar, self.centre.rules, stop=self._stop)
            except Exception:  # noqa: BLE001 - logged; the next wake or report catches up
                log("centre").exception("figures: the rollups could not catch up")
