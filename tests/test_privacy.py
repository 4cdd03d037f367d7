"""Who sees what of a caller (R-02, console/domain/privacy.py), where data leaves: the seat's desks,
`hotline orders`, the centre's feeds; and a unit token gets its own feed, never the seats' log."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest
from dispatch_support import NOW, DeskApp, add_order, demo_dir, open_row, record, replied, table_keys
from dispatch_support import settle as desk_settle
from screen_helpers import make_store, seed_order
from sync_support import AGENT, CentreThread, centre_db, create_order, dispatch, intake_payload, make_seat, new_centre

from console.centre.local import LocalCentre
from console.cli import main
from console.domain.order import Kind
from console.domain.privacy import CONFIDENTIAL_TEXT, CallerField, Sight, mask_phone, shown, sight
from console.domain.roles import Actor, Role
from console.store import NewEvent, Store
from console.sync.client import CentreClient, Refused
from console.sync.session import push_pending
from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from screens.callback import CallbackScreen
from screens.dispatch import DispatchScreen
from screens.dispatch_extensions import ExtensionsScreen
from screens.dispatch_returns import ReturnsScreen
from screens.inbox import InboxScreen
from screens.supervision import SupervisionScreen

SECRET_NAME, SECRET_PHONE = "秦保密", "13987654321"
OPEN_NAME, OPEN_PHONE = "赵公开", "13911112222"


def rendered(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


# -- the policy ------------------------------------------------------------------------------------


def test_the_policy_hides_confidential_callers_from_all_but_intake_and_masks_phones():
    for role in (Role.DISPATCHER, Role.LEAD, Role.CALLBACK, Role.SUPERVISOR, Role.UNIT, Role.SYSTEM, None):
        for field in CallerField:
            assert sight(role, field, confidential=True) is Sight.HIDDEN
    assert sight(Role.AGENT, CallerField.PHONE, confidential=True) is Sight.FULL
    assert shown(Role.UNIT, CallerField.PHONE, OPEN_PHONE, False) == OPEN_PHONE
    for role in (Role.DISPATCHER, Role.LEAD, Role.CALLBACK, Role.SUPERVISOR, None):
        assert shown(role, CallerField.PHONE, OPEN_PHONE, False) == "139****2222"
        assert shown(role, CallerField.PHONE, OPEN_PHONE, False, revealed=True) == OPEN_PHONE
        assert shown(role, CallerField.NAME, OPEN_NAME, False) == OPEN_NAME
    assert mask_phone("0571-88001234") == "057******1234" and mask_phone("110") == "***"


# -- the seat's desks --------------------------------------------------------------------------------


def _orders(data):
    old = NOW - timedelta(days=20)
    secret = add_order(data, caller_name=SECRET_NAME, phone=SECRET_PHONE, confidential=True, at=old)
    public = add_order(data, caller_name=OPEN_NAME, phone=OPEN_PHONE, at=old)
    return secret, public, old


@pytest.mark.parametrize("screen_cls, setup", [
    (DispatchScreen, "awaiting"), (ReturnsScreen, "returned"), (ExtensionsScreen, "extension"),
    (InboxScreen, "inbox"), (SupervisionScreen, "overdue")])
async def test_a_dispatcher_never_sees_a_confidential_callers_name_or_phone(tmp_path, screen_cls, setup):
    data = demo_dir(tmp_path)
    secret, public, old = _orders(data)
    unit = dict(role=Role.UNIT, unit="U002", at=old + timedelta(hours=1))
    for number in (secret, public):
        if setup == "inbox":
            record(data, number, Kind.RETURNED_TO_INTAKE, {"reason": "地址不详"}, Role.DISPATCHER, at=old)
        elif setup != "awaiting":
            record(data, number, Kind.DISPATCHED, {"lead_unit": "U002"}, Role.DISPATCHER, at=old)
        if setup == "returned":
            record(data, number, Kind.UNIT_RETURNED, {"reason": "不属于我单位职责范围"}, **unit)
        elif setup == "extension":
            record(data, number, Kind.EXTENSION_REQUESTED, {"days": 3, "reason": "需协调多个部门"}, **unit)
    app = DeskApp(data, screen_cls, role=Role.DISPATCHER)
    async with app.run_test(size=(160, 45)) as pilot:
        await desk_settle(pilot)
        keys = table_keys(app.screen)
        for number in (secret, public):
            assert number in keys
            app.screen.table.move_cursor(row=keys.index(number))
            await desk_settle(pilot)
            shown_text = rendered(app)
            assert SECRET_NAME not in shown_text and SECRET_PHONE not in shown_text
            assert OPEN_PHONE not in shown_text
        if screen_cls is DispatchScreen:  # the F4 review panel of the open caller: name, masked phone
            assert OPEN_NAME in shown_text and "139****2222" in shown_text
            app.screen.table.move_cursor(row=keys.index(secret))
            await desk_settle(pilot)
            assert CONFIDENTIAL_TEXT in rendered(app)


@pytest.mark.parametrize("role, confidential, phone_shown", [
    (Role.LEAD, False, "139****2222"), (Role.LEAD, True, CONFIDENTIAL_TEXT), (Role.AGENT, True, OPEN_PHONE)])
async def test_the_amend_dialog_shows_caller_fields_only_as_the_role_may_see_them(tmp_path, role, confidential,
                                                                                    phone_shown):
    from screens.inbox import InboxScreen

    data = demo_dir(tmp_path)
    number = add_order(data, caller_name=OPEN_NAME, phone=OPEN_PHONE, confidential=confidential, description="停水了")
    record(data, number, Kind.RETURNED_TO_INTAKE, {"reason": "问题描述不清，请补充具体诉求"}, Role.DISPATCHER)
    app = DeskApp(data, InboxScreen, role=role)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, number)
        await pilot.press("e")
        await desk_settle(pilot)
        modal = app.screen
        assert modal.query_one("#amend-phone").value == phone_shown
        assert modal.query_one("#amend-phone").disabled == (role != Role.AGENT)
        modal.query_one("#amend-description").value = "幸福路88号3栋停水两天，没有通知，家里有老人，请尽快恢复供水。"
        await pilot.press("f2")
        await desk_settle(pilot)
    store = Store.open(data)
    try:
        state = store.get(number)
        amended = [e for e in store.events_of(number) if e["kind"] == "amended"][-1]["payload"]
    finally:
        store.close()
    assert state.phone == OPEN_PHONE and state.caller_name == OPEN_NAME  # the masked text is never saved
    assert "phone" not in amended and "caller_name" not in amended


async def test_a_dispatchers_search_does_not_find_a_confidential_caller_by_name(tmp_path):
    data = demo_dir(tmp_path)
    secret, public, _old = _orders(data)
    app = DeskApp(data, DispatchScreen, role=Role.DISPATCHER)
    async with app.run_test(size=(160, 45)) as pilot:
        await desk_settle(pilot)
        await pilot.press("slash")
        for char in SECRET_NAME:
            await pilot.press(char)
        await desk_settle(pilot)
        assert secret not in table_keys(app.screen)


async def test_the_callback_desk_shows_the_phone_masked(tmp_path):
    data = demo_dir(tmp_path)
    old = NOW - timedelta(days=3)
    number = add_order(data, caller_name=OPEN_NAME, phone=OPEN_PHONE, at=old)
    record(data, number, Kind.DISPATCHED, {"lead_unit": "U002"}, Role.DISPATCHER, at=old)
    replied(data, number, "已恢复供水", "U002", at=old + timedelta(hours=1))
    app = DeskApp(data, CallbackScreen, role=Role.CALLBACK)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, number)
        text = rendered(app)
        assert "139****2222" in text and OPEN_PHONE not in text and OPEN_NAME in text


async def test_a_dispatcher_at_the_intake_form_sees_no_confidential_caller_in_history_or_order_view(tmp_path):
    from screen_helpers import make_app, ready, until
    from textual.widgets import Input

    from screens.widgets.order_panels import CallerHistory

    store = make_store(tmp_path)
    secret = seed_order(store, caller_name=SECRET_NAME, phone=SECRET_PHONE, confidential=True)
    store.close()
    app = make_app(tmp_path, operator="D201", role="dispatcher")
    async with app.run_test(size=(200, 60)) as pilot:
        await ready(pilot)
        await pilot.press("f2")  # a dispatcher starts on the dispatch desk; the form is one key away
        assert await until(pilot, lambda: type(app.screen).__name__ == "IntakeScreen")
        screen = app.screen
        screen.query_one("#phone", Input).value = SECRET_PHONE  # typed by the operator: the form shows it
        assert await until(pilot, lambda: screen.query_one(CallerHistory).numbers == [secret])
        assert SECRET_NAME not in rendered(app)
        await pilot.press("alt+y", "enter")
        await until(pilot, lambda: type(app.screen).__name__ == "OrderView")
        view = app.screen
        assert type(view).__name__ == "OrderView"
        body = "\n".join(str(w.content) for w in view.query("Static"))
        assert f"来电人： {CONFIDENTIAL_TEXT}" in body
        assert SECRET_NAME not in body and SECRET_PHONE not in body


# -- hotline orders ------------------------------------------------------------------------------------


def test_orders_show_and_list_keep_a_confidential_caller_out_even_in_event_lines(tmp_path, capsys):
    store = make_store(tmp_path)
    secret = seed_order(store, caller_name=SECRET_NAME, phone=SECRET_PHONE, confidential=True)
    public = seed_order(store, caller_name=OPEN_NAME, phone=OPEN_PHONE)
    store.close()
    for args in (["orders", "show", secret], ["orders", "show", secret, "--json"], ["orders", "list"],
                 ["orders", "list", "--json"]):
        assert main([*args, "--data-dir", str(tmp_path)]) == 0
        out = capsys.readouterr().out
        assert SECRET_NAME not in out and SECRET_PHONE not in out, args
    assert main(["orders", "show", public, "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert OPEN_NAME in out and "139****2222" in out and OPEN_PHONE not in out
    assert main(["orders", "show", secret, "--json", "--data-dir", str(tmp_path)]) == 0
    shown_json = json.loads(capsys.readouterr().out)
    assert shown_json["order"]["caller_name"] == CONFIDENTIAL_TEXT
    assert all(e["payload"].get("phone") in (None, CONFIDENTIAL_TEXT) for e in shown_json["events"])


# -- the centre ------------------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def centre_env(request, tmp_path):
    with centre_db(request.param, tmp_path) as url:
        centre = new_centre(url)
        with CentreThread(centre) as server:
            yield centre, server
        centre.engine.dispose()


def _seat_token(store) -> str:
    from console.sync import state

    return state.read_all(store)["token"]


def _raw(server, method: str, path: str, token: str, **kw) -> httpx.Response:
    headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {token}"}
    return httpx.request(method, server.url + path, headers=headers, timeout=10, **kw)


def test_a_unit_token_gets_403_on_the_seats_log_and_only_its_own_orders(centre_env, tmp_path):
    centre, server = centre_env
    store = make_seat(tmp_path, "S01", centre, server.url)
    numbers = [create_order(store, i) for i in range(2)]
    secret = store.record([NewEvent("created", {**intake_payload(9), "confidential": True,
                                                "caller_name": SECRET_NAME, "phone": SECRET_PHONE}, AGENT)]).orders[0]
    for n, unit in zip([*numbers, secret], ("U001", "U002", "U001"), strict=True):
        assert dispatch(store, n, unit).ok
    push_pending(store, CentreClient(server.url, _seat_token(store)))
    token = centre.enroll("UNIT-U001", "unit", unit="U001")
    assert _raw(server, "GET", "/v1/sync/pull?after=0", token).status_code == 403
    assert _raw(server, "POST", "/v1/sync/push", token, json={"events": []}).status_code == 403
    assert _raw(server, "POST", "/v1/leases", token, json={"order": numbers[0], "operator": "x"}).status_code == 403
    assert _raw(server, "GET", "/v1/sync/pull?after=0", _seat_token(store)).status_code == 200
    listed = CentreClient(server.url, token).unit_orders()["orders"]
    assert [o["number"] for o in listed] == [numbers[0], secret]  # never U002's order
    by_number = {o["number"]: o for o in listed}
    assert by_number[numbers[0]]["phone"] and by_number[numbers[0]]["caller"]  # what the unit needs to reply
    assert by_number[secret]["phone"] is None and by_number[secret]["caller"] is None
    assert SECRET_PHONE not in json.dumps(listed, ensure_ascii=False)


def test_a_unit_cannot_note_another_units_order(centre_env, tmp_path):
    from console.domain.decide import Context, decide
    from console.domain.order import Event

    centre, server = centre_env
    store = make_seat(tmp_path, "S01", centre, server.url)
    number = create_order(store, 1)
    assert dispatch(store, number, "U002").ok
    state = store.get(number)
    other, own = Actor("u", Role.UNIT, unit="U001"), Actor("u", Role.UNIT, unit="U002")
    ctx = Context()
    refused = decide(state, Event.of(Kind.NOTE, number, {"text": "我单位已知悉"}, NOW, other), other, ctx)
    assert not refused.ok and "U002" in refused.reason
    assert decide(state, Event.of(Kind.NOTE, number, {"text": "我单位已知悉"}, NOW, own), own, ctx).ok
    token = centre.enroll("UNIT-U001", "unit", unit="U001")  # nor through the seats' push
    assert _raw(server, "POST", "/v1/sync/push", token, json={"events": []}).status_code == 403
    with pytest.raises(Refused):
        CentreClient(server.url, token).unit_reply(number, "不是我单位的单")


def test_docs_and_openapi_only_when_asked(tmp_path):
    centre = new_centre(str(tmp_path / "centre.db"))
    with LocalCentre(centre) as plain_server:
        for path in ("/docs", "/openapi.json", "/redoc"):
            assert httpx.get(plain_server.url + path, timeout=10).status_code == 404
    with LocalCentre(centre, docs=True) as docs_server:
        assert httpx.get(docs_server.url + "/openapi.json", timeout=10).status_code == 200
        assert httpx.get(docs_server.url + "/docs", timeout=10).status_code == 200
    centre.engine.dispose()



@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_confidential_caller_leaves_the_intake_seat_only_as_keyed_hashes(db_kind, tmp_path):
    """R-02: the centre's log, every other seat and every feed hold a confidential caller's name
    and phone only as keyed hashes; the intake seat keeps them whole; another seat still finds the
    caller's history by the phone typed (and shows it as （保密）)."""
    from console.domain.privacy import is_keyed
    from console.sync.session import pull_all

    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        with CentreThread(centre) as server:
            intake, other = make_seat(tmp_path, "S01", centre, server.url), make_seat(tmp_path, "S02", centre, server.url)
            secret = intake.record([NewEvent("created", {**intake_payload(3), "confidential": True,
                                                         "caller_name": SECRET_NAME, "phone": SECRET_PHONE}, AGENT)]).orders[0]
            amended = intake.record([NewEvent("amended", {"phone": "139-8765-4321", "address": "幸福路90号"},
                                              AGENT, secret)])
            assert amended.ok and dispatch(intake, secret, "U001").ok
            report = push_pending(intake, CentreClient(server.url, _seat_token(intake)))
            assert report.accepted == 3 and report.rejected == 0
            pulled = _raw(server, "GET", "/v1/sync/pull?after=0", _seat_token(other)).text
            assert SECRET_NAME not in pulled and SECRET_PHONE not in pulled and "8765" not in pulled
            pull_all(other, CentreClient(server.url, _seat_token(other)))
            held = other.get(secret)
            assert is_keyed(held.phone) and is_keyed(held.caller_name)
            history = other.caller_orders("13987654321")  # typed at the other seat: found by its hash
            assert [r["number"] for r in history] == [secret]
            assert intake.get(secret).phone == "139-8765-4321" and intake.get(secret).caller_name == SECRET_NAME
            unit_token = centre.enroll("UNIT-U001", "unit", unit="U001")
            feed = json.dumps(CentreClient(server.url, unit_token).unit_orders(), ensure_ascii=False)
            assert SECRET_NAME not in feed and SECRET_PHONE not in feed and "h:" not in feed
            from sync_support import centre_events

            stored = json.dumps(centre_events(centre), ensure_ascii=False, default=str)
            assert secret in stored and SECRET_NAME not in stored and "8765" not in stored  # the centre's own log
            intake.close()
            other.close()
        centre.engine.dispose()


def test_keyed_hashes_show_as_confidential_to_every_role():
    from console.domain.privacy import for_centre, keyed_hash

    key = "ab" * 32
    out = for_centre({"caller_name": SECRET_NAME, "phone": "139 8765 4321", "address": "x"}, True, key)
    assert out["address"] == "x" and out["phone"] == keyed_hash(key, SECRET_PHONE)
    assert for_centre({"phone": SECRET_PHONE}, False, key) == {"phone": SECRET_PHONE}
    for role in (*Role, None):
        assert shown(role, CallerField.PHONE, out["phone"], False) == CONFIDENTIAL_TEXT
        assert shown(role, CallerField.NAME, out["caller_name"], True) == CONFIDENTIAL_TEXT
