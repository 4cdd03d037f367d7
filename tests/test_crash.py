"""A writer killed with SIGKILL at random points, 20 times: the store stays intact and every
order whose command returned is there, whole."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console.store import Store

WRITER = r"""
import sys
from console.domain.order import Kind
from console.domain.roles import Actor, Role
from console.store import NewEvent, Store

store = Store.open(sys.argv[1])
agent, dispatcher = Actor("A1", Role.AGENT), Actor("D1", Role.DISPATCHER)
payload = {"caller_name": "李华", "caller_title": "女士", "phone": "13912345678", "address": "人民路1号",
           "description": "路灯坏了一个星期，晚上很黑很危险", "nature": "求助",
           "content_path": ["城建环保", "路灯"], "disposition": "transfer"}
def tell(line):  # one write per line: print() writes its parts apart when PYTHONUNBUFFERED is set
    sys.stdout.write(line + "\n")
    sys.stdout.flush()

first = True
while True:
    number = store.record([NewEvent(Kind.CREATED, payload, agent)]).orders[0]
    tell(f"created {number}")
    result = store.record([NewEvent(Kind.DISPATCHED, {"lead_unit": "U001"}, dispatcher, number)])
    assert result.ok, result.reason
    tell(f"dispatched {number}")
    if first:  # imports and the segmenter are warm: kills from now on hit the write path
        tell("ready")
        first = False
"""


@pytest.mark.slow
def test_sigkill_at_random_points_loses_nothing_that_returned(tmp_path):
    Store.init(tmp_path, "S07").close()
    rng = random.Random(20261128)
    returned: dict[str, int] = {}  # order -> events whose command returned
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    for _ in range(20):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE,
                                text=True, env=env)
        lines = []
        while (line := proc.stdout.readline().strip()) != "ready":
            assert line, "writer died before it was ready"
            lines.append(line)
        time.sleep(rng.uniform(0.01, 0.4))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        told = out.split("\n")[:-1]  # a line cut off by the kill was never told: only whole lines count
        for line in lines + told:
            what, number = line.split()
            returned[number] = 1 if what == "created" else 2
    store = Store.open(tmp_path)
    try:
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        assert len(returned) > 20
        for number, n_events in returned.items():
            assert len(store.events_of(number)) >= n_events, number
            row = store.order_row(number)
            assert row is not None and row["event_count"] == len(store.events_of(number))
        assert store.projection_differences() == []
        seqs = sorted(int(e) for e in store.engine.connect().exec_driver_sql("SELECT seat_seq FROM events").scalars())
        assert seqs == list(range(1, len(seqs) + 1))  # per-seat sequence stays gap-free
        assert store.outbox_count() == len(seqs)
    finally:
        store.close()
