"""Centre load budgets (issue 12), printed, never asserted. Simulated seats are real HTTP/1.1
clients (keep-alive connections driven by asyncio protocols on uvloop) in separate processes,
long-polling `hotline centre serve` on loopback; the pushers use httpx.

  fanout     one seat pushes a batch of 10 real events every 0.5 s while N seats wait:
             push answered p50/p95 (budget p95 <= 100 ms) and "last seat has the event"
             p50/p95 (budget p95 <= 1 s; at 1,000 seats within 3x of 10 seats, same run)
  idle       N connected, waiting seats, nothing pushed: the centre's CPU (budget <= 5 % of a core)
  sustained  P seats push R events/s in all while N wait: nothing lost, nothing doubled, every
             waiting seat has every event, fan-out p95 (budget <= 2 s)
  restart    the centre is stopped and started under N connected seats: time until every seat
             has an event pushed after the restart (budget <= 30 s)
  seqrate    8 threads push straight into Centre.push (no HTTP), batches of 10 and of 100: the
             highest push rate the commit-ordered seq (one counter row) allows

Run (the lead's quiet-machine command is in bench/README.md):
  .venv/bin/python bench/centre_load_bench.py --db postgres --seats 10,1000 --duration 20
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from bisect import bisect_left
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import httpx  # noqa: E402

from console.sync.backoff import Backoff  # noqa: E402
from console.sync.client import retry_after_seconds  # noqa: E402
from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION  # noqa: E402

WAIT = 10.0  # the seats' long-poll wait (SyncWorker's pull_wait)


def headers(token: str) -> dict[str, str]:
    return {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}


# -- the simulated waiting seats (child processes) --------------------------------------------------


class SeatRecord:
    def __init__(self) -> None:
        self.arrivals: list[tuple[float, int]] = []  # (monotonic time, last seq held)
        self.cursor = 0
        self.violations = 0  # a response whose seqs were not exactly cursor+1, cursor+2, ...
        self.errors = 0
        self.shed = 0  # 503 answers
        self.requests = 0


# Where each event of a pull answer starts: its seq is the first key (console/centre/tail.py event_json).
_SEQS = re.compile(rb'(?:\[|\},)\{"seq":(\d+),"id":"')


def seqs_of(body: bytes, parse: str) -> list[int]:
    """The seqs of a pull answer: a full JSON parse (`json`, what a seat does), or only the seqs
    (`seqs`): a simulated seat's parse is the simulating machine's work, not the centre's, and at
    500 events/s for 1,000 seats it is more JSON than 2 cores parse beside the centre."""
    if parse == "json":
        return [e["seq"] for e in json.loads(body)["events"]]
    return [int(m) for m in _SEQS.findall(body)]


class Seat:
    """One simulated seat's long poll on its keep-alive connection, as callbacks (an
    asyncio.Protocol): an answer is read as it arrives and the next pull goes out at once, with
    no coroutine or stream reader per answer, so a thousand seats cost the simulating machine
    little beside the centre. It sends what CentreClient sends; on an error or a 503 it backs
    off (Retry-After honoured) and reconnects, as a seat's worker does."""

    def __init__(self, loop: asyncio.AbstractEventLoop, host: str, port: int, token: str, rec: SeatRecord,
                 parse: str):
        self.loop, self.host, self.port, self.rec, self.parse = loop, host, port, rec, parse
        self.head = (f"Host: {host}:{port}\r\n{PROTOCOL_HEADER}: {PROTOCOL_VERSION}\r\n"
                     f"Authorization: Bearer {token}\r\n\r\n").encode()
        self.backoff = Backoff(base=0.5, cap=10.0)
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.stopped = False

    # -- the connection ------------------------------------------------------------------------

    def connect(self) -> None:
        if not self.stopped:
            self.loop.create_task(self._connect())

    async def _connect(self) -> None:
        try:
            await self.loop.create_connection(lambda: _SeatProtocol(self), self.host, self.port)
        except OSError:
            self.rec.errors += 1
            self.loop.call_later(self.backoff.next(), self.connect)

    def made(self, transport: asyncio.Transport) -> None:
        self.transport, self.buffer = transport, bytearray()
        self.send()

    def lost(self) -> None:
        self.transport = None
        if not self.stopped:
            self.rec.errors += 1
            self.loop.call_later(self.backoff.next(), self.connect)

    def stop(self) -> None:
        self.stopped = True
        if self.transport is not None:
            self.transport.close()

    # -- the pulls --------------------------------------------------------------------------

    def send(self) -> None:
        if self.transport is not None and not self.stopped:
            self.rec.requests += 1
            self.transport.write(f"GET /v1/sync/pull?after={self.rec.cursor}&wait={WAIT:g} HTTP/1.1\r\n".encode()
                                 + self.head)

    def received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        status_line, *lines = self.buffer[:end].decode("latin-1").split("\r\n")
        fields = {}
        for line in lines:
            name, _, value = line.partition(":")
            fields[name.strip().lower()] = value.strip()
        length = int(fields.get("content-length", "0"))
        if len(self.buffer) < end + 4 + length:
            return
        body = bytes(self.buffer[end + 4:end + 4 + length])
        del self.buffer[:end + 4 + length]
        self.answered(int(status_line.split()[1]), fields, body)

    def answered(self, status: int, fields: dict[str, str], body: bytes) -> None:
        if status != 200:
            self.rec.errors += 1
            self.rec.shed += status == 503
            self.loop.call_later(self.backoff.next(retry_after_seconds(fields.get("retry-after"))), self.send)
            return
        self.backoff.reset()
        now = time.monotonic()
        seqs = seqs_of(body, self.parse)
        if seqs:
            rec = self.rec
            if seqs != list(range(rec.cursor + 1, rec.cursor + 1 + len(seqs))):
                rec.violations += 1
            rec.cursor = seqs[-1]
            rec.arrivals.append((now, rec.cursor))
        if fields.get("connection", "").lower() != "close":
            self.send()  # else the centre closes the connection: lost() reconnects


