"""Seats syncing with a real centre on loopback: convergence, the worker's timer and backoff,
lost answers, restarts, status, and the `hotline sync` / `hotline seat connect` commands."""

from __future__ import annotations

import json
import time

import pytest
from sync_support import (
    CentreThread,
    FaultProxy,
    assert_converged,
    client,
    create_order,
    dispatch,
    make_seat,
    new_centre,
    note,
)

from console.cli import main
from console.store import Store
from console.sync.session import pull_all, push_pending, sync_once
from console.sync.status import SyncStatus, read_status
from console.sync.worker import SyncWorker


@pytest.fixture
def centre(tmp_path):
    c = new_centre(str(tmp_path / "centre.db"))
    yield c
    c.engine.dispose()


@pytest.fixture
def server(centre):
    with CentreThread(centre) as s:
        yield s


def test_two_seats_converge_on_the_centres_order_history(centre, server, tmp_path):
    a = make_seat(tmp_path, "SA", centre, server.url)
    b = make_seat(tmp_path, "SB", centre, server.url)
    na = [create_order(a, i) for i in range(3)]
    nb = [create_order(b, 10 + i) for i in range(2)]
    sync_once(a, client(a))
    sync_once(b, client(b))
    sync_once(a, client(a))
    assert dispatch(b, na[0], "U002").ok  # B works on A's order
    assert dispatch(a, nb[1], "U003").ok
    for _ in range(2):
        for s in (a, b):
            sync_once(s, client(s))
    assert a.get(na[0]).lead_unit == "U002" and b.get(nb[1]).lead_unit == "U003"
    assert_converged(centre, [a, b])


def test_conflicting_dispatch_is_shown_to_the_loser_with_who_when_and_which_unit(centre, server, tmp_path):
    a = make_seat(tmp_path, "SA", centre, server.url)
    b = make_seat(tmp_path, "SB", centre, server.url)
    number = create_order(a)
    sync_once(a, client(a))
    sync_once(b, client(b))
    assert dispatch(a, number, "U001").ok
    assert dispatch(b, number, "U004").ok
    assert b.get(number).lead_unit == "U004"  # optimistic, until the centre answers
    sync_once(a, client(a))
    sync_once(b, client(b))
    status = read_status(b)
    assert isinstance(status, SyncStatus) and status.online and status.pending == 0
    (rej,) = status.rejected
    assert status.rejected_count == 1 and read_status(b, rejected_limit=0).rejected == []
    assert rej["order"] == number and rej["kind"] == "dispatched" and rej["operator"] == "D201"
    assert "D201@SA" in rej["reason"] and "U001" in rej["reason"] and "11-27 10:00" in rej["reason"]
    assert b.get(number).lead_unit == "U001"  # the centre's answer is final
    kinds = [(e["kind"], e["sync_status"]) for e in b.events_of(number)]
    assert ("dispatched", "rejected") in kinds and ("dispatched", "accepted") in kinds
    assert read_status(a).rejected == []
    assert_converged(centre, [a, b])


def test_worker_retries_on_a_timer_when_the_centre_comes_back(centre, tmp_path):
    from sync_support import free_port

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    store = make_seat(tmp_path, "S01", centre, url)
    create_order(store)
    worker = SyncWorker(store, interval=0.2, pull_wait=0.5, backoff_cap=0.3).start()
    try:
        _wait(lambda: read_status(store).since is not None)
        st = read_status(store)
        assert not st.online and st.pending == 1 and st.last_error
        with CentreThread(centre, port=port):
            # no new local write: the timer alone must drain the outbox
            _wait(lambda: read_status(store).pending == 0 and read_status(store).online)
            create_order(store, 1)
            worker.notify()
            _wait(lambda: read_status(store).pending == 0 and read_status(store).last_pull is not None)
            _wait(lambda: len(centre_events_ids(centre)) == 2)
        # the centre goes away with nothing to push: the seat notices (its pull fails) and stays offline
        _wait(lambda: not read_status(store).online)
        time.sleep(0.6)
        assert not read_status(store).online
    finally:
        worker.stop()
    assert not worker.running


def centre_events_ids(centre):
    from sync_support import centre_events

    return [e["id"] for e in centre_events(centre)]


