"""Issue 6 in the console itself: a connected seat pushes what it records, and a centre rejection
(the order was dispatched by another seat first) reaches the operator with who, when and to which
unit, and stays in the order's history."""

from __future__ import annotations

import asyncio

from sync_support import CentreThread, centre_events, client, create_order, dispatch, make_seat, new_centre

from console.store import Store
from console.sync.session import sync_once
from screens.app import HotlineApp


async def _wait_for(pilot, condition, seconds: float = 15.0) -> None:
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("condition not met in time")


async def test_a_lost_dispatch_race_is_shown_to_the_operator(tmp_path):
    centre = new_centre(str(tmp_path / "centre.db"))
    with CentreThread(centre) as server:
        seat_a = make_seat(tmp_path, "S01", centre, server.url)
        seat_b = make_seat(tmp_path, "S02", centre, server.url)
        number = create_order(seat_a)
        sync_once(seat_a, client(seat_a))
        sync_once(seat_b, client(seat_b))
        assert dispatch(seat_b, number, "U002").ok
        sync_once(seat_b, client(seat_b))  # seat B's dispatch reaches the centre first
        assert dispatch(seat_a, number, "U001").ok  # seat A dispatched it too, before hearing of it
        seat_a.close()
        seat_b.close()

        app = HotlineApp(tmp_path / "S01", operator="D201", role="dispatcher")
        async with app.run_test(size=(160, 45), notifications=True) as pilot:
            await _wait_for(pilot, lambda: any("中心拒绝" in (n.title or "") for n in app._notifications))
            message = next(n.message for n in app._notifications if n.title == "中心拒绝")
            assert number in message and "S02" in message and "U002" in message  # who, to which unit
            await _wait_for(pilot, lambda: "被中心拒绝 1" in app.sync_text)

        store = Store.open(tmp_path / "S01")
        try:
            events = store.events_of(number)
            rejected = [e for e in events if e["sync_status"] == "rejected"]
            assert len(rejected) == 1 and rejected[0]["payload"]["lead_unit"] == "U001"  # still in history
            assert store.order_row(number)["lead_unit"] == "U002"  # the centre's answer is final
            assert store.outbox_count() == 0
        finally:
            store.close()


async def test_a_connected_console_pushes_what_it_records_at_once(tmp_path):
    centre = new_centre(str(tmp_path / "centre.db"))
    with CentreThread(centre) as server:
        make_seat(tmp_path, "S01", centre, server.url).close()
        app = HotlineApp(tmp_path / "S01", operator="A101", role="agent")
        async with app.run_test(size=(160, 45)) as pilot:
            await _wait_for(pilot, lambda: app.sync_worker is not None and app.store is not None)
            number = await asyncio.to_thread(create_order, app.store, 7)
            await _wait_for(pilot, lambda: app.store.outbox_count() == 0, seconds=5)  # pushed on commit
            await _wait_for(pilot, lambda: "已连接中心" in app.sync_text)
        assert [e["kind"] for e in centre_events(centre) if e["order_no"] == number] == ["created"]


async def test_an_order_leased_by_another_dispatcher_is_not_opened(tmp_path):
    from console.sync.leases import claim
    from screens.dispatch import DispatchScreen

    centre = new_centre(str(tmp_path / "centre.db"))
    with CentreThread(centre) as server:
        seat_a = make_seat(tmp_path, "S01", centre, server.url)
        seat_b = make_seat(tmp_path, "S02", centre, server.url)
        number = create_order(seat_b)
        sync_once(seat_b, client(seat_b))
        sync_once(seat_a, client(seat_a))
        assert claim(seat_b, number, "D202@S02").granted  # seat B's dispatcher is working on it
        seat_a.close()
        seat_b.close()

        app = HotlineApp(tmp_path / "S01", operator="D201", role="dispatcher")
        async with app.run_test(size=(160, 45), notifications=True) as pilot:
            await _wait_for(pilot, lambda: isinstance(app.screen, DispatchScreen) and number in app.screen.page_rows)
            await pilot.press("d")
            await _wait_for(pilot, lambda: any("D202@S02" in n.message for n in app._notifications))
            assert isinstance(app.screen, DispatchScreen)  # the unit picker did not open


async def test_a_taxonomy_published_mid_shift_reaches_the_form_pickers(tmp_path):
    """R-04: the taxonomy is data. The centre publishes a city's classes while the agent works;
    the content picker offers them without a restart, and the form records with them."""
    from test_reference_taxonomy import CITY

    from console.domain.taxonomy import Taxonomy
    from screens.widgets.picker import Picker

    centre = new_centre(str(tmp_path / "centre.db"))
    with CentreThread(centre) as server:
        make_seat(tmp_path, "S01", centre, server.url).close()
        app = HotlineApp(tmp_path / "S01", operator="A101", role="agent")
        async with app.run_test(size=(160, 45)) as pilot:
            await _wait_for(pilot, lambda: app.sync_worker is not None and app.store is not None)
            picker = app.screen.query_one("#content", Picker)

            async def offered(text: str) -> list[str]:
                picker.focus()
                picker.input.value = ""
                await pilot.press(*text)
                await pilot.pause()
                return [str(o.prompt) for o in picker.options.options]

            assert not any("供水保障" in o for o in await offered("gsbz"))
            await asyncio.to_thread(centre.publish_taxonomy, Taxonomy.from_dict(CITY).to_dict())
            await _wait_for(pilot, lambda: app.store.taxonomy.nature_names() == ("咨询", "投诉"))
            assert any("供水保障" in o for o in await offered("gsbz"))
