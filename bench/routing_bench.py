"""Routing learned from history (console/routing) on real labelled citizen messages: top-1 and
top-3 content class on a held-out split, training and suggestion time; and the share of orders
units sent back (R-24) in a demo store. Prints its figures; never asserts a time.

    python bench/routing_bench.py

The 4,637 messages of ../shared/data/tipdm-labelled-dev.jsonl (7 first-level classes) are split
80/20 (seeded, by message); the 80 % are the store's history (description = title + "。" + text,
content class = the label), learned through console.routing.history.train, the same call the
console's worker makes; the 20 % are suggested. Reposted duplicates exist in the data and may fall
on both sides of the split.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
SHARED = Path(os.environ.get("HOTLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def messages() -> list[dict]:
    path = SHARED / "tipdm-labelled-dev.jsonl"
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def described(m: dict) -> str:
    return f"{(m.get('title') or '').strip()}。{(m.get('text') or '').strip()}"


def split(rows: list[dict], seed: int = 13, share: float = 0.8) -> tuple[list[dict], list[dict]]:
    order = list(range(len(rows)))
    random.Random(seed).shuffle(order)
    cut = int(len(rows) * share)
    return [rows[i] for i in order[:cut]], [rows[i] for i in order[cut:]]


def classes() -> None:
    from console.routing.features import features
    from console.routing.history import Example, train

    train_rows, test_rows = split(messages())
    examples = [Example(described(m), "", "", m["label"], "") for m in train_rows]
    t0 = time.perf_counter()
    model = train(examples, [e.content_class for e in examples])
    took = time.perf_counter() - t0
    assert model is not None
    top1 = top3 = 0
    times = []
    for m in test_rows:
        t1 = time.perf_counter()
        ranked = [label for label, _ in model.predict(features(described(m)), 3)]
        times.append((time.perf_counter() - t1) * 1000)
        top1 += ranked[0] == m["label"]
        top3 += m["label"] in ranked
    n = len(test_rows)
    print(f"tipdm held out ({len(train_rows)} learned, {n} suggested, {len(model.labels)} classes, "
          f"{len(model.vocab)} features): top-1 {top1 / n:.3f}  top-3 {top3 / n:.3f}  "
          f"trained in {took:.1f} s  suggestion p50/p95 {statistics.median(times):.2f}/{pct(times, 95):.2f} ms",
          flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "routing-class.npz"
        model.save(path)
        print(f"  model file {path.stat().st_size / 1e6:.1f} MB", flush=True)


def returns() -> None:
    """R-24 in a demo store (360 orders over 30 days, in every state): orders units sent back."""
    from console.demo import fill_demo
    from console.kb.db import open_read
    from console.routing.history import returned_share
    from console.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.init(Path(tmp), "D01")
        fill_demo(store, seed=7)
        conn = open_read(store.path)
        returned, dispatched = returned_share(conn)
        conn.close()
        store.close()
    print(f"demo store: {returned} of {dispatched} dispatched orders sent back by units "
          f"({returned / max(1, dispatched):.1%}, R-24; the demo's own mix, not a field figure)", flush=True)


def main() -> None:
    from kb_bench import machine

    print(machine(), flush=True)
    if not SHARED.is_dir():
        print(f"real data not found at {SHARED}: nothing to measure")
        return
    classes()
    returns()


if __name__ == "__main__":
    main()
