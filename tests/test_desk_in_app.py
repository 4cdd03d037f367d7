"""The desks inside the seat engineer's HotlineApp (each desk is an App mode)."""

from dispatch_support import NOW, demo_dir, settle, table_keys

from console.domain.order import Status
from console.store import Store
from screens.app import HotlineApp
from screens.dispatch import DispatchScreen
from screens.dispatch_extensions import ExtensionsScreen
from screens.dispatch_returns import ReturnsScreen


async def _until(pilot, check, timeout=10.0):
    for _ in range(int(timeout / 0.05)):
        if check():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not met")


async def test_dispatch_views_and_a_dispatch_inside_the_seat_app(tmp_path):
    data = demo_dir(tmp_path)
    app = HotlineApp(data, operator="D201", role="dispatcher", wallclock=lambda: NOW)
    async with app.run_test(size=(160, 45)) as pilot:
        await _until(pilot, lambda: isinstance(app.screen, DispatchScreen) and app.screen.table.row_count)
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, ReturnsScreen)
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, ExtensionsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DispatchScreen)
        number = table_keys(app.screen)[0]
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("enter", "f2")
        await settle(pilot)
        assert number not in table_keys(app.screen)
    store = Store.open(data)
    try:
        assert store.get(number).status == Status.DISPATCHED
    finally:
        store.close()