class _SeatProtocol(asyncio.Protocol):
    def __init__(self, seat: Seat):
        self.seat = seat

    def connection_made(self, transport) -> None:
        self.seat.made(transport)

    def data_received(self, data: bytes) -> None:
        self.seat.received(data)

    def connection_lost(self, exc) -> None:
        self.seat.lost()


def seat_process(url: str, tokens: list[str], start: int, commands, results, parse: str) -> None:
    async def main() -> None:
        host, port = url.split("//", 1)[1].rsplit(":", 1)
        loop = asyncio.get_running_loop()
        recs = [SeatRecord() for _ in tokens]
        seats = []
        for token, rec in zip(tokens, recs, strict=True):
            rec.cursor = start
            seats.append(Seat(loop, host, int(port), token, rec, parse))
            seats[-1].connect()
            await asyncio.sleep(0)  # spread the first requests a little
        results.put(("ready", len(tokens)))
        while True:
            cmd = await loop.run_in_executor(None, commands.get)
            if cmd == "cursors":
                results.put(("cursors", [r.cursor for r in recs]))
            elif cmd == "stop":
                break
        for seat in seats:
            seat.stop()
        await asyncio.sleep(0.1)
        results.put(("done", [(r.arrivals, r.cursor, r.violations, r.errors, r.shed, r.requests) for r in recs]))

    import uvloop  # the centre's own loop (uvicorn's): a simulated seat costs the machine less

    uvloop.run(main())


