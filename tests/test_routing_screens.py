"""The desks' learned suggestions under Pilot: the dispatch desk's lead units with the words that
led to them, the intake form's content class (console/routing, screens/widgets/route_hint.py)."""

from __future__ import annotations

from dispatch_support import SIZE, DeskApp, data, screen_text, settle, table_keys  # noqa: F401 (fixture)
from screen_helpers import make_app, make_store, ready, until
from textual.widgets import Input, TextArea

from console.kb.db import open_read
from console.routing.features import features
from console.routing.history import labelled, model_path, read_history
from console.routing.model import LinearModel
from screens.dispatch import DispatchScreen


def learn_from_the_store(store_path, which: str) -> LinearModel:
    """A model of this store's own history (the demo's orders, fewer than the worker waits for)."""
    conn = open_read(store_path)
    try:
        examples, labels = labelled(read_history(conn), which)
    finally:
        conn.close()
    model = LinearModel.train([features(e.description, e.address, e.nature) for e in examples], labels)
    model.save(model_path(store_path, which))
    return model


async def test_the_dispatch_desk_suggests_the_units_history_chose(data):
    """R-12: the units orders like this one went to, with their share and the words that led there."""
    learn_from_the_store(data / "seat.db", "unit")
    app = DeskApp(data, DispatchScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        text = screen_text(app.screen, "#rv-suggest")
        assert text.endswith("〔据历史工单〕") and "依据：" in text and "%" in text


async def test_without_history_the_desk_keeps_the_directory_keywords(data):
    app = DeskApp(data, DispatchScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await settle(pilot)
        text = screen_text(app.screen, "#rv-suggest")
        assert "〔据历史工单〕" not in text and "依据" not in text


async def test_the_form_shows_the_class_history_suggests_under_the_class_field(tmp_path):
    store = make_store(tmp_path)
    from screen_helpers import seed_order

    for i in range(12):
        seed_order(store, description=f"楼下饭店油烟很大，窗户都不能开（{i}）", content_path=["城建环保", "市容管理"])
        seed_order(store, description=f"小区停水三天了，没有任何通知（{i}）", content_path=["城建环保", "供水"])
    with store.engine.begin() as conn:  # the class is learned from orders the work was done under
        conn.exec_driver_sql("UPDATE orders SET status = 'closed'")
    store.close()
    learn_from_the_store(tmp_path / "seat.db", "class")
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        screen = app.screen
        hint = screen.query_one("#class-hint")
        assert not hint.display
        screen.query_one("#address", Input).value = "幸福路88号"
        screen.query_one("#description", TextArea).text = "我家楼下的饭店油烟太大了"
        await until(pilot, lambda: hint.display)
        assert str(hint.content).startswith("建议分类：城建环保/市容管理") and "油烟" in str(hint.content)
