"""How well the reply review's quick check (console/domain/reply_review.py) sees what it claims,
measured on the 2,816 real message/reply pairs in ../shared/data/tipdm-messages-with-replies.jsonl
(read at run time, never copied). Prints shares and timings; asserts nothing.

    .venv/bin/python bench/reply_check_eval.py [--data ../shared/data] [--runs 200]

- off topic: the share of real replies flagged, and of replies paired with another message (shuffled);
  for the title (a short matter) and the full text (a long one);
- short: real replies with under 20 characters of substance;
- boilerplate: replies near-identical to at least 2 earlier replies of the board (one "unit");
- the check of one reply against 200 earlier replies: median and p95.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.domain.reply_review import (  # noqa: E402
    BOILERPLATE_REPEATS,
    SHORT_REPLY_CHARS,
    off_topic,
    repeats,
    reply_findings,
    substance,
)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--runs", type=int, default=200)
    args = ap.parse_args()
    path = Path(args.data) / "tipdm-messages-with-replies.jsonl"
    if not path.is_file():
        print(f"no {path}: the real data is not here")
        return 1
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    n = len(rows)
    print(f"{platform.node()} {platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load {os.getloadavg()[0]:.1f}; {n} pairs")
    for name, matter in (("title", lambda r: r["title"]), ("full text", lambda r: r["title"] + r["content"])):
        real = sum(off_topic(matter(r), r["reply"]) for r in rows) / n
        other = sum(off_topic(matter(r), s["reply"]) for r, s in zip(rows, shuffled, strict=True)) / n
        print(f"off topic ({name}): real replies flagged {real:.1%}, replies to another message flagged {other:.1%}")
    short = sum(len(substance(r["reply"])) < SHORT_REPLY_CHARS for r in rows) / n
    print(f"short (< {SHORT_REPLY_CHARS} characters of substance): {short:.1%} of real replies")
    replies = [r["reply"] for r in rows]
    boiler = sum(repeats(reply, replies[:i]) >= BOILERPLATE_REPEATS for i, reply in enumerate(replies)) / n
    print(f"boilerplate (near-identical to >= {BOILERPLATE_REPEATS} earlier replies): {boiler:.1%} of real replies")
    times = []
    for i in range(args.runs):
        r = rows[i % n]
        earlier = replies[max(0, i - 200):i] or replies[-200:]
        t0 = time.perf_counter()
        reply_findings(r["title"] + r["content"], r["reply"], earlier)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"one check against 200 earlier replies: median {statistics.median(times):.2f} ms, "
          f"p95 {times[int(len(times) * 0.95) - 1]:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
