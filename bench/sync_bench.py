"""Sync budgets (issue 6), printed, never asserted:

  push+pull   10,000 events pushed by one seat and pulled by another on loopback  <= 10 s
  offline day a seat back after a day offline (3,000 orders, 15,000 events at the
              centre, its own 300 pending) converges                            <= 30 s
  responsive  while the console's SyncWorker pulls that day: timer lateness and local write time

Run:  .venv/bin/python bench/sync_bench.py [--db sqlite|postgres|both] [--runs 3]
The centre runs as a separate process (`hotline centre serve`), as in production.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from console.centre.db import make_engine  # noqa: E402
from console.centre.service import Centre  # noqa: E402
from console.domain.roles import Actor, Role  # noqa: E402
from console.store import NEW_ORDER, NewEvent, Store  # noqa: E402
from console.sync import state as sync_state  # noqa: E402
from console.sync.client import CentreClient  # noqa: E402
from console.sync.session import pull_all, push_pending, sync_once  # noqa: E402

AGENT, DISPATCHER = Actor("A101", Role.AGENT), Actor("D201", Role.DISPATCHER)
T0 = datetime(2026, 11, 27, 9, 0)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):  # noqa: SIM115
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    return (f"{cpu}, {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; load average at start {load}")


def intake(i: int) -> dict:
    return {"caller_name": "张明", "caller_title": "先生", "phone": f"1381234{i % 10000:04d}",
            "address": "幸福路88号", "description": f"小区停水三天了（{i}）", "nature": "求助",
            "content_path": ["城建环保", "供水"], "reply_wanted": True, "reply_method": "电话",
            "disposition": "transfer"}


def fill(store: Store, orders: int, per_order: int, start: int = 0) -> int:
    """`orders` orders of `per_order` events each: created, dispatched, then notes."""
    made, batch = 0, []
    for i in range(start, start + orders):
        number = NEW_ORDER  # the order this command's `created` makes
        batch.append(NewEvent("created", intake(i), AGENT, at=T0))
        if per_order > 1:
            batch.append(NewEvent("dispatched", {"lead_unit": f"U00{1 + i % 4}"}, DISPATCHER, number,
                                  at=T0 + timedelta(hours=1)))
        for k in range(per_order - 2):
            batch.append(NewEvent("note", {"text": f"催办{k}"}, DISPATCHER, number, at=T0 + timedelta(hours=2)))
        if len(batch) >= 500:
            made += _record(store, batch)
            batch = []
    return made + (_record(store, batch) if batch else 0)


def _record(store: Store, batch) -> int:
    result = store.record(batch)
    assert result.ok, result.reason
    return len(batch)


class CentreProc:
    def __init__(self, db: str):
        import socket

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "console", "centre", "serve", "--db", db, "--port",
                                      str(self.port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                                     env=dict(os.environ, PYTHONPATH=str(ROOT)))
        import httpx

        for _ in range(200):
            if self.proc.poll() is not None:
                raise RuntimeError(f"centre exited with {self.proc.returncode}")
            try:
                httpx.get(self.url + "/healthz", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("centre did not start")

    def stop(self):
        self.proc.terminate()
        self.proc.wait(10)


def new_db(kind: str, tmp: Path):
    if kind == "sqlite":
        return str(tmp / f"centre-{uuid.uuid4().hex[:6]}.db"), lambda: None
    import psycopg

    schema = f"hl_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as c:
        c.execute(f'CREATE SCHEMA "{schema}"')

    def drop():
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as c:
            c.execute(f'DROP SCHEMA "{schema}" CASCADE')

    return f"postgresql+psycopg://postgres@127.0.0.1:5432/test?options=-csearch_path%3D{schema}", drop


def seat(tmp: Path, code: str, centre: Centre, url: str) -> tuple[Store, CentreClient]:
    store = Store.init(tmp / code, code)
    token = centre.enroll(code, "all")
    sync_state.update(store, centre_url=url, token=token)
    return store, CentreClient(url, token, timeout=120)


def push_and_pull(kind: str, tmp: Path) -> dict:
    db, drop = new_db(kind, tmp)
    centre = Centre(make_engine(db))
    centre.init()
    proc = CentreProc(db)
    try:
        a, ca = seat(tmp, f"P{uuid.uuid4().hex[:4].upper()}", centre, proc.url)
        b, cb = seat(tmp, f"Q{uuid.uuid4().hex[:4].upper()}", centre, proc.url)
        n = fill(a, 2000, 5)
        t = time.perf_counter()
        push_pending(a, ca)
        t_push = time.perf_counter() - t
        pulled = pull_all(b, cb)
        total = time.perf_counter() - t
        assert pulled == n == 10_000, (pulled, n)
        return {"events": n, "push": t_push, "pull": total - t_push, "total": total}
    finally:
        proc.stop()
        centre.engine.dispose()
        drop()


def offline_day(kind: str, tmp: Path) -> dict:
    db, drop = new_db(kind, tmp)
    centre = Centre(make_engine(db))
    centre.init()
    proc = CentreProc(db)
    try:
        others, co = seat(tmp, f"O{uuid.uuid4().hex[:4].upper()}", centre, proc.url)
        fill(others, 3000, 5)
        push_pending(others, co)
        back, cb = seat(tmp, f"B{uuid.uuid4().hex[:4].upper()}", centre, proc.url)
        fill(back, 100, 3, start=5000)  # its own work while offline
        t = time.perf_counter()
        report = sync_once(back, cb)
        total = time.perf_counter() - t
        assert report.pulled >= 15_000 and back.outbox_count() == 0
        return {"pulled": report.pulled, "pushed": report.pushed, "total": total}
    finally:
        proc.stop()
        centre.engine.dispose()
        drop()


def responsiveness(kind: str, tmp: Path) -> dict:
    """While a SyncWorker in this process pulls a day of work (15,000 events), how late is a
    10 ms timer on the main thread (a proxy for keystroke handling: the GIL is shared), and how
    long does a local write (a note) take (the SQLite write lock is shared)?"""
    from console.sync import state as st
    from console.sync.worker import SyncWorker

    db, drop = new_db(kind, tmp)
    centre = Centre(make_engine(db))
    centre.init()
    proc = CentreProc(db)
    try:
        others, co = seat(tmp, f"O{uuid.uuid4().hex[:4].upper()}", centre, proc.url)
        fill(others, 3000, 5)
        push_pending(others, co)
        me, cm = seat(tmp, f"R{uuid.uuid4().hex[:4].upper()}", centre, proc.url)
        fill(me, 1, 2, start=9000)
        number = me.list_orders(limit=1)[0]["number"]
        head = centre.head()
        late, writes = [], []
        worker = SyncWorker(me, cm, interval=0.5, pull_wait=1.0).start()
        t_end = time.monotonic() + 120
        while time.monotonic() < t_end:
            t = time.perf_counter()
            time.sleep(0.01)
            late.append(time.perf_counter() - t - 0.01)
            if len(late) % 10 == 0:
                t = time.perf_counter()
                me.record([NewEvent("note", {"text": "测"}, DISPATCHER, number)])
                writes.append(time.perf_counter() - t)
                if int(st.read_all(me).get("pull_cursor", 0)) >= head:  # the day has been pulled
                    break
        worker.stop()
        return {"late": late, "writes": writes}
    finally:
        proc.stop()
        centre.engine.dispose()
        drop()


def keystrokes_during_sync(kind: str, tmp: Path) -> dict:
    """The budget itself: the real console (HotlineApp, agent at the intake form) on a seat that
    comes back from a day offline; its own SyncWorker pulls the 15,000 events while keys are typed
    into the form. Key to next frame, as bench/intake_bench.py measures it."""
    import asyncio

    sys.path.insert(0, str(ROOT / "bench"))
    from intake_bench import _painting_app, press_to_paint
    from textual.widgets import TextArea

    from console.sync import state as st
    from screens.app import HotlineApp

    db, drop = new_db(kind, tmp)
    centre = Centre(make_engine(db))
    centre.init()
    proc = CentreProc(db)
    try:
        others, co = seat(tmp, f"O{uuid.uuid4().hex[:4].upper()}", centre, proc.url)
        fill(others, 3000, 5)
        push_pending(others, co)
        head = centre.head()
        me, _ = seat(tmp, f"K{uuid.uuid4().hex[:4].upper()}", centre, proc.url)
        data_dir = me.data_dir
        me.close()

        async def run() -> tuple[list[float], bool]:
            app = _painting_app(HotlineApp, data_dir, operator="B01")
            times: list[float] = []
            async with app.run_test(size=(160, 50)) as pilot:
                while app.store is None or app.sync_worker is None or not app.screen.query("#description"):
                    await pilot.pause(0.05)
                app.screen.query_one("#description", TextArea).focus()
                await pilot.pause(0.2)
                t_end = time.monotonic() + 120
                while time.monotonic() < t_end:
                    for key in "路灯坏了":
                        times.append(await press_to_paint(app, key))
                        await asyncio.sleep(0.05)
                    app.screen.query_one("#description", TextArea).text = ""
                    if int(st.read_all(app.store).get("pull_cursor", 0)) >= head:
                        return times, True
            return times, False

        times, done = asyncio.run(run())
        return {"keys": times, "pulled": done}
    finally:
        proc.stop()
        centre.engine.dispose()
        drop()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def summary(values: list[float]) -> str:
    values = sorted(values)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return f"median {statistics.median(values):6.2f} s   p95 {p95:6.2f} s   (n={len(values)})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory(prefix="hl-bench-") as d:
        tmp = Path(d)
        for kind in kinds:
            runs = [push_and_pull(kind, tmp) for _ in range(args.runs)]
            print(f"[{kind:8}] push+pull 10,000 events (budget 10 s): {summary([r['total'] for r in runs])}"
                  f"   push {statistics.median(r['push'] for r in runs):.2f} s,"
                  f" pull {statistics.median(r['pull'] for r in runs):.2f} s")
            runs = [offline_day(kind, tmp) for _ in range(args.runs)]
            print(f"[{kind:8}] (load average now {os.getloadavg()[0]:.1f})")
            print(f"[{kind:8}] a day offline, 15,000 events to converge (budget 30 s): "
                  f"{summary([r['total'] for r in runs])}")
            r = responsiveness(kind, tmp)
            print(f"[{kind:8}] during that pull in the console's process: 10 ms timer late by p50 "
                  f"{pct(r['late'], .5) * 1000:.1f} ms, p95 {pct(r['late'], .95) * 1000:.1f} ms; a local write takes "
                  f"p50 {pct(r['writes'], .5) * 1000:.0f} ms, p95 {pct(r['writes'], .95) * 1000:.0f} ms "
                  f"(n={len(r['writes'])})")
            r = keystrokes_during_sync(kind, tmp)
            keys = r["keys"]
            print(f"[{kind:8}] keystroke -> frame in the console while it pulls that day (budget p95 50 ms): "
                  f"median {statistics.median(keys):.1f} ms   p95 {pct(keys, .95):.1f} ms   (n={len(keys)}"
                  f"{'' if r['pulled'] else ', pull not finished in 120 s'})")


if __name__ == "__main__":
    main()
