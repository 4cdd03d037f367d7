"""Issue 14 in the console, on a loopback centre: a gateway posts an SMS, the agent opens the
message queue (Alt+M), sees it due today (M-03), takes it into the form (claimed at the centre),
saves the order (the message then names it, and Open311's token would too); a second message is
answered directly and the reply waits at the centre for the gateway."""

from __future__ import annotations

import httpx
from screen_helpers import until
from sync_support import CentreThread, make_seat, new_centre
from test_screen_intake import fill_matter
from textual.widgets import Input, OptionList, Static

from console.centre import messages
from console.centre.clients import enroll_client
from console.store import Store
from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION
from screens.app import HotlineApp
from screens.widgets.picker import Picker

TEXT = "幸福家园3栋旁边的河道发黑发臭，已经一个多月了，请派人处理"


async def test_a_message_from_the_queue_becomes_an_order_and_another_is_answered(tmp_path):
    centre = new_centre(str(tmp_path / "centre.db"))
    try:
        with CentreThread(centre) as server:
            make_seat(tmp_path, "S01", centre, server.url).close()
            key = enroll_client(centre.engine, "sms-gw", "gateway")
            auth = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {key}"}
            with httpx.Client(base_url=server.url, timeout=10) as gw:
                for mid, text in (("sms-1", TEXT), ("sms-2", "请问公积金提取要带什么材料？")):
                    r = gw.post("/v1/channels/短信/messages", headers=auth,
                                json={"message_id": mid, "text": text, "sender_phone": "13812345678"})
                    assert r.status_code == 201, r.text

            app = HotlineApp(tmp_path / "S01", operator="A101", role="agent")
            async with app.run_test(size=(160, 50), notifications=True) as pilot:
                assert await until(pilot, lambda: type(app.screen).__name__ == "IntakeScreen" and app.store)
                form = app.screen
                await pilot.press("alt+m")
                assert await until(pilot, lambda: type(app.screen).__name__ == "MessageQueue")
                queue = app.screen
                assert await until(pilot, lambda: len(queue.messages) == 2)
                title = str(queue.query_one("#messages-title", Static).render())
                assert "2 条" in title and "2 条短信须当日回复" in title
                listed = str(queue.query_one("#messages-list", OptionList).get_option_at_index(0).prompt)
                assert "[短信]" in listed and "今日须回复" in listed
                await pilot.press("enter")  # take sms-1: claimed, into the form
                assert await until(pilot, lambda: app.screen is form)
                assert form.query_one("#channel", Picker).value == "短信"
                assert form.query_one("#phone", Input).value == "13812345678"
                assert messages.by_id(centre.engine, "sms-gw", "短信", "sms-1")["claimed_by"] == "A101@S01"
                form.query_one("#caller_name", Input).value = "张"
                form.query_one("#caller_title").query_one("#title-m").value = True
                await fill_matter(pilot)  # address, description (replaced), nature, class
                await pilot.press("f5")
                assert await until(pilot, lambda: form.saved_number is not None)
                number = form.saved_number
                assert await until(pilot, lambda: messages.by_id(centre.engine, "sms-gw", "短信", "sms-1")
                                   ["status"] == "ordered")
                assert messages.by_id(centre.engine, "sms-gw", "短信", "sms-1")["order_no"] == number

                await pilot.press("alt+m")  # the second one is taken, then let go by a new call
                assert await until(pilot, lambda: type(app.screen).__name__ == "MessageQueue")
                assert await until(pilot, lambda: len(app.screen.messages) == 1)
                await pilot.press("enter")
                assert await until(pilot, lambda: app.screen is form and form.channel_message is not None)
                assert messages.by_id(centre.engine, "sms-gw", "短信", "sms-2")["status"] == "claimed"
                await pilot.press("f8")
                if type(app.screen).__name__ == "AskModal":  # the form holds the message's text
                    await pilot.press("enter")
                assert await until(pilot, lambda: messages.by_id(centre.engine, "sms-gw", "短信", "sms-2")
                                   ["status"] == "waiting")
                assert form.query_one("#channel", Picker).value == "电话"

                await pilot.press("alt+m")  # and then answered directly
                assert await until(pilot, lambda: type(app.screen).__name__ == "MessageQueue")
                queue = app.screen
                assert await until(pilot, lambda: len(queue.messages) == 1)
                await pilot.press("alt+a", *"请携带身份证和公积金卡", "enter")
                assert await until(pilot, lambda: messages.by_id(centre.engine, "sms-gw", "短信", "sms-2")
                                   ["status"] == "answered")
                assert await until(pilot, lambda: queue.messages == [])
                await pilot.press("escape")

            store = Store.open(tmp_path / "S01")
            try:
                state = store.get(number)
                assert (state.channel, state.channel_message_id) == ("短信", "sms-1")
                assert state.channel_text == TEXT  # the original message kept beside the description
            finally:
                store.close()
            with httpx.Client(base_url=server.url, timeout=10) as gw:
                answered = gw.get("/v1/channels/短信/messages/sms-2", headers=auth).json()
                assert answered["reply"] == "请携带身份证和公积金卡" and answered["status"] == "answered"
                assert gw.get("/v1/channels/短信/messages/sms-1", headers=auth).json()["order"] == number
    finally:
        centre.engine.dispose()
