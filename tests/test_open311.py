"""Issue 14 at a real centre on loopback (SQLite and PostgreSQL): Open311 GeoReport v2 answers
checked against the spec's fields, the channel message API of the gateways, and the token kinds:
each outside client's key works on its own endpoints only (401/403 everywhere else)."""

from __future__ import annotations

import json
from datetime import datetime

import httpx
import pytest
from sqlalchemy import select
from sync_support import client, create_order, dispatch, make_seat

from console.centre.client_tables import messages
from console.centre.clients import enroll_client, revoke_client
from console.domain.privacy import CONFIDENTIAL_TEXT
from console.store.store import NewEvent
from console.sync.session import sync_once
from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

# GeoReport v2 (wiki.open311.org/GeoReport_v2): the fields of a service and of a service request
SERVICE_FIELDS = {"service_code": str, "service_name": str, "description": str, "metadata": bool, "type": str,
                  "keywords": str, "group": str}
REQUEST_FIELDS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}
HEADERS = {PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
SECRET_NAME, SECRET_PHONE = "欧阳保密", "13999990000"


@pytest.fixture
def world(served_centre, tmp_path):
    """A centre with a seat's orders pushed to it (one dispatched, one confidential) and a key of
    every kind."""
    centre, server, _url = served_centre
    seat = make_seat(tmp_path, "SA", centre, server.url)
    plain = create_order(seat, 1)
    assert dispatch(seat, plain, "U001").ok
    from sync_support import AGENT, intake_payload

    rec = seat.record([NewEvent("created", intake_payload(2, caller_name=SECRET_NAME, phone=SECRET_PHONE,
                                                          confidential=True,
                                                          description="我家楼下餐馆油烟直排，电话13999990000"),
                                AGENT)])
    assert rec.ok, rec.reason
    secret = rec.orders[0]
    sync_once(seat, client(seat))
    keys = {kind: enroll_client(centre.engine, f"c-{kind}", kind) for kind in ("gateway", "cti", "open311")}
    keys["seat"] = centre.enroll("SB", "all")
    keys["unit"] = centre.enroll("UNIT-U001", "unit", "U001")
    keys["revoked"] = enroll_client(centre.engine, "c-old", "open311")
    revoke_client(centre.engine, "c-old")
    yield centre, server, keys, plain, secret
    seat.close()


def _w3c(value: str | None) -> None:
    if value is not None:
        assert datetime.fromisoformat(value).tzinfo is not None, value  # W3C: with its zone


def test_services_and_requests_carry_the_spec_fields_and_no_caller(world):
    """Issue 14, R-02: services.json maps the content classes; requests.json and requests/{id}.json
    answer with the GeoReport v2 fields; a confidential caller's order shows only its class and
    status; no caller name or phone is ever in the answer; phone digits in text are masked."""
    centre, server, keys, plain, secret = world
    key = {"api_key": keys["open311"]}
    with httpx.Client(base_url=server.url, timeout=10) as http:
        services = http.get("/open311/v2/services.json", params=key)
        assert services.status_code == 200
        for s in services.json():
            assert {k: type(s[k]) for k in SERVICE_FIELDS} == SERVICE_FIELDS and s["type"] == "realtime"
        by_code = {s["service_code"]: s for s in services.json()}
        assert len(by_code) == len(services.json()) and by_code["C01.13"]["service_name"] == "供水"

        listed = http.get("/open311/v2/requests.json", params=key)
        assert listed.status_code == 200
        answers = {r["service_request_id"]: r for r in listed.json()}
        assert set(answers) == {plain, secret}
        for r in answers.values():
            assert set(r) == REQUEST_FIELDS and r["status"] in ("open", "closed")
            for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
                _w3c(r[name])
        assert answers[plain]["service_code"] == "C01.13" and answers[plain]["agency_responsible"] == "市住房和城乡建设局"
        assert answers[plain]["expected_datetime"] is not None  # the unit's deadline
        assert answers[secret]["description"] == CONFIDENTIAL_TEXT and answers[secret]["address"] == ""
        text = listed.text
        assert SECRET_NAME not in text and SECRET_PHONE not in text and "张明" not in text
        assert "13812340001" not in text

        one = http.get(f"/open311/v2/requests/{plain}.json", params=key)
        assert one.status_code == 200 and [r["service_request_id"] for r in one.json()] == [plain]
        assert http.get("/open311/v2/requests.json", params={**key, "status": "closed"}).json() == []
        assert [r["service_request_id"] for r in http.get(
            "/open311/v2/requests.json", params={**key, "service_request_id": f"{secret},nope"}).json()] == [secret]
        missing = http.get("/open311/v2/requests/nope.json", params=key)
        assert missing.status_code == 404 and set(missing.json()[0]) == {"code", "description"}
        bad = http.get("/open311/v2/requests.json", params={**key, "start_date": "yesterday"})
        assert bad.status_code == 400 and bad.json()[0]["code"] == 400


def test_a_civic_app_files_a_request_and_follows_its_token(world):
    """Issue 14: POST requests.json (form-encoded, as the spec says) keeps the request as a written
    message for an agent; the answer is a token; tokens/{token}.json has no order number yet."""
    centre, server, keys, _plain, _secret = world
    form = {"api_key": keys["open311"], "service_code": "C01.04", "address_string": "幸福路88号",
            "description": "小区门口垃圾三天没人清运", "first_name": "明", "last_name": "张", "phone": "13811112222"}
    with httpx.Client(base_url=server.url, timeout=10) as http:
        made = http.post("/open311/v2/requests.json", data=form)
        assert made.status_code == 201, made.text
        token = made.json()[0]["token"]
        follow = http.get(f"/open311/v2/tokens/{token}.json", params={"api_key": keys["open311"]})
        assert follow.status_code == 200 and follow.json() == [{"token": token}]
        for missing, why in (("service_code", "service_code"), ("description", "description"),
                             ("address_string", "location")):
            refused = http.post("/open311/v2/requests.json", data={k: v for k, v in form.items() if k != missing})
            assert refused.status_code == 400 and why in refused.json()[0]["description"]
    with centre.engine.connect() as conn:
        row = conn.execute(select(messages).where(messages.c.token == token)).one()
    assert (row.channel, row.status, row.sender_name, row.service_code) == ("网站", "waiting", "张明", "C01.04")


def test_a_gateway_posts_messages_idempotently_and_asks_after_them(world):
    """Issue 14, M-03: a gateway's message is kept once per id (a repeat answers 200 with the same
    token); an SMS is due the day it arrives; a phone channel or a control character is refused."""
    _centre, server, keys, _plain, _secret = world
    auth = {**HEADERS, "Authorization": f"Bearer {keys['gateway']}"}
    body = {"message_id": "sms-0001", "text": "路灯坏了三天", "sender_phone": "13800001111"}
    with httpx.Client(base_url=server.url, timeout=10) as http:
        first = http.post("/v1/channels/短信/messages", json=body, headers=auth)
        assert first.status_code == 201 and first.json()["status"] == "waiting"
        again = http.post("/v1/channels/短信/messages", json=body, headers=auth)
        assert again.status_code == 200 and again.json()["duplicate"] and again.json()["token"] == first.json()["token"]
        assert first.json()["reply_due"] == first.json()["received_at"][:10] + "T23:59:59"
        asked = http.get("/v1/channels/短信/messages/sms-0001", headers=auth)
        assert asked.status_code == 200 and asked.json()["order"] is None and asked.json()["reply"] is None
        assert http.get("/v1/channels/短信/messages/sms-9999", headers=auth).status_code == 404
        assert http.post("/v1/channels/电话/messages", json=body, headers=auth).status_code == 400
        bad = http.post("/v1/channels/短信/messages", json={**body, "message_id": "x2", "text": "a\x1b[2Jb"},
                        headers=auth)
        assert bad.status_code == 400 and "控制字符" in json.dumps(bad.json(), ensure_ascii=False)


# Every endpoint with the token kind it belongs to; each other kind must get 401 or 403.
ENDPOINTS = [
    ("GET", "/v1/hello", None, "seat"),
    ("POST", "/v1/sync/push", {"events": []}, "seat"),
    ("GET", "/v1/sync/pull", None, "seat"),
    ("POST", "/v1/leases", {"order": "X", "operator": "D01"}, "seat"),
    ("GET", "/v1/reference", None, "seat"),
    ("GET", "/v1/unit/orders", None, "unit"),
    ("POST", "/v1/unit/orders/X/reply", {"reply": "已处理", "operator": "U1"}, "unit"),
    ("POST", "/v1/channels/短信/messages", {"message_id": "m-1", "text": "你好"}, "gateway"),
    ("GET", "/v1/channels/短信/messages/m-1", None, "gateway"),
    ("POST", "/v1/cti/events", {"call_id": "k1", "event": "ringing", "seat": "S01", "caller": "13800000000"}, "cti"),
    ("GET", "/v1/cti/calls", None, "seat"),
    ("GET", "/v1/messages", None, "seat"),
    ("POST", "/v1/messages/X/claim", {"operator": "A1"}, "seat"),
    ("GET", "/open311/v2/services.json", None, "open311"),
    ("GET", "/open311/v2/requests.json", None, "open311"),
    ("GET", "/open311/v2/requests/X.json", None, "open311"),
    ("POST", "/open311/v2/requests.json", None, "open311"),
    ("GET", "/open311/v2/tokens/X.json", None, "open311"),
]
KINDS = ("seat", "unit", "gateway", "cti", "open311", "revoked", "none")


def test_every_token_kind_is_refused_on_every_endpoint_not_its_own(world):
    """Issue 14: a gateway, telephone-system or Open311 key works only on its own endpoints; a seat
    or unit token is refused on theirs; an unknown, revoked or missing key is 401."""
    _centre, server, keys, _plain, _secret = world
    refused = []
    with httpx.Client(base_url=server.url, timeout=10) as http:
        for method, path, body, owner in ENDPOINTS:
            for kind in KINDS:
                token = keys.get(kind)
                if path.startswith("/open311/"):
                    params = {"api_key": token} if token else {}
                    if method == "POST":
                        r = http.post(path, data={**params, "service_code": "C01.04", "description": "x",
                                                  "address_string": "y"})
                    else:
                        r = http.get(path, params=params)
                else:
                    headers = {**HEADERS, **({"Authorization": f"Bearer {token}"} if token else {})}
                    r = http.request(method, path, json=body, headers=headers)
                mine = kind == owner or (owner == "seat" and kind == "unit" and path in ("/v1/hello", "/v1/reference"))
                # a unit token is a seat token with the unit role: the seats' own calls refuse it (403)
                if mine:
                    assert r.status_code < 400 or r.status_code == 404, (method, path, kind, r.status_code, r.text)
                else:
                    assert r.status_code in (401, 403), (method, path, kind, r.status_code, r.text)
                    refused.append(r.status_code)
    assert set(refused) == {401, 403}


def test_an_open311_token_names_the_order_an_agent_made_of_it(world):
    """Issue 14: the request filed through Open311 waits in the seats' queue; once an agent has
    claimed it and made an order, tokens/{token}.json and requests/{id}.json answer with it."""
    from console.sync.client import CentreClient, Refused

    centre, server, keys, plain, _secret = world
    with httpx.Client(base_url=server.url, timeout=10) as http:
        made = http.post("/open311/v2/requests.json", data={
            "api_key": keys["open311"], "service_code": "C01.13", "lat": "26.08", "long": "119.30",
            "description": "小区停水三天了"})
        token = made.json()[0]["token"]
        seat = CentreClient(server.url, keys["seat"])
        other = CentreClient(server.url, centre.enroll("SC", "all"))
        try:
            queued = [m for m in seat.messages()["messages"] if m["token"] == token]
            assert queued and queued[0]["channel"] == "网站" and queued[0]["address"] == "26.08,119.30"
            seat.claim_message(token, "A101")
            with pytest.raises(Refused) as taken:  # no second agent takes it
                other.claim_message(token, "A102")
            assert taken.value.status == 409
            seat.message_ordered(token, "A101", plain)
        finally:
            seat.close()
            other.close()
        follow = http.get(f"/open311/v2/tokens/{token}.json", params={"api_key": keys["open311"]})
        assert follow.json() == [{"token": token, "service_request_id": plain}]
        assert http.get(f"/open311/v2/requests/{plain}.json",
                        params={"api_key": keys["open311"]}).json()[0]["service_request_id"] == plain
