"""The centre's rollups at a city's size (issue 15): a first catch-up over 1,000,000 orders and
10,000,000 events in c_events on PostgreSQL, then a month's figures and the per-unit table read
from what it folded. Printed, never asserted.

  1. Histories: a demo seat (360 orders, every state) padded through the real write path (decide()
     and the payload classes) with what happens in life: progress inquiries, amendments, notes,
     extension requests, supervision notices, callbacks unreachable then reached; pushed into the
     centre (decide() again), so the template rows are the centre's own.
  2. The template copied under new order numbers, ids and seqs, each copy shifted by whole days
     over a year, bulk loaded with COPY (indexes dropped first, made again after) up to --events.
  3. The rollup worker's catch-up (`rollups.catch_up`, chunks of CHUNK_ORDERS orders, one
     transaction each) for at most --fold-minutes: events/s; meanwhile a seat pushes batches of
     50 new events every --push-every seconds (latency against the same pushes before it). With
     --apart the catch-up runs in a process of its own, as `hotline centre serve` runs it on
     PostgreSQL; without, in the pushing process (as on SQLite).
  4. A month's figures and the per-unit table from the rollups, as `hotline centre stats` (n=--runs).

The schema (issue15b_rollups) is dropped at the end unless --keep (bench/desk_stats_bench.py
opens the statistics desk on it, then drops it with --drop).

Run: .venv/bin/python bench/rollups_bench.py [--events 10000000] [--fold-minutes 25] [--runs 7] [--keep]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import re
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCHEMA = os.environ.get("BENCH_SCHEMA", "issue15b_rollups")  # a dry run: BENCH_SCHEMA=issue15b_dry
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
URL = f"{PG}?options=-csearch_path%3D{SCHEMA}"
NOW = datetime(2026, 11, 28, 15, 0)
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
COLUMNS = ("seq", "id", "order_no", "kind", "payload", "operator", "role", "unit", "seat", "seat_seq", "hlc",
           "at", "recorded_at", "received_at", "status", "reason", "code")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{platform.node()} · {cpu} · {os.cpu_count()} cores · Python {platform.python_version()}"


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def psql(sql: str) -> None:
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(sql)


# -- 1. the template: a demo seat padded with life's events --------------------------------------

def padded_seat(tmp: str, orders: int, seed: int):
    """A demo seat whose orders carry about 10 events each: after the demo's own, what callers,
    dispatchers, units, supervisors and callback agents add to an order in life, each recorded
    through Store.record (decide() refuses what the order's state does not allow: skipped)."""
    from console.demo import fill_demo
    from console.domain.order import Kind
    from console.domain.roles import Actor, Role
    from console.store import NewEvent, Store

    store = Store.init(tmp, "S01")
    fill_demo(store, orders, seed=seed, now=NOW - timedelta(days=3))
    agent, dispatcher = Actor("A101", Role.AGENT), Actor("D201", Role.DISPATCHER)
    callback, supervisor = Actor("C401", Role.CALLBACK), Actor("S501", Role.SUPERVISOR)
    tries = [
        (Kind.PROGRESS_INQUIRY, {"note": "来电人询问办理进度"}, agent),
        (Kind.AMENDED, "amend", agent),
        (Kind.NOTE, {"text": "已电话联系承办单位，答复正在处理"}, dispatcher),
        (Kind.EXTENSION_REQUESTED, {"days": 5, "reason": "需协调相关部门现场核查"}, "unit"),
        (Kind.SUPERVISION_NOTICE, {"notice_no": "督办〔2026〕", "leader_form_signed": True}, supervisor),
        (Kind.PROGRESS_INQUIRY, {"note": "来电人再次催办"}, agent),
        (Kind.CALLBACK_ATTEMPTED, {"outcome": "no_answer"}, callback),
        (Kind.CALLBACK_ATTEMPTED, {"outcome": "reached"}, callback),
        (Kind.NOTE, {"text": "回访前核对办理结果"}, callback),
        (Kind.NOTE, {"text": "来电人来电表示感谢"}, agent),
        (Kind.PROGRESS_INQUIRY, {"note": "来电人询问是否已派单"}, agent),
        (Kind.NOTE, {"text": "班长复核工单"}, dispatcher),
    ]
    refused = 0
    for number, events in list(store.histories()):
        state = store.get(number)
        at = max(e.at for e in events)
        n = len(events)
        for kind, payload, actor in tries:
            if n >= 10:
                break
            at += timedelta(minutes=37)
            who = Actor("unit", Role.UNIT, unit=state.lead_unit) if actor == "unit" and state and state.lead_unit \
                else actor if actor != "unit" else dispatcher
            if payload == "amend":
                payload = {"description": f"{state.description if state else ''}（来电人补充：问题仍未解决）"}
            if kind == Kind.SUPERVISION_NOTICE:
                payload = dict(payload, notice_no=f"督办〔2026〕{n}号")
            done = store.record([NewEvent(kind, payload, who, number, min(at, NOW))])
            n += done.ok
            refused += not done.ok
    return store, refused


def template(orders: int, seed: int) -> tuple[list[dict], int, int]:
    """The padded seat pushed into the bench schema: its accepted c_events rows."""
    from sqlalchemy import select

    from console.centre import db
    from console.centre.db import make_engine
    from console.centre.model import SeatInfo
    from console.centre.service import SEAT_ROLES, Centre
    from console.domain.roles import Role
    from console.sync.session import pending_batch

    with tempfile.TemporaryDirectory() as tmp:
        store, refused = padded_seat(tmp, orders, seed)
        batch = pending_batch(store, limit=10**7)
        store.close()
    centre = Centre(make_engine(URL))
    centre.init()
    centre.enroll("S01", "all")
    seat = SeatInfo("S01", frozenset({r.value for r in SEAT_ROLES} | {Role.UNIT.value}), None)
    for i in range(0, len(batch), 200):
        centre.push(seat, batch[i:i + 200])
    with centre.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(select(db.events).where(db.events.c.status == "accepted")
                                              .order_by(db.events.c.seq)).mappings()]
        head = conn.execute(select(db.events.c.seq).order_by(db.events.c.seq.desc()).limit(1)).scalar() or 0
    centre.engine.dispose()
    return rows, head, refused


