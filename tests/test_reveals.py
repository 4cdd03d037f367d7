"""Revealing a masked phone takes a reason and leaves an audit event on the order (who, when, which
field, why) that syncs to the centre; the supervisor's desk and `hotline audit reveals` list them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from dispatch_support import NOW, DeskApp, add_order, demo_dir, open_row, record, replied
from dispatch_support import settle as desk_settle
from sync_support import DISPATCHER, CentreThread, centre_db, centre_events, create_order, make_seat, new_centre

from console.cli import main
from console.domain.order import Kind
from console.domain.privacy import REVEAL_REASONS
from console.domain.roles import Role
from console.store import NewEvent, Store
from console.sync.client import CentreClient
from console.sync.session import push_pending
from screens.callback import CallbackScreen
from screens.dispatch import DispatchScreen
from screens.supervision import SupervisionScreen

PHONE = "13911112222"


def rendered(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def reveals_of(data, number: str) -> list[dict]:
    store = Store.open(data)
    try:
        return [e for e in store.events_of(number) if e["kind"] == Kind.REVEALED]
    finally:
        store.close()


async def test_a_dispatcher_reveals_the_phone_with_a_standard_reason(tmp_path):
    data = demo_dir(tmp_path)
    number = add_order(data, caller_name="赵公开", phone=PHONE)
    app = DeskApp(data, DispatchScreen, role=Role.DISPATCHER)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, number)
        assert "139****2222" in rendered(app) and PHONE not in rendered(app)
        await pilot.press("v")
        await pilot.pause()
        assert type(app.screen).__name__ == "ReasonModal"
        await pilot.press("enter")  # nothing typed: the highlighted standard reason
        await desk_settle(pilot)
        await open_row(pilot, number)
        assert type(app.screen).__name__ == "DispatchScreen"
        assert PHONE in rendered(app)
    [event] = reveals_of(data, number)
    assert (event["operator"], event["role"]) == ("D201", "dispatcher")
    assert event["payload"] == {"field": "phone", "reason": REVEAL_REASONS[0]}
    assert event["at"].startswith(NOW.date().isoformat())


async def test_the_callback_agent_reveals_with_a_typed_reason_and_a_blank_one_is_refused(tmp_path):
    data = demo_dir(tmp_path)
    old = NOW - timedelta(days=3)
    number = add_order(data, caller_name="赵公开", phone=PHONE, at=old)
    record(data, number, Kind.DISPATCHED, {"lead_unit": "U002"}, Role.DISPATCHER, at=old)
    replied(data, number, "已恢复供水", "U002", at=old + timedelta(hours=1))
    app = DeskApp(data, CallbackScreen, role=Role.CALLBACK)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, number)
        await pilot.press("v")
        await pilot.pause()
        app.screen.query_one("#modal-input").value = "  "
        app.screen._submit("  ")  # a blank reason: the dialog stays open and says why
        await pilot.pause()
        assert type(app.screen).__name__ == "ReasonModal"
        assert "请选择或填写查看原因" in rendered(app)
        app.screen.query_one("#modal-input").value = "来电人要求回电"
        await pilot.press("enter")
        await desk_settle(pilot)
        await open_row(pilot, number)
        assert f"回访电话 {PHONE}" in rendered(app)
    [event] = reveals_of(data, number)
    assert event["payload"]["reason"] == "来电人要求回电" and event["role"] == "callback"


async def test_a_confidential_callers_phone_cannot_be_revealed(tmp_path):
    data = demo_dir(tmp_path)
    number = add_order(data, caller_name="秦保密", phone=PHONE, confidential=True)
    app = DeskApp(data, DispatchScreen, role=Role.DISPATCHER)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, number)
        await pilot.press("v")
        await desk_settle(pilot)
        assert type(app.screen).__name__ == "DispatchScreen"
        assert "来电人信息保密，不能查看电话" in rendered(app) and PHONE not in rendered(app)
    assert reveals_of(data, number) == []
    store = Store.open(data)  # nor by writing the event directly: decide() refuses it
    try:
        refused = store.record([NewEvent(Kind.REVEALED, {"field": "phone", "reason": "核实"}, DISPATCHER, number)])
    finally:
        store.close()
    assert not refused.ok and "保密" in refused.reason


async def test_the_supervisors_desk_lists_reveals(tmp_path):
    data = demo_dir(tmp_path)
    number = add_order(data, caller_name="赵公开", phone=PHONE)
    record(data, number, Kind.REVEALED, {"field": "phone", "reason": "核实来电人身份"}, Role.DISPATCHER)
    app = DeskApp(data, SupervisionScreen, role=Role.SUPERVISOR)
    async with app.run_test(size=(160, 45)) as pilot:
        await desk_settle(pilot)
        await pilot.press("l")
        await desk_settle(pilot)
        assert type(app.screen).__name__ == "RevealsList"
        text = rendered(app)
        assert number in text and "D201" in text and "核实来电人身份" in text and "电话" in text
        assert PHONE not in text


def test_hotline_audit_reveals_by_dates_and_operator(tmp_path, capsys):
    data = demo_dir(tmp_path)
    number = add_order(data, caller_name="赵公开", phone=PHONE)
    record(data, number, Kind.REVEALED, {"field": "phone", "reason": "核实来电人身份"}, Role.DISPATCHER)
    record(data, number, Kind.REVEALED, {"field": "phone", "reason": "回访需拨打来电人电话"}, Role.CALLBACK,
           at=NOW + timedelta(days=1))
    day, next_day = NOW.date().isoformat(), (NOW + timedelta(days=1)).date().isoformat()
    assert main(["audit", "reveals", "--from", day, "--to", next_day, "--data-dir", str(data)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1] == "2 reveals" and "C401" in out.splitlines()[0]  # newest first
    assert main(["audit", "reveals", "--from", day, "--to", day, "--operator", "D201", "--json",
                 "--data-dir", str(data)]) == 0
    [row] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (row["order"], row["operator"], row["field"], row["reason"]) == (number, "D201", "phone", "核实来电人身份")
    assert main(["audit", "reveals", "--from", "yesterday", "--to", day, "--data-dir", str(data)]) == 2  # usage
    err = capsys.readouterr().err
    assert "is not a date" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_reveal_syncs_to_the_centre(db_kind, tmp_path):
    from console.sync import state

    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        with CentreThread(centre) as server:
            store = make_seat(tmp_path, "S01", centre, server.url)
            number = create_order(store, 1)
            done = store.record([NewEvent(Kind.REVEALED, {"field": "phone", "reason": "核实来电人身份"},
                                          DISPATCHER, number)])
            assert done.ok, done.reason
            push_pending(store, CentreClient(server.url, state.read_all(store)["token"]))
            [event] = [e for e in centre_events(centre) if e["kind"] == Kind.REVEALED]
            assert event["status"] == "accepted" and event["operator"] == "D201" and event["order_no"] == number
            assert json.loads(event["payload"]) == {"field": "phone", "reason": "核实来电人身份"}
            store.close()
        centre.engine.dispose()
