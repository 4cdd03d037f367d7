"""The footer shows every key of the screen at 160 columns, and the F-keys at 100, also with the
caller history, similar orders and the KB panel showing on the form (issue 17, part 2)."""

from __future__ import annotations

import pytest
from screen_helpers import make_app, make_store, ready, seed_order, settle, until
from textual.widgets import Input, TextArea
from textual.widgets._footer import FooterKey

from screens.widgets.footer import StableFooter


@pytest.fixture
def data_dir(tmp_path):
    store = make_store(tmp_path)
    seed_order(store, phone="13812345678")
    store.close()
    return tmp_path


def shown_keys(app, width: int) -> set[str]:
    """Keys whose footer entry is wholly on the screen."""
    return {k.key for k in app.screen.query(FooterKey) if k.region.width and k.region.right <= width}


def footer_keys(app) -> set[str]:
    """Every key the screen's footer is meant to show now (Textual's own choice, minus the
    keys the screen hides while they do not apply)."""
    screen = app.screen
    hidden = StableFooter._hidden(screen)
    return {key for key, active in screen.active_bindings.items()
            if active.binding.show and active.binding.action not in hidden}


async def full_form(pilot):
    """The form with caller history, similar orders and the KB panel all showing, typed for real."""
    screen = await ready(pilot)
    screen.query_one("#phone", Input).focus()
    await pilot.press(*"13812345678")
    screen.query_one("#address", Input).value = "幸福路88号幸福家园"
    screen.query_one("#description", TextArea).text = "幸福家园3栋旁边的河道发黑发臭"
    await until(pilot, lambda: screen.query_one("#similar").table.row_count > 0
                and screen.query_one("#history").table.row_count > 0)
    await pilot.press("alt+k")
    await settle(pilot)
    await pilot.pause(0.3)
    return screen


GLOBAL = {"f1", "f2", "f3", "f4", "f6", "f7", "alt+r", "f10"}


@pytest.mark.parametrize("size", [(160, 48), (100, 30)])
async def test_the_full_form_keeps_its_keys_in_the_footer(data_dir, size):
    app = make_app(data_dir)
    async with app.run_test(size=size) as pilot:
        await full_form(pilot)
        wanted = footer_keys(app)
        assert {"alt+a", "alt+y", "alt+o", "alt+i", "alt+d"} <= wanted  # the panels are showing
        shown = shown_keys(app, size[0])
        if size[0] == 160:
            assert wanted - shown == set()
        else:
            assert GLOBAL | {"f5", "f8", "f9", "alt+p", "alt+k", "alt+t", "alt+a"} <= shown


@pytest.mark.parametrize("size", [(160, 48), (100, 30)])
@pytest.mark.parametrize("mode", ["dispatch", "callback", "supervision", "inbox", "kb"])
async def test_every_desk_shows_its_keys(data_dir, size, mode):
    app = make_app(data_dir, role="lead")
    async with app.run_test(size=size) as pilot:
        await ready(pilot)
        await pilot.press({"dispatch": "f4", "callback": "f6", "supervision": "f7", "inbox": "alt+r", "kb": "f3"}[mode])
        await settle(pilot)
        await pilot.pause(0.3)
        wanted = footer_keys(app)
        assert wanted - shown_keys(app, size[0]) == set()
