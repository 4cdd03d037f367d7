"""Historical import budget (issue 14): `hotline orders import` of 100,000 rows <= 60 s.

Writes a CSV of N rows in the documented columns (docs/import.md) into a temporary data dir, the
texts taken in turn from the real Fuzhou records (../shared/data) when present, else a fixed
sentence, every row its own id; then imports it into a fresh seat store through the importer the
CLI uses (console/orders_import.py: one decide() per row, one transaction per 500 rows). Prints the
total wall time, rows per second, and the median and p95 of the per-batch times, with the machine
and its load average. A second run of the same file (idempotent: nothing to add) is timed too.

Usage: .venv/bin/python bench/import_bench.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
FUZHOU = ROOT.parent / "shared" / "data" / "fuzhou-12345-orders.jsonl"
COLUMNS = ("id", "taken_at", "channel", "nature", "title", "description", "address", "reply", "closed")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    return f"{platform.node()} · {cpu} · {os.cpu_count()} cores · Python {platform.python_version()}, " \
           f"load {os.getloadavg()[0]:.1f}"


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def write_csv(path: Path, rows: int) -> None:
    records = [json.loads(line) for line in FUZHOU.open(encoding="utf-8")] if FUZHOU.is_file() else [
        {"created": "2020-09-03", "channel": "电话", "nature": "投诉", "title": "河道发黑发臭",
         "content": "幸福家园3栋旁边的河道发黑发臭，已经一个多月了，请有关部门尽快处理。", "reply": "已安排清淤。",
         "district": "鼓楼区", "river": "梅峰河"}]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(COLUMNS)
        for i in range(rows):
            r = records[i % len(records)]
            out.writerow((f"B{i:07d}", r["created"], r["channel"], r["nature"], r["title"], r["content"],
                          f"{r['district']} {r['river']}", r["reply"], "true" if i % 10 else "false"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    from console import orders_import
    from console.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        where = Path(tmp)
        source = where / "history.csv"
        write_csv(source, args.rows)
        store = Store.init(where / "data", seat="S01")
        batches: list[float] = []
        record = orders_import.Importer._record

        def timed(self, batch, out):  # the per-batch time, around the importer's own method
            t0 = time.perf_counter()
            record(self, batch, out)
            batches.append(time.perf_counter() - t0)

        orders_import.Importer._record = timed  # type: ignore[method-assign]
        t0, c0 = time.perf_counter(), time.process_time()
        outcome = orders_import.Importer(store, source="history.csv").run(orders_import.read_rows(source))
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
        orders_import.Importer._record = record  # type: ignore[method-assign]
        t1 = time.perf_counter()
        again = orders_import.Importer(store, source="history.csv").run(orders_import.read_rows(source))
        second = time.perf_counter() - t1
        store.close()
    print(machine())
    print(f"texts: {'Fuzhou records (real)' if FUZHOU.is_file() else 'one fixed sentence'}")
    print(f"import {args.rows:,} rows: {total:.1f} s ({args.rows / total:,.0f} rows/s), imported "
          f"{len(outcome.imported):,}, refused {len(outcome.errors)}; budget <= 60 s for 100,000")
    print(f"CPU time of the import: {cpu:.1f} s (the wall time above includes waiting for the shared cores and the disk)")
    print(f"per batch of {orders_import.BATCH}: median {statistics.median(batches) * 1000:.0f} ms, "
          f"p95 {pct(batches, 0.95) * 1000:.0f} ms ({len(batches)} batches)")
    print(f"the same file again: {second:.1f} s, {len(again.already):,} already imported, "
          f"{len(again.imported)} added")


if __name__ == "__main__":
    main()
