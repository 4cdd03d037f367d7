"""Caller and unit text on every desk is plain text, never markup (TEXTUAL-NOTES)."""

from datetime import timedelta

import pytest
from dispatch_support import NOW, DeskApp, add_order, demo_dir, record, replied, settle, table_keys

from console.domain.order import Kind
from console.domain.roles import Role
from screens.callback import CallbackScreen
from screens.dispatch_extensions import ExtensionsScreen
from screens.dispatch_replies import ReplyReviewScreen
from screens.dispatch_returns import ReturnsScreen
from screens.inbox import InboxScreen
from screens.supervision import SupervisionScreen

NASTY = "[/] [b]x[/b] [B]x[/B] [$accent]x[/] [@click=app.quit]x[/] C:\\temp\\"


def _texts(screen) -> str:
    from textual.widgets import Label, Static

    return "\n".join(str(w.content) for w in screen.query(Static)) + "\n".join(
        str(w.content) for w in screen.query(Label))


@pytest.mark.parametrize("screen_cls, role, setup", [
    (ReturnsScreen, Role.DISPATCHER, "returned"),
    (ExtensionsScreen, Role.DISPATCHER, "extension"),
    (SupervisionScreen, Role.SUPERVISOR, "overdue"),
    (InboxScreen, Role.AGENT, "inbox"),
    (CallbackScreen, Role.CALLBACK, "replied"),
    (ReplyReviewScreen, Role.DISPATCHER, "review"),
])
async def test_nasty_text_shows_literally_on_every_desk(tmp_path, screen_cls, role, setup):
    data = demo_dir(tmp_path)
    old = NOW - timedelta(days=20)
    number = add_order(data, description="井盖丢失很危险 " + NASTY, address=NASTY, caller_name="王[/]", at=old)
    if setup == "inbox":
        record(data, number, Kind.RETURNED_TO_INTAKE, {"reason": NASTY}, Role.DISPATCHER, at=old)
    else:
        record(data, number, Kind.DISPATCHED, {"lead_unit": "U002"}, Role.DISPATCHER, at=old)
    unit = dict(role=Role.UNIT, unit="U002", at=old + timedelta(hours=1))
    if setup == "returned":
        record(data, number, Kind.UNIT_RETURNED, {"reason": NASTY}, **unit)
    elif setup == "extension":
        record(data, number, Kind.EXTENSION_REQUESTED, {"days": 3, "reason": NASTY}, **unit)
    elif setup == "replied":
        replied(data, number, NASTY, "U002", at=old + timedelta(hours=1))
    elif setup == "review":  # the reply waits for review (审核反馈真实性)
        record(data, number, Kind.UNIT_REPLIED, {"reply": NASTY}, **unit)
    app = DeskApp(data, screen_cls, role=role)
    async with app.run_test(size=(160, 45)) as pilot:
        await settle(pilot)
        keys = table_keys(app.screen)
        assert number in keys
        app.screen.table.move_cursor(row=keys.index(number))
        await settle(pilot)
        assert NASTY in _texts(app.screen)
        assert app.is_running
