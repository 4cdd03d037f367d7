"""The figures the centre keeps current as events arrive (console/centre/rollups.py) are the
figures the domain's full fold gives (console/domain/figures.py, M-06..M-11 and the month per
unit), on SQLite and PostgreSQL: over whole months, partial days, today, any unit; a served
centre keeps them current by itself."""

from __future__ import annotations

import os
import signal
from datetime import datetime
from pathlib import Path

import pytest
from sync_support import centre_db, new_centre

from console.centre import rollups
from console.centre.model import SeatInfo
from console.centre.service import SEAT_ROLES
from console.demo import fill_demo
from console.domain.figures import Report, compute
from console.domain.roles import Role
from console.store import Store
from console.sync.session import pending_batch

NOW = datetime(2026, 11, 28, 15, 0)
PERIODS = [
    (datetime(2026, 11, 1), datetime(2026, 12, 1)),  # a month
    (datetime(2026, 11, 20), datetime(2026, 11, 29)),  # days around today
    (datetime(2026, 11, 28), datetime(2026, 11, 29)),  # today
    (datetime(2026, 11, 3, 9, 30), datetime(2026, 11, 27, 16, 45)),  # partial first and last days
    (datetime(2026, 10, 1), datetime(2027, 1, 1)),  # past today, into deadlines still ahead
]
NOWS = [NOW, datetime(2026, 11, 26, 9, 0), datetime(2026, 12, 10, 12, 0)]


def same(a: Report, b: Report) -> None:
    for code in a.figures:
        fa, fb = a.figures[code], b.figures[code]
        assert (code, fa.numerator, fa.denominator, fa.orders, fa.missed) == \
            (code, fb.numerator, fb.denominator, fb.orders, fb.missed)
    assert {u: vars(m) for u, m in a.units.items()} == {u: vars(m) for u, m in b.units.items()}
    assert a.returned == b.returned


def check_all(centre) -> int:
    n = 0
    for start, end in PERIODS:
        for now in NOWS:
            for unit in (None, "U001", "U003"):
                full = compute(centre.histories(), centre.calendar, centre.rules, start, end, now, unit)
                same(rollups.report(centre.engine, start, end, now, unit, with_orders=True), full)
                short = rollups.report(centre.engine, start, end, now, unit)
                assert {c: (f.numerator, f.denominator, f.missed) for c, f in short.figures.items()} == \
                    {c: (f.numerator, f.denominator, f.missed) for c, f in full.figures.items()}
                counted = rollups.report(centre.engine, start, end, now, unit, listed=False)  # as the CLI asks
                assert {c: (f.numerator, f.denominator) for c, f in counted.figures.items()} == \
                    {c: (f.numerator, f.denominator) for c, f in full.figures.items()}
                assert {u: vars(m) for u, m in counted.units.items()} == {u: vars(m) for u, m in full.units.items()}
                n += 1
    return n


@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_rollups_caught_up_give_the_full_folds_figures(db_kind, tmp_path):
    """M-06..M-11 and the unit month (docs/figures.md) from the rollups equal the fold of every
    history, after half the demo's events and after all of them (orders changing after their
    first facts: folded again, the day counts moved), without a rebuild in between."""
    store = Store.init(tmp_path / "seat", "S01")
    fill_demo(store, 240, seed=11, now=NOW)
    batch = pending_batch(store, limit=10**6)
    store.close()
    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        centre.enroll("S01", "all")
        seat = SeatInfo("S01", frozenset({r.value for r in SEAT_ROLES} | {Role.UNIT.value}), None)
        half = len(batch) // 2
        for part in (batch[:half], batch[half:]):
            for i in range(0, len(part), 200):
                out = centre.push(seat, part[i:i + 200])
                assert all(r["status"] == "accepted" for r in out.results), \
                    [r["reason"] for r in out.results if r["status"] != "accepted"][:3]
            assert not rollups.is_current(centre.engine)
            folded = rollups.catch_up(centre.engine, centre.calendar, centre.rules)
            assert folded == len({e["order_no"] for e in part})
            assert rollups.is_current(centre.engine) and rollups.catch_up(centre.engine, centre.calendar, centre.rules) == 0
            assert check_all(centre) == len(PERIODS) * len(NOWS) * 3
        full = compute(centre.histories(), centre.calendar, centre.rules, *PERIODS[0], NOW)
        assert full.figures["M-07"].denominator > 20 and full.figures["M-07"].missed and full.units
        centre.engine.dispose()


