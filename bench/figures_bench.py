"""Figures budget (issue 15): a month's figures, the per-unit table, the monthly XLSX.

Measures, on this machine, with histories copied from a demo store (so every state and event kind
is there) up to N orders held in memory:
  - compute(): M-06..M-11 and the month per unit over all N orders' histories (median, p95 of runs)
  - the monthly XLSX with R detail rows (constant-memory xlsxwriter): wall time and peak RSS of the
    writing process, measured in a child process so the parent's memory does not count.
The budgets (issue 15: a month's figures <= 1 s and the XLSX of 1 million rows <= 60 s with
<= 300 MB, at the centre on PostgreSQL with 1 million orders) are printed beside the figures; this
bench computes over histories in memory, not from PostgreSQL.

With --pg-orders N (PostgreSQL at 127.0.0.1:5432, database test, a schema made and dropped here):
  - the centre's rollups (console/centre/rollups.py) for N orders spread over a year, from the
    demo's histories (order_facts of each demo order, copied under new numbers and shifted by up to
    half a year each way), loaded with COPY; then a month's figures and the month's per-unit table
    from them (median, p95);
    (facts only, no events behind them: bench/rollups_bench.py builds 10 M events in c_events
    and times the worker's catch-up over them)
  - the push path's cost of keeping them current: the same demo seat's events pushed in batches of
    50 into two centres, one with the rollup worker running in this process, one without,
    batches alternating.

PostgreSQL schemas are named $BENCH_SCHEMA_PREFIX_<hex> (default hl_bench) and dropped after.

Usage: .venv/bin/python bench/figures_bench.py [--orders 100000] [--rows 1000000] [--runs 5]
           [--pg-orders 1000000] [--push-orders 600] [--settle 0 0.2] [--skip-memory]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHILD = r"""
import resource, sys, time
sys.path.insert(0, {root!r})
from console.export import write_xlsx
from console.stats import Tables
rows = ({{"number": f"20261101-S01-{{i:07d}}", "status": "dispatched", "created_at": "2026-11-01T09:00:00",
          "lead_unit": "U001", "unit_due": "2026-11-08T23:59:59", "nature": "投诉", "content_class": "城建环保/供水",
          "description": "小区停水三天了，没有任何通知，老人孩子用水困难"}} for i in range({rows}))  # streamed, as from a query
t0 = time.perf_counter()
n = write_xlsx({out!r}, Tables([], [], [], rows, []), ["bench"])
took = time.perf_counter() - t0
print(n, took, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{platform.node()} · {cpu} · {os.cpu_count()} cores · Python {platform.python_version()}, " \
           f"load {os.getloadavg()[0]:.1f}"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def histories(n_orders: int):
    from console.demo import fill_demo
    from console.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.init(tmp, "S01")
        fill_demo(store, 360, seed=3, now=datetime(2026, 11, 28, 15, 0))
        base = list(store.histories())
        calendar, rules = store.calendar, store.rules
        store.close()
    out = []
    for i in range(n_orders):
        number, events = base[i % len(base)]
        copy = f"{number}-{i}"
        out.append((copy, [dataclasses.replace(e, order=copy) for e in events]))
    return out, calendar, rules


PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


class pg_schema:
    def __enter__(self) -> str:
        import uuid

        import psycopg

        self.name = f"{os.environ.get('BENCH_SCHEMA_PREFIX', 'hl_bench')}_{uuid.uuid4().hex[:10]}"
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.name}"')
        return f"{PG}?options=-csearch_path%3D{self.name}"

    def __exit__(self, *exc: object) -> None:
        import psycopg

        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{self.name}" CASCADE')