class Seats:
    """N waiting seats spread over `procs` client processes."""

    parse = "json"  # how the simulated seats read an answer (--parse)

    def __init__(self, url: str, tokens: list[str], start: int, procs: int):
        ctx = mp.get_context("spawn")
        self.results = ctx.Queue()
        self.commands = [ctx.Queue() for _ in range(procs)]
        self.procs = []
        for i in range(procs):
            chunk = tokens[i::procs]
            p = ctx.Process(target=seat_process, args=(url, chunk, start, self.commands[i], self.results, self.parse),
                            daemon=True)
            p.start()
            self.procs.append(p)
        for _ in range(procs):
            kind, _n = self.results.get(timeout=120)
            assert kind == "ready"

    def cursors(self) -> list[int]:
        for q in self.commands:
            q.put("cursors")
        out: list[int] = []
        for _ in self.commands:
            kind, values = self.results.get(timeout=60)
            assert kind == "cursors"
            out += values
        return out

    def stop(self) -> list[tuple]:
        for q in self.commands:
            q.put("stop")
        out: list[tuple] = []
        for _ in self.commands:
            kind, values = self.results.get(timeout=120)
            assert kind == "done"
            out += values
        for p in self.procs:
            p.join(10)
        return out


# -- the centre process and its CPU ------------------------------------------------------------------