# -- 2. copies, bulk loaded ----------------------------------------------------------------------

def _escape(value) -> str:
    if value is None:
        return r"\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _shift_iso(text: str, days: int) -> str:
    at = datetime.fromisoformat(text)
    return (at + timedelta(days=days)).isoformat()


def bulk_load(rows: list[dict], head: int, target_events: int) -> tuple[int, int, float]:
    """Copies of the template rows (each copy: order numbers suffixed, ids suffixed, times shifted by
    whole days, seqs after the log's head) until the log holds target_events; returns (events,
    orders, seconds). A merge's target is renamed with its copy."""
    import psycopg

    numbers = {r["order_no"] for r in rows}
    per_copy = len(rows)
    copies = max(0, (target_events - head) // per_copy)
    # what changes per copy: parsed once here
    prepared = []
    for r in rows:
        payload = json.loads(r["payload"])
        times = [k for k, v in payload.items() if isinstance(v, str) and ISO.match(v)]
        refs = [k for k, v in payload.items() if isinstance(v, str) and v in numbers and k != "order_no"]
        prepared.append((r, payload, times, refs, datetime.fromisoformat(r["at"]),
                         datetime.fromisoformat(r["recorded_at"]), datetime.fromisoformat(r["received_at"])))
    t0 = time.monotonic()
    seq = head
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test") as conn:
        conn.execute(f"SET search_path TO {SCHEMA}")
        for name in ("c_events_id_key", "uq_c_events_seat_seq"):
            conn.execute(f"ALTER TABLE c_events DROP CONSTRAINT IF EXISTS {name}")
        conn.execute("DROP INDEX IF EXISTS ix_c_events_order_no")
        conn.execute("ALTER TABLE c_events DROP CONSTRAINT IF EXISTS c_events_pkey")
        conn.commit()
        with conn.cursor() as cur, cur.copy(f"COPY c_events ({', '.join(COLUMNS)}) FROM STDIN") as cp:
            buf = io.StringIO()
            for i in range(copies):
                days = (i % 365) - 330  # a year up to about a month ahead of 2026-11
                suffix = f"-{i:06d}"
                seat = f"H{i % 100:02d}"
                for t, (r, payload, times, refs, at, rec, recv) in enumerate(prepared):
                    seq += 1
                    if times or refs:
                        p = dict(payload)
                        for k in times:
                            p[k] = _shift_iso(p[k], days)
                        for k in refs:
                            p[k] = p[k] + suffix
                        text = json.dumps(p, ensure_ascii=False)
                    else:
                        text = r["payload"]
                    shift = timedelta(days=days)
                    buf.write("\t".join((
                        str(seq), f"bench-{i:06d}-{t:05d}", r["order_no"] + suffix, r["kind"], _escape(text),
                        _escape(r["operator"]), r["role"], _escape(r["unit"]), seat, str(seq), _escape(r["hlc"]),
                        (at + shift).isoformat(), (rec + shift).isoformat(), (recv + shift).isoformat(),
                        "accepted", r"\N", r"\N")) + "\n")
                if buf.tell() > 8_000_000:
                    cp.write(buf.getvalue())
                    buf = io.StringIO()
                if i and i % 500 == 0:
                    print(f"  copied {seq - head:,} events ({time.monotonic() - t0:.0f} s)", flush=True)
            cp.write(buf.getvalue())
        conn.commit()
        print(f"  COPY done: {seq - head:,} events ({time.monotonic() - t0:.0f} s); making the indexes", flush=True)
        conn.execute("ALTER TABLE c_events ADD CONSTRAINT c_events_pkey PRIMARY KEY (seq)")
        conn.execute("ALTER TABLE c_events ADD CONSTRAINT c_events_id_key UNIQUE (id)")
        conn.execute("ALTER TABLE c_events ADD CONSTRAINT uq_c_events_seat_seq UNIQUE (seat, seat_seq)")
        conn.execute("CREATE INDEX ix_c_events_order_no ON c_events (order_no)")
        conn.execute("UPDATE c_counter SET value = %s WHERE name = 'seq'", (seq,))
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE c_events")
    return seq, len(numbers) * (copies + 1), time.monotonic() - t0


# -- 3. the catch-up, with pushes going on -----------------------------------------------------

def push_batches(orders: int) -> list[list[dict]]:
    """Another seat's new orders, as batches of 50 events (what a busy seat pushes)."""
    from console.demo import fill_demo
    from console.store import Store
    from console.sync.session import pending_batch

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.init(tmp, "S02")
        fill_demo(store, orders, seed=9, now=NOW)
        batch = pending_batch(store, limit=10**7)
        store.close()
    return [batch[i:i + 50] for i in range(0, len(batch), 50)]


class Pusher(threading.Thread):
    """Pushes one batch every `every` seconds, timing each, until told to stop."""

    def __init__(self, centre, seat, batches: list[list[dict]], every: float):
        super().__init__(daemon=True)
        self.centre, self.seat, self.batches, self.every = centre, seat, batches, every
        self.times: list[float] = []
        self.halt = threading.Event()

    def run(self) -> None:
        while self.batches and not self.halt.is_set():
            t0 = time.perf_counter()
            self.centre.push(self.seat, self.batches.pop(0))
            self.times.append(time.perf_counter() - t0)
            self.halt.wait(self.every)


def _fold_apart(minutes: float, out) -> None:
    """The catch-up in a process of its own, as `hotline centre serve` runs it on PostgreSQL
    (console/centre/rollup_process.py): no interpreter shared with the pushes."""
    from console.centre import rollups
    from console.centre.db import make_engine
    from console.centre.service import Centre

    rollups.YIELD = False
    centre = Centre(make_engine(URL))
    out.put(rollups.catch_up(centre.engine, centre.calendar, centre.rules, until=time.monotonic() + minutes * 60))
    centre.engine.dispose()


def fold(minutes: float, push_every: float, push_orders: int, apart: bool = False) -> None:
    from console.centre import rollups
    from console.centre.db import make_engine
    from console.centre.model import SeatInfo
    from console.centre.service import SEAT_ROLES, Centre
    from console.domain.roles import Role

    centre = Centre(make_engine(URL))
    centre.enroll("S02", "all")
    seat = SeatInfo("S02", frozenset({r.value for r in SEAT_ROLES} | {Role.UNIT.value}), None)
    batches = push_batches(push_orders)
    quiet = Pusher(centre, seat, batches[:20], push_every)  # before the catch-up: the baseline
    quiet.run()
    busy = Pusher(centre, seat, batches[20:], push_every)
    print(f"catch-up: {load()}", flush=True)
    t0 = time.monotonic()
    busy.start()
    if apart:
        import multiprocessing as mp

        ctx = mp.get_context("spawn")
        out = ctx.Queue()
        child = ctx.Process(target=_fold_apart, args=(minutes, out))
        child.start()
        folded = out.get()
        child.join()
    else:
        folded = rollups.catch_up(centre.engine, centre.calendar, centre.rules, until=t0 + minutes * 60)
    took = time.monotonic() - t0
    busy.halt.set()
    busy.join()
    lag = rollups.lag(centre.engine)
    done = lag.total if lag.current else lag.done
    print(f"catch-up folded {folded:,} orders, {done:,} events of {lag.total if lag.building else lag.head:,} "
          f"in {took:.0f} s: {done / took:,.0f} events/s, {folded / took:,.0f} orders/s "
          f"({'the whole log' if lag.current else 'stopped at the time limit: ' + lag.english()}); {load()}")
    for label, p in (("before the catch-up", quiet), ("during the catch-up", busy)):
        if p.times:
            print(f"  push of 50 events {label}: n={len(p.times)} median {statistics.median(p.times) * 1000:.0f} ms "
                  f"p95 {pct(p.times, 0.95) * 1000:.0f} ms")
    centre.engine.dispose()


# -- 4. the month from the rollups -------------------------------------------------------------

def queries(runs: int) -> None:
    from sqlalchemy import text

    from console.centre import rollups
    from console.centre.db import make_engine
    from console.centre.service import Centre
    from console.stats import figure_rows, unit_rows

    centre = Centre(make_engine(URL))
    engine = centre.engine
    with engine.connect() as conn:
        n_facts = conn.execute(text("SELECT count(*) FROM c_figure_facts")).scalar()
        n_days = conn.execute(text("SELECT count(*) FROM c_figure_days")).scalar()
        in_month = conn.execute(text("SELECT count(DISTINCT order_no) FROM c_figure_facts "
                                     "WHERE at >= '2026-11-01' AND at < '2026-12-01'")).scalar()
    print(f"rollups: {n_facts:,} facts, {n_days:,} day counts, {in_month:,} orders with a fact in 2026-11; {load()}")
    start, end = datetime(2026, 11, 1), datetime(2026, 12, 1)
    kinds = centre.unit_kinds()
    for label, fn in (
            ("a month's figures (M-06..M-11), as `hotline centre stats figures`",
             lambda: figure_rows(rollups.report(engine, start, end, NOW, listed=False))),
            ("the month's per-unit table, as `hotline centre stats units`",
             lambda: unit_rows(rollups.report(engine, start, end, NOW, listed=False), kinds, centre.rules)),
            ("a month's figures with the orders each missed (the desk's lists)",
             lambda: figure_rows(rollups.report(engine, start, end, NOW)))):
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        print(f"  {label} n={runs}: median {statistics.median(times) * 1000:.0f} ms "
              f"p95 {pct(times, 0.95) * 1000:.0f} ms (budget 1000 ms); {load()}")
    engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--template-orders", type=int, default=360)
    ap.add_argument("--fold-minutes", type=float, default=25)
    ap.add_argument("--push-every", type=float, default=2.0)
    ap.add_argument("--push-orders", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--keep", action="store_true", help="keep the schema (for desk_stats_bench.py)")
    ap.add_argument("--no-yield", action="store_true", help="the fold does not hand the interpreter to pushes")
    ap.add_argument("--apart", action="store_true",
                    help="the fold in a process of its own (as `hotline centre serve` on PostgreSQL), not beside the pushes")
    args = ap.parse_args()
    if args.no_yield:
        from console.centre import rollups

        rollups.YIELD = False
    print(f"machine: {machine()}, {load()}", flush=True)
    psql(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
    psql(f'CREATE SCHEMA "{SCHEMA}"')
    try:
        t0 = time.monotonic()
        rows, head, refused = template(args.template_orders, seed=3)
        orders = len({r["order_no"] for r in rows})
        print(f"template: {orders} orders, {len(rows):,} accepted events ({len(rows) / orders:.1f} an order; "
              f"{refused} padding steps refused by decide()), {time.monotonic() - t0:.0f} s", flush=True)
        events, n_orders, took = bulk_load(rows, head, args.events)
        print(f"log: {events:,} events, {n_orders:,} orders, loaded in {took:.0f} s; {load()}", flush=True)
        fold(args.fold_minutes, args.push_every, args.push_orders, args.apart)
        queries(args.runs)
    finally:
        if not args.keep:
            psql(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
            print(f"schema {SCHEMA} dropped")
        else:
            print(f"schema {SCHEMA} kept: drop it with bench/desk_stats_bench.py --drop")


if __name__ == "__main__":
    main()
