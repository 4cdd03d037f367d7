"""Issue 14: every order has its channel (电话, 短信, 网站, …), a configurable list; a written
channel keeps the original message's id and text. The `created` payload's version 2 carries it,
and version 1 (every order recorded before channels) is read as a phone call."""

from __future__ import annotations

import json

import pytest
from screen_helpers import make_app, make_store, ready, settle, until
from test_screen_intake import fill_caller, fill_matter
from textual.widgets import Input

from console.channels_source import load_channels, shipped_channels
from console.domain.channels import PHONE, Channels
from console.domain.kinds import Kind
from console.domain.payloads import PayloadError, parse_payload
from console.domain.roles import Actor, Role
from console.store.store import NewEvent
from screens import intake_check
from screens.widgets.picker import Picker

AGENT = Actor("A01", Role.AGENT)
FORM = {"caller_name": "张", "caller_title": "先生", "phone": "13812345678", "address": "幸福路88号幸福家园",
        "description": "幸福家园3栋旁边的河道发黑发臭，已经一个多月了", "nature": "投诉",
        "content_path": ["城建环保", "环境卫生"], "disposition": "transfer"}


def test_a_v1_created_payload_is_a_phone_call_and_v2_must_name_its_channel():
    """R-01 (what an intake records), issue 14: the v1 -> v2 upcaster; a v2 payload without its
    channel is refused with the field named."""
    v1 = {k: v for k, v in intake_check.payload(FORM).items() if k not in ("v", "channel")}
    assert parse_payload(Kind.CREATED, v1).channel == PHONE
    with pytest.raises(PayloadError, match="channel"):
        parse_payload(Kind.CREATED, {**v1, "v": 2})
    sms = parse_payload(Kind.CREATED, intake_check.payload({**FORM, "channel": "短信", "channel_message_id": "m-1",
                                                            "channel_text": "河道发臭"}))
    assert (sms.channel, sms.channel_message_id, sms.channel_text) == ("短信", "m-1", "河道发臭")


def test_the_store_records_the_channel_and_refuses_one_not_configured(tmp_path):
    """Issue 14: the channel is on the order (state and the orders row, schema v8); decide()
    refuses a channel the list does not hold, and a message id on a phone call."""
    store = make_store(tmp_path)
    ok = store.record([NewEvent(Kind.CREATED, intake_check.payload({**FORM, "channel": "微信"}), AGENT)])
    assert ok.ok, ok.reason
    row = store.order_row(ok.orders[0])
    assert row["channel"] == "微信" and not row["imported"]
    assert store.get(ok.orders[0]).channel == "微信"
    bad = store.record([NewEvent(Kind.CREATED, intake_check.payload({**FORM, "channel": "飞鸽传书"}), AGENT)])
    assert not bad.ok and bad.code == "channel" and "飞鸽传书" in bad.reason
    phone_id = store.record([NewEvent(Kind.CREATED, intake_check.payload(
        {**FORM, "channel": PHONE, "channel_message_id": "x"}), AGENT)])
    assert not phone_id.ok and phone_id.code == "channel"
    too_long = store.record([NewEvent(Kind.CREATED, intake_check.payload({**FORM, "channel": "渠" * 21}), AGENT)])
    assert not too_long.ok and too_long.code == "too_long"  # console/domain/limits.py
    assert store.count_orders() == 1
    store.close()


def test_an_order_stored_before_channels_reads_as_a_phone_order(tmp_path):
    """Issue 14: a v1 event (no "v", no channel) written by an older seat folds to 电话, and the
    stored payload keeps its own text."""
    store = make_store(tmp_path)
    v1 = {k: v for k, v in intake_check.payload(FORM).items() if k not in ("v", "channel")}
    rec = store.record([NewEvent(Kind.CREATED, v1, AGENT)])
    assert rec.ok, rec.reason
    assert store.order_row(rec.orders[0])["channel"] == PHONE
    assert "channel" not in store.events_of(rec.orders[0])[0]["payload"]
    assert store.projection_differences() == []
    store.close()


def test_the_channel_list_is_data(tmp_path):
    """Issue 14: the list is configurable (console/kb_data/channels.toml); a broken one is refused
    with what is wrong; aliases from other systems resolve to the configured name."""
    names = shipped_channels().names()
    assert names[0] == PHONE and {"短信", "网站", "手机APP", "微信", "信件", "领导信箱", "110联动", "网格员", "其他"} <= set(names)
    assert shipped_channels().get("短信").same_day_reply  # M-03
    assert shipped_channels().resolve(" e福州APP ") == "手机APP"
    assert shipped_channels().resolve("信鸽") is None
    own = tmp_path / "channels.toml"
    own.write_text('[[channel]]\nname = "电话"\n[[channel]]\nname = "政务热线小程序"\nwritten = true\n', encoding="utf-8")
    assert load_channels(own).names() == ("电话", "政务热线小程序")
    own.write_text('[[channel]]\nname = "网站"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="电话"):
        load_channels(own)
    with pytest.raises(ValueError, match="twice"):
        Channels.from_dict({"channel": [{"name": "电话"}, {"name": "短信", "aliases": ["电话"]}]})


async def test_the_form_records_the_channel_picked_and_the_order_view_shows_it(tmp_path):
    """Issue 14: the form opens on 电话 (an intake seat answers calls); the agent picks 短信 by its
    alias; the saved order holds it; the caller history's order view shows 受理渠道：短信."""
    make_store(tmp_path).close()
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await ready(pilot)
        picker = screen.query_one("#channel", Picker)
        assert picker.value == PHONE
        screen.save_draft()  # the preset channel is not something the agent typed: no draft
        assert screen.drafts.load() is None
        await fill_caller(pilot)
        await fill_matter(pilot)
        picker.focus()
        picker.query_one(Input).value = ""  # the agent clears 电话 …
        await pilot.press(*"sms", "enter")  # … and types the alias of 短信
        assert picker.value == "短信"
        await pilot.press("f5")
        await settle(pilot)
        number = screen.saved_number
        assert number
        assert app.store.order_row(number)["channel"] == "短信"
        await pilot.press("f8")  # the next call: the form is back on 电话
        await settle(pilot)
        if type(app.screen).__name__ != "IntakeScreen":  # F8 asks first when a call is in progress
            await pilot.press("enter")
            await settle(pilot)
        assert await until(pilot, lambda: app.screen.query_one("#channel", Picker).value == PHONE)
        app.screen.query_one("#phone").value = "13812345678"
        await settle(pilot)
        await pilot.press("alt+y", "enter")
        assert await until(pilot, lambda: type(app.screen).__name__ == "OrderView")
        body = "\n".join(str(w.content) for w in app.screen.query("Static"))
        assert "受理渠道： 短信" in body
    assert json.loads(app.store.order_row(number)["state"])["channel"] == "短信"
