"""At 100x30 the queue columns that matter (the countdown, the deadline, the time overdue) are
never cut off (issue 17), and list cells that must be shortened end at a word with "…"."""

from __future__ import annotations

import pytest
from dispatch_support import DeskApp, demo_dir, settle
from rich.cells import cell_len

from console.domain.roles import Role
from screens.callback import CallbackScreen
from screens.dispatch import DispatchScreen
from screens.dispatch_extensions import ExtensionsScreen
from screens.safe import clip
from screens.supervision import SupervisionScreen

NARROW = (100, 30)


@pytest.mark.parametrize(("screen_cls", "role", "keys"), [
    (DispatchScreen, Role.DISPATCHER, ("left", "due")),
    (SupervisionScreen, Role.SUPERVISOR, ("late", "due")),
    (ExtensionsScreen, Role.LEAD, ("due", "asked")),
    (CallbackScreen, Role.CALLBACK, ("due", "left")),
])
async def test_countdown_and_deadline_columns_are_whole_at_100_columns(tmp_path, screen_cls, role, keys):
    app = DeskApp(demo_dir(tmp_path), screen_cls, role=role)
    async with app.run_test(size=NARROW) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.table
        assert table.row_count > 0, "the demo has rows for this desk"
        visible_right = table.region.x + table.scrollable_content_region.width
        x = table.region.x
        for column in table.ordered_columns:
            right = x + column.get_render_width(table)
            if column.key.value in keys:
                assert right <= visible_right, f"{column.label} ends at {right}, the table shows up to {visible_right}"
                cell = str(table.get_cell_at((0, table.get_column_index(column.key.value))))
                assert cell_len(cell) <= column.width, f"{column.label}: {cell!r} is wider than its column"
            x = right


def test_a_shortened_text_ends_at_a_word_with_an_ellipsis():
    text = "小区停水三天了，没有任何通知，居民生活受到很大影响"
    short = clip(text, 24)
    assert short.endswith("…") and cell_len(short) <= 24
    assert text.startswith(short[:-1]) and short[:-1] in ("小区停水三天了，没有", "小区停水三天了，没有任何")
    assert not short[:-1].endswith("任")  # never half of 任何
    assert clip("短的", 10) == "短的" and clip("a\x1b]0;x\x07", 40) == "a␛]0;x␇"
