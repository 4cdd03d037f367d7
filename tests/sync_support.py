"""Helpers for the sync, centre and fault tests: a real centre on loopback (uvicorn in a thread
or a subprocess), real seat stores, a fault proxy, PostgreSQL schemas, and the end-of-test
invariants every sync test checks."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from console.centre import db as cdb
from console.centre.db import make_engine
from console.centre.local import LocalCentre
from console.centre.service import Centre
from console.domain.roles import Actor, Role
from console.store import NewEvent, Store
from console.sync import state as sync_state
from console.sync.client import CentreClient
from console.wire.state import state_to_json

ROOT = Path(__file__).resolve().parents[1]
PG_BASE = os.environ.get("HOTLINE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")

AGENT = Actor("A101", Role.AGENT)
DISPATCHER = Actor("D201", Role.DISPATCHER)
LEAD = Actor("L301", Role.LEAD)
UNITS = ("U001", "U002", "U003", "U004")
BASE_TIME = datetime(2026, 11, 27, 9, 0)  # a Friday, working hours


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- databases ------------------------------------------------------------------------------


def pg_reachable() -> str | None:
    """None when PostgreSQL answers, else why not."""
    try:
        import psycopg

        with psycopg.connect("host=127.0.0.1 port=5432 user=postgres dbname=test", connect_timeout=3):
            return None
    except Exception as exc:  # any failure means: not usable here
        return f"{type(exc).__name__}: {exc}".strip()


def require_pg() -> None:
    why = pg_reachable()
    if why is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true but PostgreSQL at 127.0.0.1:5432 is unreachable: {why}")
    pytest.skip(f"PostgreSQL at 127.0.0.1:5432 unreachable ({why}); set CI=true to make this a failure")


@contextmanager
def pg_schema():
    """A fresh schema in database `test`, dropped afterwards; yields a URL using it."""
    import psycopg

    name = f"hl_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield f"{PG_BASE}?options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect("host=127.0.0.1 user=postgres dbname=test", autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{name}" CASCADE')


@contextmanager
def centre_db(kind: str, tmp_path: Path):
    if kind == "postgres":
        require_pg()
        with pg_schema() as url:
            yield url
    else:
        yield str(tmp_path / f"centre-{uuid.uuid4().hex[:6]}.db")


def new_centre(url: str) -> Centre:
    centre = Centre(make_engine(url))
    centre.init()
    return centre


# -- the centre on loopback ----------------------------------------------------------------


class CentreThread(LocalCentre):
    """uvicorn serving the real app in a background thread (the same server the demo uses)."""

    def __init__(self, centre: Centre, port: int | None = None):
        super().__init__(centre, port=port or free_port())
        self.centre = centre


class CentreProcess:
    """`hotline centre serve` as a subprocess, so it can be killed with SIGKILL."""

    def __init__(self, db: str, port: int | None = None, faults: str = "", args: tuple[str, ...] = (),
                 env: dict[str, str] | None = None):
        self.db, self.port = db, port or free_port()
        self.args, self.env = args, env or {}
        self.url = f"http://127.0.0.1:{self.port}"
        self.faults = faults
        self.proc: subprocess.Popen | None = None

    def start(self, faults: str | None = None) -> CentreProcess:
        env = dict(os.environ, HOTLINE_FAULTS=self.faults if faults is None else faults, PYTHONPATH=str(ROOT),
                   **self.env)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "console", "centre", "serve", "--db", self.db, "--port", str(self.port),
             *self.args],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"centre exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError("centre process did not start")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait(10)

    def wait_dead(self, timeout: float = 10) -> int:
        return self.proc.wait(timeout)


# -- seats ---------------------------------------------------------------------------------


def make_seat(root: Path, code: str, centre: Centre | None = None, url: str | None = None,
              roles: str = "all") -> Store:
    store = Store.init(root / code, code)
    if centre is not None and url is not None:
        connect(store, centre, url, roles)
    return store


def connect(store: Store, centre: Centre, url: str, roles: str = "all") -> str:
    token = centre.enroll(store.seat, roles)
    sync_state.update(store, centre_url=url, token=token)
    return token


def client(store: Store, url: str | None = None) -> CentreClient:
    values = sync_state.read_all(store)
    return CentreClient(url or values["centre_url"], values["token"], timeout=10)


def intake_payload(i: int = 0, **extra) -> dict:
    payload = {
        "caller_name": "张明", "caller_title": "先生", "phone": f"1381234{i % 10000:04d}",
        "address": "幸福路88号幸福家园3栋", "description": f"小区停水三天了，没有任何通知（{i}）",
        "nature": "求助", "content_path": ["城建环保", "供水"], "reply_wanted": True, "reply_method": "电话",
        "disposition": "transfer",
    }
    payload.update(extra)
    return payload


def create_order(store: Store, i: int = 0, at: datetime | None = None) -> str:
    result = store.record([NewEvent("created", intake_payload(i), AGENT, at=at or BASE_TIME)])
    assert result.ok, result.reason
    return result.orders[0]


def dispatch(store: Store, number: str, unit: str = "U001", at: datetime | None = None):
    return store.record([NewEvent("dispatched", {"lead_unit": unit}, DISPATCHER, number,
                                  at=at or BASE_TIME + timedelta(hours=1))])


def note(store: Store, number: str, text_: str = "来电人再次催办", at: datetime | None = None):
    return store.record([NewEvent("note", {"text": text_}, DISPATCHER, number,
                                  at=at or BASE_TIME + timedelta(hours=2))])


# -- invariants ----------------------------------------------------------------------------


def centre_events(centre: Centre) -> list[dict]:
    with centre.engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(cdb.events).order_by(cdb.events.c.seq)).mappings()]


def seat_events(store: Store) -> list[dict]:
    with store.engine.connect() as conn:
        return [dict(r) for r in conn.execute(text("SELECT * FROM events")).mappings()]


def assert_converged(centre: Centre, seats: list[Store]) -> None:
    """No event lost, none applied twice, seq gap-free, every seat equal to the centre, at most
    one active dispatch per order, every rejection visible on its seat."""
    from console.sync.status import read_status

    assert centre.check() == []
    log = centre_events(centre)
    by_id = {e["id"]: e for e in log}
    assert len(by_id) == len(log), "an event id appears twice in the centre's log"
    assert len({(e["seat"], e["seat_seq"]) for e in log}) == len(log), "a seat_seq applied twice"
    centre_states = {n: state_to_json(s) for n, s in centre.order_states().items()}
    dispatches: dict[str, int] = {}
    for e in log:
        if e["status"] == "accepted" and e["kind"] == "dispatched":
            dispatches[e["order_no"]] = dispatches.get(e["order_no"], 0) + 1
    assert all(n == 1 for n in dispatches.values()), f"orders dispatched twice: {dispatches}"
    for store in seats:
        assert store.outbox_count() == 0, f"{store.seat}: outbox not drained"
        local = [e for e in seat_events(store) if e["origin"] == "local"]
        for e in local:  # nothing lost, outcome agreed
            c = by_id.get(e["id"])
            assert c is not None, f"{store.seat}: event {e['id']} ({e['kind']}) never reached the centre"
            assert (e["seq"], e["sync_status"]) == (c["seq"], c["status"]), f"{store.seat}: outcome differs"
        mine = [c for c in log if c["seat"] == store.seat]
        assert len(mine) == len(local), f"{store.seat}: centre has {len(mine)} events, seat made {len(local)}"
        rejected = {r["event_id"]: r for r in read_status(store, rejected_limit=100000).rejected}
        for c in mine:
            if c["status"] == "rejected":
                assert c["id"] in rejected and rejected[c["id"]]["reason"] == c["reason"]
        assert store.projection_differences() == []
        seat_states = {r["number"]: r["state"] for r in store.list_orders(limit=None)}
        assert seat_states == centre_states, f"{store.seat} differs from the centre"


# -- the fault proxy -----------------------------------------------------------------------


class FaultProxy:
    """An HTTP proxy between seats and the centre. `mode` per request, chosen by `policy`:
    pass, drop (never forwarded; the connection is cut), lose (forwarded, the centre applies it,
    the answer is lost), duplicate (forwarded twice), delay, reorder (a copy is replayed later,
    after newer requests), cut (partition: every request dropped while set)."""

    MODES = ("pass", "drop", "lose", "duplicate", "delay", "reorder")

    def __init__(self, target: str, seed: int = 0, weights: dict[str, float] | None = None):
        self.target = target.rstrip("/")
        self.rng = random.Random(seed)
        self.weights = weights or {"pass": 1.0}
        self.cut = False
        self.log: list[str] = []
        self._lock = threading.Lock()
        self._held: list[tuple] = []
        self.http = httpx.Client(timeout=60)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length",
                                                                                       "connection")}
                mode = proxy.choose()
                if mode == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if mode == "delay":
                    time.sleep(proxy.rng.uniform(0.05, 0.3))
                if mode == "reorder":
                    proxy.hold((self.command, self.path, headers, body))
                    self.close_connection = True
                    self.connection.close()
                    return
                proxy.replay_held()
                resp = proxy.forward(self.command, self.path, headers, body)
                if mode == "duplicate":
                    resp = proxy.forward(self.command, self.path, headers, body) or resp
                if resp is None or mode == "lose":
                    self.close_connection = True
                    self.connection.close()
                    return
                self.send_response(resp.status_code)
                for k, v in resp.headers.items():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection", "content-encoding"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(resp.content)))
                self.end_headers()
                self.wfile.write(resp.content)

            do_GET = do_POST = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def choose(self) -> str:
        with self._lock:
            if self.cut:
                mode = "drop"
            else:
                modes, weights = zip(*self.weights.items(), strict=False)
                mode = self.rng.choices(modes, weights)[0]
            self.log.append(mode)
            return mode

    def hold(self, request: tuple) -> None:
        with self._lock:
            self._held.append(request)

    def replay_held(self) -> None:
        """Deliver stale requests after a newer one went through (out of order)."""
        with self._lock:
            held, self._held = self._held, []
        for req in held:
            self.forward(*req)

    def forward(self, method, path, headers, body):
        try:
            return self.http.request(method, self.target + path, headers=headers, content=body)
        except httpx.HTTPError:
            return None

    def start(self) -> FaultProxy:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.replay_held()
        self.server.shutdown()
        self.server.server_close()
        self.http.close()