def test_a_lost_answer_is_settled_by_the_pull_without_applying_twice(centre, server, tmp_path):
    proxy = FaultProxy(server.url, weights={"lose": 1.0}).start()
    try:
        store = make_seat(tmp_path, "S01", centre, proxy.url)
        numbers = [create_order(store, i) for i in range(3)]
        from console.sync.client import Unavailable

        with pytest.raises(Unavailable):
            push_pending(store, client(store))
        assert store.outbox_count() == 3  # the centre applied them; we do not know yet
        proxy.weights = {"pass": 1.0}
        pull_all(store, client(store))
        assert store.outbox_count() == 0
        assert [e["seq"] for e in (store.events_of(n)[0] for n in numbers)] == [1, 2, 3]
    finally:
        proxy.stop()
    sync_once(store, client(store, server.url))
    assert_converged(centre, [store])


def test_the_outbox_survives_a_restart(centre, server, tmp_path):
    store = make_seat(tmp_path, "S01", centre, server.url)
    number = create_order(store)
    note(store, number)
    store.close()
    reopened = Store.open(tmp_path / "S01")
    assert reopened.outbox_count() == 2
    sync_once(reopened, client(reopened))
    assert_converged(centre, [reopened])


def test_pulled_events_fold_before_pending_local_ones(centre, server, tmp_path):
    a = make_seat(tmp_path, "SA", centre, server.url)
    b = make_seat(tmp_path, "SB", centre, server.url)
    number = create_order(a)
    sync_once(a, client(a))
    sync_once(b, client(b))
    note(b, number, "B 的备注")  # pending on B
    assert dispatch(a, number, "U002").ok
    sync_once(a, client(a))
    pull_all(b, client(b))  # A's dispatch arrives while B's note is still pending
    assert b.projection_differences() == []
    assert b.get(number).status == "dispatched"
    sync_once(b, client(b))
    sync_once(a, client(a))
    assert_converged(centre, [a, b])


