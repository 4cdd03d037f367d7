"""The first catch-up of a centre that already holds a log (issue 15: rollups deployed on years of
history) folds it in bounded chunks, one transaction each, resumable after a stop, and the figures
it ends with are the full fold's (M-06..M-11 and the month per unit, docs/figures.md). While the
rollups are behind, the centre's stats endpoint says so instead of answering as if current."""

from __future__ import annotations

import json

import pytest
from sync_support import centre_db, new_centre
from test_rollups import NOW, PERIODS, same

from console.centre import rollups
from console.centre.model import SeatInfo
from console.centre.service import SEAT_ROLES, Centre
from console.demo import fill_demo
from console.domain.figures import compute
from console.domain.roles import Role
from console.store import Store
from console.sync.session import pending_batch

SEAT = SeatInfo("S01", frozenset({r.value for r in SEAT_ROLES} | {Role.UNIT.value}), None)


def demo_batch(tmp_path, orders: int = 160) -> list[dict]:
    store = Store.init(tmp_path / "seat", "S01")
    fill_demo(store, orders, seed=7, now=NOW)
    batch = pending_batch(store, limit=10**6)
    store.close()
    return batch


def push(centre: Centre, events: list[dict]) -> None:
    for i in range(0, len(events), 200):
        out = centre.push(SEAT, events[i:i + 200])
        assert all(r["status"] == "accepted" for r in out.results)


def one_chunk(centre: Centre, **chunks: int) -> int:
    """One transaction of a catch-up: a deadline already passed stops it after its first chunk."""
    return rollups.catch_up(centre.engine, centre.calendar, centre.rules, until=0.0, **chunks)


def assert_full_fold(centre: Centre) -> None:
    for start, end in PERIODS[:2]:
        for unit in (None, "U001"):
            same(rollups.report(centre.engine, start, end, NOW, unit, with_orders=True),
                 compute(centre.histories(), centre.calendar, centre.rules, start, end, NOW, unit))


