"""Leases: only a seat enrolled for dispatching, for an order the centre has, may hold one; a
dispatch carries its fencing number and the centre refuses a stale one; an accepted dispatch ends
the lease, and the dispatch dialog closed without dispatching gives it back. A real centre on
loopback (SQLite and PostgreSQL) and the console under Pilot."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sync_support import (
    DISPATCHER,
    CentreThread,
    client,
    create_order,
    make_seat,
    new_centre,
)

from console.centre import db as cdb
from console.store import NewEvent
from console.sync.client import Refused
from console.sync.leases import claim, release
from console.sync.session import sync_once


def _leases(centre) -> dict[str, int]:
    with centre.engine.connect() as conn:
        return dict(conn.execute(select(cdb.leases.c.order_no, cdb.leases.c.fence)).all())


def _dispatch(store, number: str, unit: str, fence: int):
    return store.record([NewEvent("dispatched", {"lead_unit": unit, "fence": fence}, DISPATCHER, number)])


def test_only_a_dispatching_seat_may_lease_an_order_the_centre_has(served_centre, tmp_path):
    centre, server, _ = served_centre
    agent = make_seat(tmp_path, "S01", centre, server.url, roles="agent")
    number = create_order(agent)
    sync_once(agent, client(agent))
    with pytest.raises(Refused) as refused:
        client(agent).lease(number, "A101@S01")
    assert refused.value.status == 403 and "dispatching" in str(refused.value)
    dispatcher = make_seat(tmp_path, "S02", centre, server.url, roles="dispatcher")
    with pytest.raises(Refused) as refused:
        client(dispatcher).lease("20261127-S09-0001", "D201@S02")
    assert refused.value.status == 404
    assert claim(dispatcher, number, "D201@S02").granted
    assert list(_leases(centre)) == [number]


def test_a_dispatch_under_a_lease_another_dispatcher_took_over_is_refused(served_centre, tmp_path):
    centre, server, _ = served_centre
    seat_a = make_seat(tmp_path, "S01", centre, server.url)
    seat_b = make_seat(tmp_path, "S02", centre, server.url)
    number = create_order(seat_a)
    sync_once(seat_a, client(seat_a))
    sync_once(seat_b, client(seat_b))
    old = claim(seat_a, number, "D201@S01")
    assert old.granted and release(seat_a, number, old.fence)
    new = claim(seat_b, number, "D202@S02")  # A's lease is gone; B works the order now
    assert new.granted and new.fence > old.fence
    assert _dispatch(seat_a, number, "U001", old.fence).ok  # A is offline-capable: recorded locally
    report = sync_once(seat_a, client(seat_a))
    assert report.rejected == 1
    with centre.engine.connect() as conn:
        code = conn.execute(select(cdb.events.c.code).where(cdb.events.c.kind == "dispatched")).scalar()
    assert code == "stale_lease"
    assert _dispatch(seat_b, number, "U002", new.fence).ok
    assert sync_once(seat_b, client(seat_b)).accepted == 1
    assert centre.order_states()[number].lead_unit == "U002"
    assert _leases(centre) == {}  # the accepted dispatch ended the lease


async def test_closing_the_dispatch_dialog_gives_the_lease_back(tmp_path):
    from test_app_sync import _wait_for

    from screens.app import HotlineApp
    from screens.dispatch import DispatchScreen
    from screens.widgets.unit_picker_dispatch import UnitPickerModal

    centre = new_centre(str(tmp_path / "centre.db"))
    with CentreThread(centre) as server:
        seat = make_seat(tmp_path, "S01", centre, server.url)
        number = create_order(seat)
        sync_once(seat, client(seat))
        seat.close()
        app = HotlineApp(tmp_path / "S01", operator="D201", role="dispatcher")
        async with app.run_test(size=(160, 45)) as pilot:
            await _wait_for(pilot, lambda: isinstance(app.screen, DispatchScreen) and number in app.screen.page_rows)
            await pilot.press("d")
            await _wait_for(pilot, lambda: isinstance(app.screen, UnitPickerModal))
            assert list(_leases(centre)) == [number]  # held while the dialog is open
            await pilot.press("escape")
            await _wait_for(pilot, lambda: _leases(centre) == {})
            await pilot.press("d")
            await _wait_for(pilot, lambda: isinstance(app.screen, UnitPickerModal))
            fence = _leases(centre)[number]
            await pilot.press(*"U001", "enter", "f2")  # dispatched: the event carries the fence
            await _wait_for(pilot, lambda: isinstance(app.screen, DispatchScreen))
            await _wait_for(pilot, lambda: app.store.outbox_count() == 0)
        assert centre.order_states()[number].lead_unit == "U001" and _leases(centre) == {}
        with centre.engine.connect() as conn:
            payload = conn.execute(select(cdb.events.c.payload).where(cdb.events.c.kind == "dispatched")).scalar()
        assert f'"fence": {fence}' in payload
