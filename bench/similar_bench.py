"""Similar open orders (the intake form's 并单 panel, `hotline orders similar`) on the real Fuzhou
records: is the true earlier order shown, is nothing shown when nothing like the call is open, and
how long a lookup takes at 100,000 open orders. Prints its figures; never asserts a time.

    python bench/similar_bench.py                 # Fuzhou replay + 100k lookups
    python bench/similar_bench.py --only fuzhou   # the replay only
    python bench/similar_bench.py --sizes 20000   # other scale sizes

Replay: the 1,203 records in date order, each recorded through Store.record as a created order
(address = district + river, description = the complaint text). An order is open for 7 days, then
closed (a blunt status update: only "open or not" matters to the lookup). Before each record is
recorded, the lookup runs with its text and address:
  - a repeat: an open order of the same river and district exists (the truth, any of them); the
    lookup succeeds when one of them is among the first 3 shown;
  - no repeat: nothing like it is open; the lookup fails when it shows anything.
The first half (by date) is the tuning half the threshold was chosen on; the figures are printed
for each half and for all.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
SHARED = Path(os.environ.get("HOTLINE_SHARED_DATA", ROOT.parent / "shared" / "data"))
OPEN_DAYS = 7


def machine() -> str:
    from kb_bench import machine as m

    return m()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] if values else float("nan")


def fuzhou() -> list[dict]:
    path = SHARED / "fuzhou-12345-orders.jsonl"
    rows = [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
    return sorted(rows, key=lambda r: r["created"])


def described(r: dict) -> str:
    """The complaint text; a very short one (the intake check wants 10 characters) after its title."""
    text = r["content"].strip()
    return text if len(text) >= 20 else f"{r['title']}。{text}"


def created(address: str, description: str, at: datetime, nature: str = "投诉"):
    from console.domain.roles import Actor, Role
    from console.store import NewEvent

    return NewEvent("created", {
        "caller_name": "张明", "caller_title": "先生", "phone": "13812345678", "address": address,
        "description": description, "nature": nature, "content_path": ["城建环保", "水污染"],
        "reply_wanted": True, "reply_method": "电话", "disposition": "transfer",
    }, Actor("A101", Role.AGENT, ""), at=at)


def replay(rows: list[dict], workdir: Path) -> None:
    from console.kb.db import open_read
    from console.kb.order_index import SHOWN_LIMIT, similar_for_call
    from console.store import Store

    store = Store.init(workdir, "B01")
    conn = open_read(store.path)
    place_of: dict[str, tuple[str, str]] = {}
    half = len(rows) // 2
    results: dict[str, dict[str, list]] = {"tuning half": {}, "second half": {}}
    times: list[float] = []
    for i, r in enumerate(rows):
        at = datetime.fromisoformat(r["created"]).replace(hour=10)
        with store.engine.begin() as c:  # orders older than OPEN_DAYS are done
            c.exec_driver_sql("UPDATE orders SET status = 'closed' WHERE created_at < ? AND status != 'closed'",
                              ((at - timedelta(days=OPEN_DAYS)).isoformat(),))
        open_numbers = {n for (n,) in conn.execute("SELECT number FROM orders WHERE status != 'closed'")}
        truth = {n for n in open_numbers if place_of[n] == (r["district"], r["river"])}
        address = r["district"] + r["river"]
        text = described(r)
        t0 = time.perf_counter()
        shown = similar_for_call(conn, text, address, limit=SHOWN_LIMIT)
        times.append((time.perf_counter() - t0) * 1000)
        bucket = results["tuning half" if i < half else "second half"]
        if truth:
            bucket.setdefault("top3", []).append(bool(truth & {s.number for s in shown[:3]}))
        else:
            bucket.setdefault("shown", []).append(bool(shown))
        rec = store.record([created(address, text, at, r["nature"])])
        if not rec.ok:
            raise SystemExit(f"record {i} refused: {rec.reason}")
        place_of[rec.orders[0]] = (r["district"], r["river"])
    conn.close()
    store.close()
    total: dict[str, list] = {}
    for bucket in results.values():
        for k, v in bucket.items():
            total.setdefault(k, []).extend(v)
    for name, bucket in (*results.items(), ("all", total)):
        top3, shown = bucket.get("top3", []), bucket.get("shown", [])
        print(f"  {name:>11}: true earlier order in the top 3 {sum(top3) / max(1, len(top3)):.3f} ({len(top3)} repeats)"
              f"  something shown when nothing similar is open {sum(shown) / max(1, len(shown)):.3f} "
              f"({len(shown)} calls)", flush=True)
    print(f"  lookup p50/p95 {statistics.median(times):.2f}/{pct(times, 95):.2f} ms "
          f"(up to {len(rows)} orders, at most {OPEN_DAYS} days open)", flush=True)


def scale(n: int, workdir: Path) -> None:
    """n open orders (the Fuzhou and TipDM texts, addresses drawn from synthetic roads and estates),
    then lookups with Fuzhou texts and addresses."""
    from kb_bench import DISTRICTS, PLACES, STREETS

    from console.kb.db import open_read
    from console.kb.order_index import SHOWN_LIMIT, similar_for_call
    from console.store import Store

    texts = [described(r) for r in fuzhou()]
    tip = SHARED / "tipdm-messages.jsonl"
    texts += [t for t in (json.loads(x)["content"].strip()[:1000] for x in tip.read_text(encoding="utf-8").splitlines()
                          if x.strip()) if len(t) >= 20]
    rnd = random.Random(3)
    store = Store.init(workdir, "B02")
    at = datetime(2026, 11, 2, 9)
    t0 = time.perf_counter()
    batch = 200
    for start in range(0, n, batch):
        events = []
        for _ in range(min(batch, n - start)):
            address = f"{rnd.choice(DISTRICTS)}{rnd.choice(STREETS)}{rnd.randint(1, 300)}号{rnd.choice(PLACES)}"
            events.append(created(address, rnd.choice(texts), at))
        rec = store.record(events)
        if not rec.ok:
            raise SystemExit(f"refused: {rec.reason}")
    fill = time.perf_counter() - t0
    conn = open_read(store.path)
    rows = fuzhou()
    similar_for_call(conn, "预热", "")
    times, cpu = [], []
    for r in rnd.sample(rows, 300):
        t0, c0 = time.perf_counter(), time.thread_time()
        similar_for_call(conn, described(r), r["district"] + r["river"], limit=SHOWN_LIMIT)
        times.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.thread_time() - c0) * 1000)
    conn.close()
    store.close()
    print(f"  {n} open orders (filled in {fill:.0f} s): lookup p50/p95 wall {statistics.median(times):.2f}/"
          f"{pct(times, 95):.2f} ms, cpu {statistics.median(cpu):.2f}/{pct(cpu, 95):.2f} ms (300 lookups)", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", default="fuzhou,scale")
    ap.add_argument("--sizes", default="100000")
    args = ap.parse_args()
    if not SHARED.is_dir():
        print(f"real data not found at {SHARED}: nothing to measure")
        return
    print(machine(), flush=True)
    which = set(args.only.split(","))
    if "fuzhou" in which:
        print("Fuzhou replay (similar orders, with the address):", flush=True)
        with tempfile.TemporaryDirectory(prefix="similar-") as tmp:
            replay(fuzhou(), Path(tmp))
    if "scale" in which:
        for n in (int(x) for x in args.sizes.split(",") if x):
            with tempfile.TemporaryDirectory(prefix="similar-scale-") as tmp:
                scale(n, Path(tmp))


if __name__ == "__main__":
    main()