@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_log_bigger_than_a_chunk_is_folded_in_several_transactions(db_kind, tmp_path):
    """The first build goes 25 orders a transaction, the log's later rows 60 a transaction; between
    two, the rollups say how far they are; at the end they count what the full fold counts."""
    batch = demo_batch(tmp_path)
    half = len(batch) // 2
    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        centre.enroll("S01", "all")
        push(centre, batch[:half])
        orders = len({e["order_no"] for e in batch[:half]})
        chunks = folded = 0
        while not rollups.is_current(centre.engine):
            folded += one_chunk(centre, chunk_orders=25)
            chunks += 1
            lag = rollups.lag(centre.engine)
            if not lag.current:
                assert lag.building and 0 < lag.done < lag.total == half
                assert lag.english().startswith("the rollups are being built: ")
        assert folded == orders and chunks == orders // 25 + 1  # the last one, short of a chunk, ends the build
        assert_full_fold(centre)

        push(centre, batch[half:])  # more than a chunk of new rows: folded by seq, 60 at a time
        head = rollups.lag(centre.engine).head
        chunks = 0
        while not rollups.is_current(centre.engine):
            one_chunk(centre, chunk_events=60)
            chunks += 1
            lag = rollups.lag(centre.engine)
            if not lag.current:
                assert not lag.building and lag.as_of == lag.done < lag.total == head
                assert lag.english() == (f"figures as of seq {lag.as_of:,}; the rollups are catching up: "
                                         f"{lag.done:,} of {head:,} events")
        assert chunks == -(-(len(batch) - half) // 60)
        assert_full_fold(centre)
        centre.engine.dispose()


@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_build_stopped_half_way_resumes_where_it_stopped(db_kind, tmp_path):
    """A centre restarted mid-build (a new process: new engine, new Centre) goes on from the
    order it stopped at rather than starting over, and the seats' pushes in between (new orders and
    later events of orders already folded) are counted too."""
    batch = demo_batch(tmp_path)
    half = len(batch) // 2
    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        centre.enroll("S01", "all")
        push(centre, batch[:half])
        orders = len({e["order_no"] for e in batch[:half]})
        first = sum(one_chunk(centre, chunk_orders=20) for _ in range(3))
        assert first == 60 and rollups.lag(centre.engine).building
        push(centre, batch[half:])  # while the build is under way
        centre.engine.dispose()

        again = Centre(new_centre(url).engine)
        rest = rollups.catch_up(again.engine, again.calendar, again.rules, chunk_orders=20)
        assert rollups.is_current(again.engine)
        later = {e["order_no"] for e in batch[half:]}
        assert orders - first <= rest <= orders - first + len(later)  # the build's rest, then the later rows
        assert_full_fold(again)
        again.engine.dispose()


def test_the_centres_stats_endpoint_says_when_its_rollups_are_behind(tmp_path):
    """GET /v1/stats answers from the rollups without folding (a read), and while they are behind
    the log it says by how much, in the words the CLI prints; served, the worker brings them to
    the head and the answer is the full fold's, with nothing said."""
    import time

    from sync_support import CentreThread

    from console.centre.app import stats_answer
    from console.sync.client import CentreClient
    from console.wire.figures import report_from_wire

    batch = demo_batch(tmp_path, 80)
    centre = new_centre(str(tmp_path / "centre.db"))
    token = centre.enroll("S01", "all")
    push(centre, batch)
    one_chunk(centre, chunk_orders=10)
    start, end = PERIODS[0]
    behind = json.loads(bytes(stats_answer(centre, start, end, NOW, None, False).body))
    assert behind["catching_up"]["building"] and behind["as_of"] == 0
    assert behind["catching_up"]["message"].startswith("the rollups are being built: ")
    with CentreThread(centre) as server:  # serving: its worker catches up
        deadline = time.monotonic() + 20
        while not rollups.is_current(centre.engine) and time.monotonic() < deadline:
            time.sleep(0.05)
        http = CentreClient(server.url, token)
        body = http.stats(start, end, NOW)
        http.close()
    assert body["catching_up"] is None and body["as_of"] == body["head"] == len(batch)
    rep = report_from_wire(body["report"])
    full = compute(centre.histories(), centre.calendar, centre.rules, start, end, NOW)
    assert {c: (f.numerator, f.denominator) for c, f in rep.figures.items()} == \
        {c: (f.numerator, f.denominator) for c, f in full.figures.items()}
    assert {u: vars(m) for u, m in rep.units.items()} == {u: vars(m) for u, m in full.units.items()}
    centre.engine.dispose()


def test_the_cli_says_nothing_of_catching_up_once_current(tmp_path, capsys):
    """`hotline centre stats figures` over a small log folds it within its budget and prints the
    figures with no catching-up line (docs/figures.md)."""
    from console.cli import main

    batch = demo_batch(tmp_path, 60)
    db = tmp_path / "centre.db"
    centre = new_centre(str(db))
    centre.enroll("S01", "all")
    push(centre, batch)
    centre.engine.dispose()
    assert main(["centre", "stats", "figures", "--from", "2026-11-01", "--to", "2026-12-01", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "M-06" in out and "catching up" not in out and "being built" not in out


def test_a_build_logs_its_progress_in_counts_only(tmp_path):
    """The operator reads in centre.log when a build started, over how many events, and when the
    rollups reached the head: counts only, no order number (docs/operations.md, Logs)."""
    import logging

    batch = demo_batch(tmp_path, 60)
    centre = new_centre(str(tmp_path / "centre.db"))
    centre.enroll("S01", "all")
    push(centre, batch)
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("hotline.centre")  # what centre.log receives (console/log.py)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        rollups.catch_up(centre.engine, centre.calendar, centre.rules, chunk_orders=10)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = [r.getMessage() for r in records]
    assert lines[0] == f"figures: building the rollups over {len(batch):,} events up to seq {len(batch):,}"
    assert lines[-1] == f"figures: the rollups reached seq {len(batch):,} ({len(batch):,} events)"
    numbers = {e["order_no"] for e in batch}
    assert not any(n in line for line in lines for n in numbers)
    centre.engine.dispose()
