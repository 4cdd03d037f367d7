"""The statistics desk opened on a console connected to a big centre (issue 15: "the desk opens
<= 300 ms"). Printed, never asserted.

The centre is the schema bench/rollups_bench.py --keep left (1 M orders, 10 M events, its rollups
folded), served by `hotline centre serve` in its own process (as in a deployment, not sharing
this process's interpreter). A seat store connected to it (enrolled, its pull cursor at the log's
head so the sync worker does not pull ten million events) runs the real app under Pilot; each run
starts the app, signs in as a supervisor, then times Alt+S until the figures table holds the
centre's M-06..M-11 and the next frame is drawn. The lists behind the figures follow in the
background (timed separately). Also: GET /v1/stats alone, and the desk on the seat's own store.

Run: .venv/bin/python bench/desk_stats_bench.py [--runs 7] [--drop]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from rollups_bench import NOW, SCHEMA, URL, load, machine, pct, psql  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(port: int) -> subprocess.Popen:
    import httpx

    proc = subprocess.Popen([str(ROOT / ".venv/bin/hotline"), "centre", "serve", "--db", URL, "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the centre did not start")


def seat(tmp: str, url: str, with_demo: bool) -> Path:
    from console.centre.db import make_engine
    from console.centre.service import Centre
    from console.demo import fill_demo
    from console.store import Store
    from console.sync import state

    data = Path(tmp)
    store = Store.init(data, "S09")
    if with_demo:
        fill_demo(store, 300, seed=7, now=NOW)
    if url:
        centre = Centre(make_engine(URL))
        token = centre.enroll("S09", "all")
        state.update(store, centre_url=url, token=token, pull_cursor=centre.head())
        centre.engine.dispose()
    store.close()
    return data


async def open_desk(data: Path, rows: int, where: str) -> tuple[float, float | None, float]:
    """Seconds from Alt+S to the figures drawn, to the missed lists arriving (centre only), and to
    the desk's screen being up (before its figures arrive)."""
    from textual.widgets import DataTable

    from screens.app import HotlineApp

    app = HotlineApp(data, wallclock=lambda: NOW, operator="S501", role="supervisor")
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause(3.0)  # the app and its store open, the sync worker's first round done
        t0 = time.perf_counter()
        await pilot.press("alt+s")
        figures = label = None
        mounted = 0.0
        while True:
            screen = app.screen
            if type(screen).__name__ == "StatsScreen":
                mounted = mounted or time.perf_counter() - t0
                figures = screen.query_one("#stats-figures", DataTable)
                label = screen.query_one("#stats-period")
                if figures.row_count == rows and where in str(label.render()):
                    break
            if time.perf_counter() - t0 > 30:
                raise SystemExit(f"the desk did not show {rows} figures from {where!r}: {label and label.render()}")
            await asyncio.sleep(0.002)
        await pilot.pause()  # the frame with them
        painted = time.perf_counter() - t0
        lists = None
        if rows == 6:
            while app.screen.missed is None and time.perf_counter() - t0 < 60:
                await asyncio.sleep(0.01)
            lists = time.perf_counter() - t0
    return painted, lists, mounted


def summary(label: str, times: list[float], budget: str = "") -> str:
    return (f"{label} n={len(times)}: median {statistics.median(times) * 1000:.0f} ms "
            f"p95 {pct(times, 0.95) * 1000:.0f} ms{budget}; {load()}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--drop", action="store_true", help=f"drop the schema {SCHEMA} at the end")
    args = ap.parse_args()
    print(f"machine: {machine()}, {load()}", flush=True)
    port = free_port()
    proc = serve(port)
    try:
        from datetime import datetime

        from console.sync.client import CentreClient

        url = f"http://127.0.0.1:{port}"
        with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as own:
            data = seat(tmp, url, with_demo=False)
            from console.store import Store
            from console.sync.state import read_all

            store = Store.open(data)
            token = read_all(store)["token"]
            store.close()
            client = CentreClient(url, token)
            start, end = datetime(2026, 11, 1), datetime(2026, 11, 29)
            for listed in (False, True):
                times = []
                for _ in range(args.runs):
                    t0 = time.perf_counter()
                    body = client.stats(start, end, NOW, listed)
                    times.append(time.perf_counter() - t0)
                print(summary(f"GET /v1/stats this month{' with the missed lists' if listed else ''}", times)
                      + f" (as of seq {body['as_of']:,}, head {body['head']:,}"
                      + (f"; {body['catching_up']['message']}" if body["catching_up"] else "") + ")", flush=True)
            client.close()
            painted, lists, mounts = [], [], []
            for _ in range(args.runs):
                p, ls, m = asyncio.run(open_desk(data, 6, "中心"))
                painted.append(p)
                lists.append(ls or 0.0)
                mounts.append(m)
            print(summary("the desk from Alt+S to the centre's figures drawn", painted, " (budget 300 ms)"))
            print(summary("  ... of which to the desk's screen up (before its figures)", mounts))
            print(summary("  ... and to the missed orders' lists arriving", lists))
            data_own = seat(own, "", with_demo=True)
            runs = [asyncio.run(open_desk(data_own, 11, "部分")) for _ in range(args.runs)]
            print(summary("the desk on the seat's own store (300 demo orders, not connected)", [r[0] for r in runs],
                          " (budget 300 ms)"))
            print(summary("  ... of which to the desk's screen up", [r[2] for r in runs]))
    finally:
        proc.terminate()
        proc.wait(10)
        if args.drop:
            psql(f'DROP SCHEMA IF EXISTS "{SCHEMA}" CASCADE')
            print(f"schema {SCHEMA} dropped")


if __name__ == "__main__":
    main()
