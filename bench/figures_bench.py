"""Figures budget (issue 15): a month's figures, the per-unit table, the monthly XLSX.

Measures, on this machine, with histories copied from a demo store (so every state and event kind
is there) up to N orders held in memory:
  - compute(): M-06..M-11 and the month per unit over all N orders' histories (median, p95 of runs)
  - the monthly XLSX with R detail rows (constant-memory xlsxwriter): wall time and peak RSS of the
    writing process, measured in a child process so the parent's memory does not count.
The budgets (issue 15: a month's figures <= 1 s and the XLSX of 1 million rows <= 60 s with
<= 300 MB, at the centre on PostgreSQL with 1 million orders) are printed beside the figures; this
bench computes over histories in memory, not from PostgreSQL.

Usage: .venv/bin/python bench/figures_bench.py [--orders 100000] [--rows 1000000] [--runs 5]
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


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    from console.domain.figures import compute

    print(f"machine: {machine()}")
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