def timed(fn, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000, pct(times, 0.95) * 1000


def rollup_bench(n_orders: int, runs: int) -> None:
    """A month's figures and unit table at the centre from rollups of n_orders orders."""
    from datetime import timedelta

    from sqlalchemy import text

    from console.centre.db import create_all, make_engine
    from console.centre.rollups import report
    from console.domain.figures import order_facts
    from console.stats import figure_rows, unit_rows

    base, calendar, rules = histories(360)
    base_facts = [order_facts(n, e, calendar, rules) for n, e in base]
    per_day = max(1, n_orders // 365)
    with pg_schema() as url:
        engine = make_engine(url)
        create_all(engine)
        t0 = time.perf_counter()
        n_facts = 0
        raw = engine.raw_connection()
        try:
            cur = raw.cursor()
            cur.execute("DROP INDEX ix_c_figure_facts_at")
            with cur.copy("COPY c_figure_facts (order_no, ordinal, name, at, unit, hit, pending) FROM STDIN") as cp:
                for i in range(n_orders):
                    shift = timedelta(days=i // per_day - 182)
                    number = f"B{i:08d}"
                    for k, f in enumerate(base_facts[i % len(base_facts)]):
                        cp.write_row((number, k, f.name, f.at + shift, f.unit, f.hit, f.pending))
                        n_facts += 1
            cur.execute("CREATE INDEX ix_c_figure_facts_at ON c_figure_facts (at, name, unit, hit, pending)")
            cur.execute("INSERT INTO c_figure_days SELECT at::date, name, unit, hit, pending, count(*) "
                        "FROM c_figure_facts GROUP BY 1, 2, 3, 4, 5")
            cur.execute("ANALYZE c_figure_facts")
            cur.execute("ANALYZE c_figure_days")
            raw.commit()
        finally:
            raw.close()
        with engine.connect() as conn:
            n_days = conn.execute(text("SELECT count(*) FROM c_figure_days")).scalar()
            in_month = conn.execute(text("SELECT count(DISTINCT order_no) FROM c_figure_facts "
                                         "WHERE at >= '2026-11-01' AND at < '2026-12-01'")).scalar()
        print(f"rollups of {n_orders} orders loaded: {n_facts} facts, {n_days} day counts, "
              f"{in_month} orders with a fact in 2026-11 ({time.perf_counter() - t0:.0f} s to load)")
        start, end, now = datetime(2026, 11, 1), datetime(2026, 12, 1), datetime(2026, 11, 28, 15, 0)
        for label, fn in (
                ("a month's figures (M-06..M-11), as `hotline centre stats figures`",
                 lambda: figure_rows(report(engine, start, end, now, listed=False))),
                ("the month's per-unit table, as `hotline centre stats units`",
                 lambda: unit_rows(report(engine, start, end, now, listed=False), {}, rules)),
                ("a month's figures with the orders each missed (the desk's lists)",
                 lambda: figure_rows(report(engine, start, end, now))),
                ("one unit's month with its missed orders (--unit U001)",
                 lambda: figure_rows(report(engine, start, end, now, "U001")))):
            med, p95 = timed(fn, runs)
            print(f"  {label} from PostgreSQL rollups n={runs}: median {med:.0f} ms  p95 {p95:.0f} ms  (budget 1000 ms)")
        engine.dispose()


def push_cost_bench(n_orders: int, settle: float) -> None:
    """The push path with the rollup worker running (as `hotline centre serve` runs it, in the same
    process) and without it: the same events into two centres, batches alternating; then how long
    the worker takes to reach the head after the last push."""
    from console.centre import rollups
    from console.centre.db import make_engine
    from console.centre.model import SeatInfo
    from console.centre.service import SEAT_ROLES, Centre
    from console.demo import fill_demo
    from console.domain.roles import Role
    from console.store import Store
    from console.sync.session import pending_batch

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.init(tmp, "S01")
        fill_demo(store, n_orders, seed=3, now=datetime(2026, 11, 28, 15, 0))
        batch = pending_batch(store, limit=10**7)
        store.close()
    seat = SeatInfo("S01", frozenset({r.value for r in SEAT_ROLES} | {Role.UNIT.value}), None)
    with pg_schema() as url_on, pg_schema() as url_off:
        centres = {}
        for name, url in (("on", url_on), ("off", url_off)):
            c = Centre(make_engine(url))
            c.init()
            c.enroll("S01", "all")
            centres[name] = c
        half = len(batch) // 2
        for c in centres.values():  # the first half: a centre with history
            for i in range(0, half, 200):
                c.push(seat, batch[i:min(i + 200, half)])
        rollups.catch_up(centres["on"].engine, centres["on"].calendar, centres["on"].rules)
        worker = rollups.RollupWorker(centres["on"], settle=settle).start()  # settle 0: a catch-up after every commit
        times: dict[str, list[float]] = {"on": [], "off": []}
        statuses: Counter[str] = Counter()
        for i in range(half, len(batch), 50):
            for name in ("on", "off") if (i // 50) % 2 else ("off", "on"):
                t0 = time.perf_counter()
                out = centres[name].push(seat, batch[i:i + 50])
                times[name].append(time.perf_counter() - t0)
                statuses.update(r["status"] for r in out.results)
        t0 = time.perf_counter()
        while not rollups.is_current(centres["on"].engine):
            time.sleep(0.05)
        lag = time.perf_counter() - t0
        worker.stop()
        for c in centres.values():
            c.engine.dispose()
    on, off_ = sum(times["on"]), sum(times["off"])
    print(f"push of {len(batch) - half} events in batches of 50 to PostgreSQL ({n_orders} demo orders, "
          f"{len(batch)} events): with the rollup worker (settle {settle} s) median {statistics.median(times['on']) * 1000:.1f} ms "
          f"p95 {pct(times['on'], 0.95) * 1000:.1f} ms; without median {statistics.median(times['off']) * 1000:.1f} ms "
          f"p95 {pct(times['off'], 0.95) * 1000:.1f} ms; cost {(on / off_ - 1) * 100:+.1f} % (budget +10 %); "
          f"rollups current {lag * 1000:.0f} ms after the last push; outcomes {dict(statuses)}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pg-orders", type=int, default=0, help="also the centre's rollups on PostgreSQL at N orders")
    ap.add_argument("--push-orders", type=int, default=0, help="also the push path's cost with a demo of N orders")
    ap.add_argument("--settle", type=float, nargs="+", default=[0.0, 0.2],
                    help="the worker's settling delays to measure (0.2 s is the served centre's)")
    ap.add_argument("--skip-memory", action="store_true", help="skip the in-memory fold and the XLSX")
    args = ap.parse_args()
    from console.domain.figures import compute

    print(f"machine: {machine()}")
    if args.pg_orders:
        rollup_bench(args.pg_orders, args.runs)
    if args.push_orders:
        for settle in args.settle:
            push_cost_bench(args.push_orders, settle)
    if args.skip_memory:
        return
    hist, calendar, rules = histories(args.orders)
    events = sum(len(e) for _, e in hist)
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        compute(hist, calendar, rules, datetime(2026, 11, 1), datetime(2026, 12, 1), datetime(2026, 12, 1))
        times.append(time.perf_counter() - t0)
    print(f"figures + units over {args.orders} orders ({events} events) n={args.runs}: "
          f"median {statistics.median(times) * 1000:.0f} ms  p95 {pct(times, 0.95) * 1000:.0f} ms  (budget 1000 ms)")
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "month.xlsx")
        code = CHILD.format(root=str(ROOT), rows=args.rows, out=out)
        done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
        n, took, rss = done.stdout.split()
        size = Path(out).stat().st_size / 1e6
    print(f"monthly XLSX with {int(n)} detail rows: {float(took):.1f} s, peak RSS {float(rss):.0f} MB, "
          f"{size:.0f} MB file  (budget 60 s, 300 MB)")


if __name__ == "__main__":
    main()
