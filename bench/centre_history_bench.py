"""Years of history at the centre (issue 12): do push and pull keep their budgets with 10 million
events and 1 million orders in the log? Printed, never asserted.

The history is made with SQL generate_series straight into c_events / c_orders (notes on old
orders, spread over 100 seats), then the same measurements run as on the empty database:
  push      a real seat's batch of 10 new events through Centre.push (p50 / p95)
  pull      the newest 250 events after a cursor near the head, and 250 from the middle of history
  lookups   one order's state; a seat's row; an event id (the push's duplicate check)
with each query's plan, so "an index suffices" is shown rather than said.

Run:  .venv/bin/python bench/centre_history_bench.py [--events 10000000] [--orders 1000000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from sqlalchemy import text  # noqa: E402

from console.centre.db import make_engine  # noqa: E402
from console.centre.model import SeatInfo  # noqa: E402
from console.centre.service import SEAT_ROLES, Centre  # noqa: E402

CHUNK = 1_000_000


def fill(engine, events: int, orders: int, start: int) -> float:
    """`events` notes numbered after seq `start` (what the empty run pushed stays the newest's past)."""
    t0 = time.monotonic()
    with engine.begin() as conn:
        for lo in range(1, events + 1, CHUNK):
            hi = min(events, lo + CHUNK - 1)
            conn.execute(text("""
                INSERT INTO c_events (seq, id, order_no, kind, payload, operator, role, unit, seat, seat_seq,
                                      hlc, at, recorded_at, received_at, status, reason, code)
                SELECT :start + g, 'hist-' || g, '2025' || lpad((g % :orders)::text, 8, '0'), 'note',
                       '{"text": "催办"}', 'D201', 'dispatcher', NULL, 'H' || lpad((g % 100)::text, 2, '0'),
                       g / 100 + 1, '', '2025-06-01T09:00:00+08:00', '2025-06-01T09:00:00+08:00',
                       '2025-06-01T09:00:01+08:00', 'accepted', NULL, NULL
                FROM generate_series(:lo, :hi) AS g"""), {"lo": lo, "hi": hi, "orders": orders, "start": start})
            print(f"  {hi:,} events", flush=True)
        conn.execute(text("""
            INSERT INTO c_orders (number, status, lead_unit, last_seq, state)
            SELECT '2025' || lpad(g::text, 8, '0'), (ARRAY['closed','dispatched','replied'])[1 + g % 3],
                   'U00' || (1 + g % 4), g, '{}'
            FROM generate_series(0, :n - 1) AS g"""), {"n": orders})
        conn.execute(text("UPDATE c_counter SET value = :v WHERE name = 'seq'"), {"v": start + events})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE c_events"))
        conn.execute(text("VACUUM ANALYZE c_orders"))
    return time.monotonic() - t0


def timed(fn, n: int) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    s = sorted(times)
    return statistics.median(s) * 1000, s[int(0.95 * (len(s) - 1))] * 1000


def measure(centre: Centre, seat: SeatInfo, batches: list[list[dict]], label: str) -> None:
    head = centre.head()
    push = timed(lambda: centre.push(seat, batches.pop(0)), 40)
    newest = timed(lambda: centre.pull(max(0, centre.head() - 250), 250), 40)
    middle = timed(lambda: centre.pull(head // 2, 250), 40)
    with centre.engine.connect() as conn:
        number = conn.execute(text("SELECT number FROM c_orders ORDER BY number DESC LIMIT 1")).scalar() or "x"
        order = timed(lambda: conn.execute(text("SELECT state FROM c_orders WHERE number = :n"), {"n": number}).all(), 200)
        event = timed(lambda: conn.execute(text("SELECT seq FROM c_events WHERE id = :i"), {"i": "hist-5"}).all(), 200)
        size = conn.execute(text("SELECT pg_size_pretty(pg_total_relation_size('c_events'))")).scalar()
        plans = {q: [r[0] for r in conn.execute(text("EXPLAIN " + q))] for q in (
            f"SELECT * FROM c_events WHERE seq > {head // 2} ORDER BY seq LIMIT 250",
            "SELECT seq, status FROM c_events WHERE id IN ('hist-5', 'hist-6')",
            f"SELECT state FROM c_orders WHERE number = '{number}'")}
    print(f"| {label} | {head:,} | {size} | {push[0]:.1f} / {push[1]:.1f} ms | {newest[0]:.1f} / {newest[1]:.1f} ms | "
          f"{middle[0]:.1f} / {middle[1]:.1f} ms | {order[0]:.2f} / {order[1]:.2f} ms | {event[0]:.2f} / {event[1]:.2f} ms |",
          flush=True)
    for q, plan in plans.items():
        print(f"    {q}\n      " + "\n      ".join(plan))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--orders", type=int, default=1_000_000)
    args = ap.parse_args()
    from centre_load_bench import machine, pusher_batches
    from sync_bench import new_db

    print(f"centre_history_bench: {machine()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db, drop = new_db("postgres", tmp)
        try:
            centre = Centre(make_engine(db))
            centre.init()
            centre.enroll("S01", "all")
            seat = SeatInfo("S01", frozenset(r.value for r in SEAT_ROLES), None)
            batches = pusher_batches(tmp, "S01", 900)
            print("| log | events | c_events size | push of 10 p50 / p95 | pull newest 250 | pull 250 from the middle "
                  "| order by number | event by id |\n|---|---|---|---|---|---|---|---|", flush=True)
            measure(centre, seat, batches, "empty")
            took = fill(centre.engine, args.events, args.orders, centre.head())
            print(f"  filled {args.events:,} events and {args.orders:,} orders in {took:.0f} s", flush=True)
            measure(centre, seat, batches, "history")
            centre.engine.dispose()
        finally:
            drop()


if __name__ == "__main__":
    main()