class Centre:
    def __init__(self, db: str, port: int, workers: int):
        self.db, self.port, self.workers = db, port, workers
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Centre:
        cmd = [sys.executable, "-m", "console", "centre", "serve", "--db", self.db, "--port", str(self.port)]
        if self.workers > 1:
            cmd += ["--workers", str(self.workers)]
        self.proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"centre exited with {self.proc.returncode}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError("centre did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def cpu_seconds(self) -> float:
        """User + system CPU of the centre process and its worker processes so far."""
        assert self.proc is not None
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for pid in [self.proc.pid, *_children(self.proc.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick
        return total


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):  # children of every thread (the rollups' watcher's too)
        try:
            found += (task / "children").read_text().split()
        except OSError:
            continue
    out = [int(p) for p in found]
    for child in list(out):
        out += _children(child)
    return out


# -- pushing seats ------------------------------------------------------------------------------------


def pusher_batches(tmp: Path, code: str, events: int, batch: int = 10) -> list[list[dict]]:
    """Real events made by a real seat store (created, dispatched, notes), in batches of `batch`."""
    from sync_bench import fill

    from console.store import Store
    from console.sync.session import pending_batch

    store = Store.init(tmp / code, code)
    fill(store, max(1, events // 5), 5)
    pending = pending_batch(store, events)
    store.engine.dispose()
    return [pending[i:i + batch] for i in range(0, len(pending), batch)]


class Pushes:
    def __init__(self) -> None:
        self.sent: list[tuple[float, float, int]] = []  # (sent, answered, last seq)
        self.refused = 0
        self.retried = 0


async def push_loop(http: httpx.AsyncClient, token: str, batches: list[list[dict]], every: float,
                    until: float, out: Pushes, offset: float = 0.0) -> None:
    await asyncio.sleep(offset)
    tick = time.monotonic()
    while batches:
        if time.monotonic() >= until:
            return
        batch = batches[0]
        backoff = Backoff(base=0.2, cap=5.0)
        while True:
            t0 = time.monotonic()
            try:
                resp = await http.post("/v1/sync/push", json={"events": batch}, headers=headers(token), timeout=60)
            except httpx.HTTPError:
                out.retried += 1
                await asyncio.sleep(backoff.next())
                continue
            if resp.status_code == 503:
                out.retried += 1
                await asyncio.sleep(backoff.next(retry_after_seconds(resp.headers.get("Retry-After"))))
                continue
            break
        t1 = time.monotonic()
        batches.pop(0)  # pushed: the next run goes on from the next seat_seq
        if resp.status_code != 200:
            out.refused += 1
        else:
            results = resp.json()["results"]
            out.refused += sum(r["status"] == "rejected" for r in results)
            out.sent.append((t0, t1, max(r["seq"] for r in results)))
        tick += every
        await asyncio.sleep(max(0.0, tick - time.monotonic()))


def push_for(url: str, plans: list[tuple[str, list[list[dict]]]], every: float, seconds: float) -> Pushes:
    async def main() -> Pushes:
        out = Pushes()
        until = time.monotonic() + seconds
        clients = [httpx.AsyncClient(base_url=url, limits=httpx.Limits(max_connections=1)) for _ in plans]
        try:  # one client per pusher, as for the waiting seats: httpx's shared pool is slow with many
            await asyncio.gather(*(push_loop(http, token, batches, every, until, out, offset=every * i / len(plans))
                                   for i, (http, (token, batches)) in enumerate(zip(clients, plans, strict=True))))
        finally:
            for http in clients:
                await http.aclose()
        return out

    return asyncio.run(main())


# -- figures ---------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.0f} / {pct(values, 0.95) * 1000:,.0f} ms" if values else "—"


def fan_out(pushes: Pushes, seats: list[tuple]) -> tuple[list[float], int]:
    """Per push, the time until the last waiting seat held its events; and how many never did."""
    lasts, _after, never = fan_out_after(pushes, seats)
    return lasts, never


def fan_out_after(pushes: Pushes, seats: list[tuple]) -> tuple[list[float], list[float], int]:
    """fan_out's figures, and per push the part of it after the push was answered."""
    lasts, after, never = [], [], 0
    per_seat = [([a[1] for a in arrivals], [a[0] for a in arrivals]) for arrivals, *_ in seats]
    for t0, t1, last in pushes.sent:
        worst = 0.0
        for seqs, times in per_seat:
            i = bisect_left(seqs, last)
            if i == len(seqs):
                worst = float("inf")
                break
            worst = max(worst, times[i] - t0)
        if worst == float("inf"):
            never += 1
        else:
            lasts.append(worst)
            after.append(max(0.0, worst - (t1 - t0)))
    return lasts, after, never


def machine() -> str:
    from sync_bench import machine as describe

    return describe()


def load() -> str:
    return " / ".join(f"{x:.1f}" for x in os.getloadavg())


# -- scenarios --------------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def head_of(url: str) -> int:
    return int(httpx.get(url + "/healthz", timeout=10).json()["head"])


def scenario_fanout(centre: Centre, tokens: list[str], pusher: tuple[str, list[list[dict]]], n: int,
                    seconds: float, procs: int) -> None:
    seats = Seats(centre.url, tokens[:n], head_of(centre.url), min(procs, n))
    time.sleep(2.0)  # every seat parked in its long poll
    c0, t0 = centre.cpu_seconds(), time.monotonic()
    pushes = push_for(centre.url, [pusher], 0.5, seconds)
    cpu = 100 * (centre.cpu_seconds() - c0) / (time.monotonic() - t0)
    time.sleep(3.0)  # let the last fan-out land
    got = seats.stop()
    lasts, never = fan_out(pushes, got)
    answered = [t1 - t0 for t0, t1, _ in pushes.sent]
    errors = sum(g[3] for g in got)
    print(f"| fanout | {n:,} | {len(pushes.sent)} | {ms(answered)} | {ms(lasts)} | "
          f"{never} never reached all; {errors} seat errors; {sum(g[2] for g in got)} order violations; "
          f"centre CPU {cpu:.0f} % of a core | {load()} |", flush=True)


def scenario_idle(centre: Centre, tokens: list[str], n: int, seconds: float, procs: int) -> None:
    seats = Seats(centre.url, tokens[:n], head_of(centre.url), min(procs, n))
    time.sleep(3.0)
    xacts0 = _pg_xacts(centre.db)
    c0, t0 = centre.cpu_seconds(), time.monotonic()
    time.sleep(seconds)
    c1, t1 = centre.cpu_seconds(), time.monotonic()
    xacts1 = _pg_xacts(centre.db)
    got = seats.stop()
    per_s = f"{(xacts1 - xacts0) / (t1 - t0):,.0f}" if xacts0 is not None and xacts1 is not None else "—"
    print(f"| idle | {n:,} | — | centre CPU {100 * (c1 - c0) / (t1 - t0):.1f} % of a core | "
          f"database transactions/s (whole `test` database, others' included) {per_s} | "
          f"{sum(g[5] for g in got)} requests | {load()} |", flush=True)


def _pg_xacts(db: str) -> int | None:
    if not db.startswith("postgresql"):
        return None
    import psycopg

    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as c:
        row = c.execute("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = 'test'").fetchone()
        return int(row[0]) if row else None


def scenario_sustained(centre: Centre, tokens: list[str], plans: list[tuple[str, list[list[dict]]]], n: int,
                       rate: float, seconds: float, procs: int) -> None:
    start = head_of(centre.url)
    seats = Seats(centre.url, tokens[:n], start, min(procs, n))
    time.sleep(2.0)
    every = 10 * len(plans) / rate  # each pusher sends 10 events per `every` seconds
    c0, t0 = centre.cpu_seconds(), time.monotonic()
    pushes = push_for(centre.url, plans, every, seconds)
    cpu = 100 * (centre.cpu_seconds() - c0) / (time.monotonic() - t0)
    head = head_of(centre.url)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and min(seats.cursors()) < head:
        time.sleep(0.5)
    got = seats.stop()
    lasts, after, never = fan_out_after(pushes, got)
    behind = sum(g[1] != head for g in got)
    events = head - start
    print(f"| sustained | {n:,} | {len(plans)} pushers, {events:,} events in {seconds:.0f} s "
          f"({events / seconds:,.0f}/s) | {ms([t1 - t0 for t0, t1, _ in pushes.sent])} | {ms(lasts)} "
          f"(after the push's answer {ms(after)}) | "
          f"{behind} seats short of head {head}, {sum(g[2] for g in got)} order violations, {never} pushes never "
          f"reached all, {pushes.refused} rejected, {pushes.retried} push retries; centre CPU {cpu:.0f} % of a core | "
          f"{load()} |", flush=True)


def scenario_restart(centre: Centre, tokens: list[str], pusher: tuple[str, list[list[dict]]], n: int,
                     procs: int) -> None:
    seats = Seats(centre.url, tokens[:n], head_of(centre.url), min(procs, n))
    time.sleep(3.0)
    t0 = time.monotonic()
    centre.stop()
    centre.start()
    up = time.monotonic() - t0
    pushes = push_for(centre.url, [pusher], 0.5, 0.4)  # one batch
    head = head_of(centre.url)
    deadline = time.monotonic() + 60
    current = 0
    while time.monotonic() < deadline:
        current = sum(c >= head for c in seats.cursors())
        if current == n:
            break
        time.sleep(0.2)
    took = time.monotonic() - t0
    got = seats.stop()
    print(f"| restart | {n:,} | {len(pushes.sent)} | centre up again in {up:.1f} s | all seats current "
          f"{took:.1f} s after the stop ({current:,}/{n:,}) | {sum(g[4] for g in got)} 503s, "
          f"{sum(g[3] for g in got)} seat errors | {load()} |", flush=True)


def scenario_seqrate(db: str, tmp: Path, threads: int, batch: int, seconds: float) -> None:
    """The ceiling the commit-ordered seq sets: `threads` seats push `batch`-event batches straight
    into Centre.push (no HTTP), every transaction holding the counter row until it commits."""
    import threading

    from console.centre.db import make_engine
    from console.centre.model import SeatInfo
    from console.centre.service import SEAT_ROLES
    from console.centre.service import Centre as CentreService

    service = CentreService(make_engine(db))
    roles = frozenset(r.value for r in SEAT_ROLES)
    plans = []
    for i in range(threads):
        code = f"Q{batch:03d}{i:02d}"
        service.enroll(code, "all")
        plans.append((SeatInfo(code, roles, None), pusher_batches(tmp, code, int(seconds * 2000 / threads) + batch,
                                                                   batch)))
    times: list[float] = []
    until = time.monotonic() + seconds

    def run(seat, batches) -> None:
        for b in batches:
            if time.monotonic() >= until:
                return
            t0 = time.perf_counter()
            service.push(seat, b)
            times.append(time.perf_counter() - t0)

    workers = [threading.Thread(target=run, args=plan) for plan in plans]
    t0 = time.monotonic()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    took = time.monotonic() - t0
    service.engine.dispose()
    print(f"| seqrate | — | {len(times):,} pushes of {batch} by {threads} threads, no HTTP: {len(times) / took:,.0f} "
          f"pushes/s, {len(times) * batch / took:,.0f} events/s | {ms(times)} | — | the counter row's ceiling in one "
          f"process | {load()} |", flush=True)


# -- set-up --------------------------------------------------------------------------------------------


def new_db(kind: str, tmp: Path):
    from sync_bench import new_db as make

    if "://" in kind:
        return kind, lambda: None
    return make(kind, tmp)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="postgres", help="postgres | sqlite | a SQLAlchemy URL (default postgres: a "
                                                     "fresh schema in the local `test` database)")
    ap.add_argument("--seats", default="10,100", help="waiting seat counts, comma-separated (default 10,100)")
    ap.add_argument("--scenarios", default="fanout,idle,sustained,restart,seqrate")
    ap.add_argument("--duration", type=float, default=20.0, help="seconds of pushing per fanout/sustained run")
    ap.add_argument("--idle", type=float, default=10.0, help="seconds of idle CPU measurement")
    ap.add_argument("--pushers", type=int, default=50, help="sustained: pushing seats")
    ap.add_argument("--rate", type=float, default=500.0, help="sustained: events/s in all")
    ap.add_argument("--workers", type=int, default=1, help="centre processes (`serve --workers N`)")
    ap.add_argument("--clients", type=int, default=2, help="client processes simulating the waiting seats")
    ap.add_argument("--parse", choices=("json", "seqs"), default="json",
                    help="how a simulated seat reads an answer: the whole JSON (as a seat does) or only its seqs")
    args = ap.parse_args()
    Seats.parse = args.parse
    counts = [int(x) for x in args.seats.split(",") if x.strip()]
    scenarios = {s.strip() for s in args.scenarios.split(",")}

    from console.centre.db import make_engine
    from console.centre.service import Centre as CentreService

    print(f"centre_load_bench: {machine()}", flush=True)
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        db, drop = new_db(args.db, tmp)
        try:
            service = CentreService(make_engine(db))
            service.init()
            t = time.monotonic()
            tokens = list(service.enroll_many([f"W{i:04d}" for i in range(max(counts))], "all").values())
            sustained_events = int(args.rate * args.duration / args.pushers) + 20
            plans = [(service.enroll(f"P{i:03d}", "all"),
                      pusher_batches(tmp, f"P{i:03d}", sustained_events if "sustained" in scenarios else 0))
                     for i in range(args.pushers if "sustained" in scenarios else 0)]
            fan_token = service.enroll("F001", "all")
            fan_batches = pusher_batches(tmp, "F001", int(args.duration * 20 * len(counts)) + 100)
            service.engine.dispose()
            print(f"set-up: {len(tokens):,} seats enrolled and pushers' events made in {time.monotonic() - t:.1f} s; "
                  f"db {db.split('?')[0]}; centre workers {args.workers}; {args.clients} client processes; "
                  f"long-poll wait {WAIT:.0f} s; seats parse {args.parse}", flush=True)
            centre = Centre(db, free_port(), args.workers).start()
            print("| scenario | waiting seats | pushes | push answered p50 / p95 | last seat has it p50 / p95 | "
                  "notes | load average |\n|---|---|---|---|---|---|---|", flush=True)
            try:
                for n in counts:
                    if "fanout" in scenarios:
                        scenario_fanout(centre, tokens, (fan_token, fan_batches), n, args.duration, args.clients)
                for n in counts:
                    if "idle" in scenarios:
                        scenario_idle(centre, tokens, n, args.idle, args.clients)
                if "sustained" in scenarios:
                    scenario_sustained(centre, tokens, plans, max(counts), args.rate, args.duration, args.clients)
                if "restart" in scenarios:
                    scenario_restart(centre, tokens, (fan_token, fan_batches), max(counts), args.clients)
            finally:
                centre.stop()
            if "seqrate" in scenarios:
                for size in (10, 100):
                    scenario_seqrate(db, tmp, 8, size, min(args.duration, 10.0))
        finally:
            drop()


if __name__ == "__main__":
    main()