def test_a_rules_change_rebuilds_the_rollups_before_they_answer(tmp_path):
    """R-32's callback days change the M-11 deadlines: the rollups built over the old rules are
    not current any more, and the centre's report rebuilds them to the new rules' figures."""
    store = Store.init(tmp_path / "seat", "S01")
    fill_demo(store, 120, seed=3, now=NOW)
    batch = pending_batch(store, limit=10**6)
    store.close()
    centre = new_centre(str(tmp_path / "centre.db"))
    centre.enroll("S01", "all")
    seat = SeatInfo("S01", frozenset({r.value for r in SEAT_ROLES} | {Role.UNIT.value}), None)
    for i in range(0, len(batch), 200):
        centre.push(seat, batch[i:i + 200])
    before = rollups.current_report(centre, *PERIODS[0], NOW).figures["M-11"]
    published = dict(centre.published_rules() or {})
    published["callback_days"] = 1
    centre.publish_rules(published)
    assert not rollups.is_current(centre.engine)
    fresh = type(centre)(centre.engine)  # as `hotline centre stats` opens it: the published rules
    after = rollups.current_report(fresh, *PERIODS[0], NOW)
    full = compute(fresh.histories(), fresh.calendar, fresh.rules, *PERIODS[0], NOW)
    same(rollups.report(centre.engine, *PERIODS[0], NOW, with_orders=True), full)
    assert rollups.is_current(centre.engine)
    assert (after.figures["M-11"].numerator, after.figures["M-11"].denominator) != \
        (before.numerator, before.denominator)


def test_a_served_centre_keeps_its_rollups_current_as_seats_push(tmp_path):
    """`hotline centre serve`'s worker folds each push into the rollups by itself: after a seat's
    sync, with no report asking, they reach the log's head and count what the full fold counts
    (M-06..M-11)."""
    import time

    from sync_support import CentreThread, client, connect

    from console.sync.session import sync_once

    centre = new_centre(str(tmp_path / "centre.db"))
    with CentreThread(centre) as server:
        store = Store.init(tmp_path / "seat", "S01")
        fill_demo(store, 80, seed=5, now=NOW)
        connect(store, centre, server.url)
        pushed = sync_once(store, client(store))  # the demo's unit events are refused: the seat has no unit role
        assert pushed.accepted > 100
        store.close()
        deadline = time.monotonic() + 20
        while not rollups.is_current(centre.engine) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert rollups.is_current(centre.engine)
        same(rollups.report(centre.engine, *PERIODS[0], NOW, with_orders=True),
             compute(centre.histories(), centre.calendar, centre.rules, *PERIODS[0], NOW))
    centre.engine.dispose()


def _children(pid: int) -> list[int]:
    """The live child processes of `pid`, whichever of its threads started them."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return sorted(p for p in out if "zombie" not in _status(p))


def _status(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return "zombie (gone)"


@pytest.mark.postgres
def test_served_on_postgresql_the_rollups_fold_in_their_own_process(tmp_path):
    """`hotline centre serve` on PostgreSQL folds in a process of its own (not in the one serving
    the seats): a seat's pushes reach the rollups with no report asking; a rules change published
    while it runs is folded with the new rules; it ends with the centre, also when the centre is
    killed."""
    import time

    from sync_support import CentreProcess, client, connect, pg_schema, require_pg

    from console.sync.session import sync_once

    require_pg()
    with pg_schema() as url:
        centre = new_centre(url)
        server = CentreProcess(url).start()
        try:
            assert server.proc is not None
            deadline = time.monotonic() + 20
            while not _children(server.proc.pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            (folder,) = _children(server.proc.pid)
            os.kill(folder, signal.SIGKILL)  # a rollups' process that dies is started again
            deadline = time.monotonic() + 20
            while _children(server.proc.pid) in ([], [folder]) and time.monotonic() < deadline:
                time.sleep(0.1)
            (folder,) = _children(server.proc.pid)
            store = Store.init(tmp_path / "seat", "S01")
            fill_demo(store, 60, seed=5, now=NOW)
            connect(store, centre, server.url)
            assert sync_once(store, client(store)).accepted > 50
            store.close()

            def current() -> bool:
                deadline = time.monotonic() + 20
                while not rollups.is_current(centre.engine) and time.monotonic() < deadline:
                    time.sleep(0.1)
                return rollups.is_current(centre.engine)

            assert current()
            same(rollups.report(centre.engine, *PERIODS[0], NOW, with_orders=True),
                 compute(centre.histories(), centre.calendar, centre.rules, *PERIODS[0], NOW))
            published = dict(centre.published_rules() or {})
            published["callback_days"] = 1  # the M-11 deadlines move
            centre.publish_rules(published)
            assert current()
            fresh = type(centre)(centre.engine)
            same(rollups.report(centre.engine, *PERIODS[0], NOW, with_orders=True),
                 compute(fresh.histories(), fresh.calendar, fresh.rules, *PERIODS[0], NOW))
        finally:
            server.kill()  # SIGKILL: the folder notices its parent gone and ends itself
            centre.engine.dispose()
        deadline = time.monotonic() + 10
        while Path(f"/proc/{folder}").exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "zombie" in _status(folder)
