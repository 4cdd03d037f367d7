"""Fault tests, loopback only and bounded: a proxy that drops, duplicates, delays, reorders and
cuts traffic and loses answers after the centre applied them; kill -9 of the centre and of a
seat at named points; three seats dispatching the same orders through a partition. Each ends
with the full invariant check (sync_support.assert_converged)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import pytest
from sync_support import (
    ROOT,
    UNITS,
    CentreProcess,
    CentreThread,
    FaultProxy,
    assert_converged,
    centre_db,
    client,
    create_order,
    dispatch,
    make_seat,
    new_centre,
    note,
)

from console.store import Store
from console.sync.client import SyncError, Unavailable
from console.sync.session import push_pending, sync_once

DBS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def settle(centre, seats, url_of, rounds: int = 4) -> None:
    """Healthy network: sync every seat until nothing moves, then check everything."""
    for _ in range(rounds):
        for s in seats:
            sync_once(s, client(s, url_of(s)))
    assert_converged(centre, seats)


def try_sync(store, url: str) -> None:
    try:
        sync_once(store, client(store, url))
    except SyncError:
        pass  # expected under faults: the outbox stays, the next round retries


@pytest.mark.parametrize("db_kind", DBS)
@pytest.mark.parametrize("seed", [1, 2])
def test_three_seats_dispatch_the_same_orders_through_a_faulty_network_and_a_partition(db_kind, seed, tmp_path):
    rng = random.Random(seed)
    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        with CentreThread(centre) as server:
            weights = {"pass": 0.4, "drop": 0.12, "lose": 0.12, "duplicate": 0.12, "delay": 0.12, "reorder": 0.12}
            proxies = {code: FaultProxy(server.url, seed=seed * 10 + i, weights=weights).start()
                       for i, code in enumerate(("SA", "SB", "SC"))}
            seats = [make_seat(tmp_path, code, centre, proxies[code].url) for code in proxies]
            try:
                numbers = [create_order(seats[i % 3], i) for i in range(9)]
                for _ in range(6):  # spread the orders (through faults) until every seat has them
                    for s in seats:
                        try_sync(s, proxies[s.seat].url)
                for s in seats:
                    sync_once(s, client(s, server.url))  # make sure all seats know all orders
                proxies["SC"].cut = True  # a long partition for seat C
                for step in range(40):
                    s = rng.choice(seats)
                    number = rng.choice(numbers)
                    if rng.random() < 0.6:
                        dispatch(s, number, rng.choice(UNITS))  # may be refused locally: fine
                    else:
                        note(s, number, f"第{step}次催办")
                    if rng.random() < 0.5:
                        try_sync(s, proxies[s.seat].url)
                proxies["SC"].cut = False
                for _ in range(5):
                    for s in seats:
                        try_sync(s, proxies[s.seat].url)
            finally:
                for p in proxies.values():
                    p.stop()
            assert any(m != "pass" for p in proxies.values() for m in p.log)
            settle(centre, seats, lambda s: server.url)
            from console.sync.status import read_status

            # the seats raced for the same orders: somebody lost, and sees it
            assert sum(len(read_status(s).rejected) for s in seats) >= 1
        centre.engine.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("db_kind", DBS)
@pytest.mark.parametrize("point", ["centre.push.before_commit", "centre.push.after_commit"])
def test_kill_9_of_the_centre_at_named_points(db_kind, point, tmp_path):
    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        proc = CentreProcess(url).start(faults=point)
        try:
            store = make_seat(tmp_path, "S01", centre, proc.url)
            for i in range(5):
                create_order(store, i)
            with pytest.raises(Unavailable):
                push_pending(store, client(store))
            assert proc.wait_dead() == -signal.SIGKILL
            assert store.outbox_count() == 5
            applied = len(centre.pull(0, 100))
            assert applied == (5 if point.endswith("after_commit") else 0)
            proc.start(faults="")
            report = sync_once(store, client(store))
            assert report.duplicate == applied and report.accepted == 5 - applied
            assert_converged(centre, [store])
        finally:
            proc.kill()
        centre.engine.dispose()


def _sync_process(data_dir, faults: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, HOTLINE_FAULTS=faults, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "console", "sync", "--once", "--data-dir", str(data_dir)],
                          env=env, capture_output=True, text=True, timeout=60, cwd=ROOT)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["seat.push.mid_write", "seat.pull.mid_write"])
def test_kill_9_of_a_seat_in_the_middle_of_writing_what_the_centre_said(point, tmp_path):
    centre = new_centre(str(tmp_path / "centre.db"))
    with CentreThread(centre) as server:
        other = make_seat(tmp_path, "S02", centre, server.url)
        for i in range(6):
            create_order(other, 100 + i)
        sync_once(other, client(other))
        store = make_seat(tmp_path, "S01", centre, server.url)
        for i in range(6):
            create_order(store, i)
        store.close()
        done = _sync_process(tmp_path / "S01", point)
        assert done.returncode == -signal.SIGKILL, done.stderr
        store = Store.open(tmp_path / "S01")
        assert store.projection_differences() == []  # the half-written batch rolled back whole
        if point == "seat.push.mid_write":
            assert store.outbox_count() == 6  # applied at the centre, not yet known here
        done = _sync_process(tmp_path / "S01", "")
        assert done.returncode == 0, done.stderr
        settle(centre, [store, other], lambda s: server.url)
    centre.engine.dispose()


WRITER = r"""
import sys
from datetime import datetime, timedelta
sys.path.insert(0, sys.argv[2])
from sync_support import create_order, note
from console.store import Store
store = Store.open(sys.argv[1])
i = 0
while True:
    n = create_order(store, i)
    note(store, n)
    i += 1
    print(i, flush=True)
"""


@pytest.mark.slow
def test_kill_9_of_a_seat_in_the_middle_of_local_writes(tmp_path):
    centre = new_centre(str(tmp_path / "centre.db"))
    with CentreThread(centre) as server:
        store = make_seat(tmp_path, "S01", centre, server.url)
        store.close()
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path / "S01"), str(ROOT / "tests")],
                                stdout=subprocess.PIPE, text=True, cwd=ROOT, env=dict(os.environ, PYTHONPATH=str(ROOT)))
        for _ in range(15):  # let it write a few commands, then kill it mid-stream
            assert proc.stdout.readline()
        time.sleep(random.uniform(0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        store = Store.open(tmp_path / "S01")
        assert store.projection_differences() == []
        assert store.outbox_count() >= 30  # every committed event is queued; none half-written
        with store.engine.connect() as conn:
            seqs = [r[0] for r in conn.exec_driver_sql("SELECT seat_seq FROM events ORDER BY seat_seq")]
        assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) == store.outbox_count()
        settle(centre, [store], lambda s: server.url)
    centre.engine.dispose()