def test_cli_connect_sync_once_and_status(centre, server, tmp_path, capsys):
    store = make_seat(tmp_path, "S07")
    create_order(store)
    data = str(tmp_path / "S07")
    token = centre.enroll("S07", "all")
    wrong = centre.enroll("S99", "all")
    assert main(["seat", "connect", server.url, "--token", wrong, "--data-dir", data]) == 1
    assert "token is for seat S99" in capsys.readouterr().err
    assert main(["seat", "connect", server.url, "--token", token, "--data-dir", data]) == 0
    assert main(["sync", "--once", "--data-dir", data]) == 0
    assert "accepted 1" in capsys.readouterr().out
    assert main(["sync", "status", "--json", "--data-dir", data]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["online"] is True and status["pending"] == 0 and status["rejected"] == []
    assert set(status) >= {"online", "since", "pending", "rejected", "last_pull", "clock_offset"}
    assert abs(status["clock_offset"]) < 5


def test_sync_without_a_centre_says_how_to_connect(tmp_path, capsys):
    make_seat(tmp_path, "S07")
    assert main(["sync", "--once", "--data-dir", str(tmp_path / "S07")]) == 1
    assert "hotline seat connect" in capsys.readouterr().err


def test_offline_sync_once_keeps_the_outbox_and_reports_offline(centre, tmp_path, capsys):
    from sync_support import free_port

    store = make_seat(tmp_path, "S01", centre, f"http://127.0.0.1:{free_port()}")
    create_order(store)
    assert main(["sync", "--once", "--data-dir", str(tmp_path / "S01")]) == 1
    assert "outbox is kept" in capsys.readouterr().err
    st = read_status(store)
    assert not st.online and st.pending == 1 and "unreachable" in st.last_error


def _wait(predicate, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(0.05)


def test_kb_articles_and_announcements_published_at_the_centre_reach_the_seat(centre, server, tmp_path, capsys):
    from console.kb.search import search
    from console.sync.session import sync_reference

    store = make_seat(tmp_path, "S01", centre, server.url)
    sync_reference(store, client(store))
    with store.engine.connect() as conn:
        starter = conn.exec_driver_sql("SELECT count(*) FROM kb_articles").scalar_one()
    assert starter > 0  # the centre publishes its starter base on init
    articles = tmp_path / "new.jsonl"
    articles.write_text(json.dumps({"id": "C-0001", "title": "犬只登记办理流程", "body": "携带犬只免疫证明到派出所办理",
                                    "department": "市公安局", "keywords": "养狗,犬证"}, ensure_ascii=False) + "\n",
                        encoding="utf-8")
    db = str(tmp_path / "centre.db")
    assert main(["centre", "publish-kb", str(articles), "--db", db]) == 0
    assert "published 1 articles" in capsys.readouterr().out
    assert sync_reference(store, client(store)) == 1  # only what changed since the last pull
    with store.engine.connect() as conn:
        hits = search(conn, "犬证").hits
    assert [h.id for h in hits][:1] == ["C-0001"]


def test_units_published_at_the_centre_reach_the_seat_at_its_next_pull(centre, server, tmp_path):
    """A new unit published mid-shift: the seat's next pull says the reference data moved on, the
    seat fetches it, and the dispatch dialog's directory types it ahead by its short name."""
    from console.domain.units import Unit, match_units
    from console.sync.session import pull, sync_reference

    store = make_seat(tmp_path, "S01", centre, server.url)
    sync_reference(store, client(store))
    assert not match_units(store.unit_directory(), "sjj", limit=1)
    centre.publish_units([Unit("U900", "市数据资源管理局", "数据局", "bureau", "0123-1234567", ("政务数据",),
                               "ssjzyglj", short_initials="sjj")])
    pull(store, client(store))
    assert [u.code for u in match_units(store.unit_directory(), "sjj", limit=1)] == ["U900"]
    assert store.unit_directory()[-1].phone == "0123-1234567"
    store.close()


def test_orders_pulled_from_other_seats_are_in_the_duplicate_search(centre, server, tmp_path):
    from console.kb.order_index import search_similar_orders

    a = make_seat(tmp_path, "SA", centre, server.url)
    b = make_seat(tmp_path, "SB", centre, server.url)
    number = create_order(a, 7)
    sync_once(a, client(a))
    sync_once(b, client(b))
    found = search_similar_orders(b, "小区停水三天了", "幸福路88号幸福家园3栋")
    assert number in [f.number for f in found]


def test_dispatchers_claim_orders_with_leases_and_work_on_when_offline(centre, server, tmp_path):
    from sync_support import free_port

    from console.sync.leases import claim, release

    a = make_seat(tmp_path, "SA", centre, server.url)
    b = make_seat(tmp_path, "SB", centre, server.url)
    number = create_order(a)
    sync_once(a, client(a))  # a lease is for an order the centre has
    first = claim(a, number, "D201")
    assert first.granted and first.fence >= 1 and first.holder == "D201@SA"
    other = claim(b, number, "D202")
    assert other.granted is False and other.holder == "D201@SA"
    assert release(a, number, first.fence)
    assert claim(b, number, "D202").fence > first.fence
    offline = make_seat(tmp_path, "SC", centre, f"http://127.0.0.1:{free_port()}")
    assert claim(offline, number, "D203").granted is None  # no answer: work proceeds, the centre decides


def test_hotline_sync_runs_until_interrupted_and_drains_the_outbox(centre, server, tmp_path):
    import os
    import signal
    import subprocess
    import sys

    from sync_support import ROOT

    store = make_seat(tmp_path, "S01", centre, server.url)
    create_order(store)
    proc = subprocess.Popen([sys.executable, "-m", "console", "sync", "--interval", "0.2", "--data-dir",
                             str(tmp_path / "S01")], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONPATH=str(ROOT)))
    try:
        _wait(lambda: read_status(store).pending == 0 and read_status(store).online)
        create_order(store, 1)  # written by another process (the console): the timer picks it up
        _wait(lambda: read_status(store).pending == 0)
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
    assert proc.returncode == 0 and "syncing seat S01" in out
    assert_converged(centre, [store])


def test_a_store_from_before_sync_keeps_its_pending_events_through_the_migration(centre, server, tmp_path):
    from sqlalchemy import text

    from console.store.engine import write_transaction
    from console.store.migrations import LATEST

    store = make_seat(tmp_path, "S01", centre, server.url)
    number = create_order(store)
    with write_transaction(store.engine) as conn:  # make it look like a schema v2 store
        conn.execute(text("DROP INDEX ix_events_sync_status"))
        for column in ("sync_status", "sync_reason", "sync_code", "sync_at"):
            conn.execute(text(f"ALTER TABLE events DROP COLUMN {column}"))
        conn.execute(text("UPDATE meta SET value = '2' WHERE key = 'schema_version'"))
    store.close()
    reopened = Store.open(tmp_path / "S01")
    assert reopened.meta("schema_version") == str(LATEST)  # v3 (sync) and every step after it
    assert reopened.outbox_count() == 1 and reopened.events_of(number)[0]["sync_status"] == "pending"
    sync_once(reopened, client(reopened))
    assert_converged(centre, [reopened])


def test_backoff_grows_with_full_jitter_up_to_a_cap_and_resets():
    import random

    from console.sync.backoff import Backoff

    b = Backoff(base=0.5, cap=8.0, rng=random.Random(1))
    waits = [b.next() for _ in range(12)]
    assert all(0 <= w <= 8.0 for w in waits)
    assert max(waits[6:]) > 2.0 and len(set(waits)) == len(waits)  # spread, not in step
    b.reset()
    assert b.next() <= 1.0
