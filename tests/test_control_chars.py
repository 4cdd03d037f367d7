"""Terminal control sequences in caller, unit and network text never reach the terminal: a name
holding `ESC ] 0 ; … BEL` must not retitle the window, `ESC [2J` must not clear the screen. They are
pushed through every screen that shows such text and the rendered lines are checked for any C0/C1
control character; what was recorded stays as it was."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from dispatch_support import NOW, DeskApp, add_order, demo_dir, open_row, record, replied
from screen_helpers import make_app, make_store, ready, seed_order, until
from textual.widgets import Input, TextArea

from console.domain.inert import has_control, inert
from console.domain.order import Kind
from console.domain.roles import Role
from console.drafts import Drafts, draft_name
from console.store import Store
from screens.callback import CallbackScreen
from screens.dispatch import DispatchScreen
from screens.widgets.order_panels import CallerHistory

TITLE = "\x1b]0;pwned\x07"  # OSC: set the window title
CLEAR = "\x1b[2J"  # CSI: clear the screen
C1 = "\x9b2J\x9d0;x\x9c"  # the same as 8-bit C1 controls (CSI, OSC, ST)
BARE = "\x1b\x07\x08\r\x7f"  # a bare ESC, BEL, backspace, carriage return, DEL
NAME = f"王{TITLE}{C1}"  # within the name field's 20 characters
ADDRESS = f"幸福路{CLEAR}{BARE}88号"
DESCRIPTION = f"幸福路88号小区停水三天了{TITLE}{CLEAR}{C1}{BARE}没有任何通知，请尽快恢复供水。"


# decide() refuses control characters in what is recorded now (issue 10, console/domain/limits.py):
# the screens must still show inert what an older seat or version stored. The tests record plain
# stand-ins and plant the hostile text in the stored events, as such a store holds it.
PLAIN = {NAME: "王某某", ADDRESS: "幸福路某某88号", DESCRIPTION: "幸福路88号小区停水三天了，没有任何通知，请尽快恢复供水。",
         f"已处理{TITLE}{CLEAR}{C1}完毕": "已处理完毕"}


def plain_fields(**fields):
    return {k: PLAIN.get(v, v) if isinstance(v, str) else v for k, v in fields.items()}


def plant(data_dir) -> None:
    """Replace the stand-ins by the hostile text in the stored events and rebuild the projection."""
    import json

    from sqlalchemy import text

    store = Store.open(data_dir)
    try:
        with store.engine.begin() as conn:
            for hostile, stand_in in PLAIN.items():
                conn.execute(text("UPDATE events SET payload = replace(payload, :a, :b)"),
                             {"a": json.dumps(stand_in, ensure_ascii=False)[1:-1],
                              "b": json.dumps(hostile, ensure_ascii=False)[1:-1]})
        store.rebuild_projection()
    finally:
        store.close()


def rendered(app) -> str:
    """Every character the screen would write to the terminal, line by line."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def assert_inert(app) -> None:
    shown = rendered(app)
    bad = sorted({f"{ord(c):#04x}" for c in shown if has_control(c)})
    assert not bad, f"control characters on {type(app.screen).__name__}: {bad}"


def test_inert_replaces_every_control_character_but_newline_and_tab():
    every = "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)])
    out = inert(every)
    assert not has_control(out)
    assert "\n" in out and "\t" in out
    assert inert(TITLE) == "␛]0;pwned␇" and inert("\x9b2J") == "␛[2J"
    assert inert("王明 幸福路88号") == "王明 幸福路88号" and inert(None) == ""


async def test_dispatch_desk_shows_control_sequences_inert(tmp_path):
    data = demo_dir(tmp_path)
    number = add_order(data, **plain_fields(caller_name=NAME, address=ADDRESS, description=DESCRIPTION))
    plant(data)
    app = DeskApp(data, DispatchScreen, role=Role.DISPATCHER)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, number)
        shown = rendered(app)
        assert "␛]0;pwned␇" in shown or "␛[2J" in shown  # shown, visibly, not obeyed
        assert_inert(app)


async def test_callback_desk_shows_unit_reply_inert(tmp_path):
    data = demo_dir(tmp_path)
    old = NOW - timedelta(days=3)
    number = add_order(data, **plain_fields(caller_name=NAME, address=ADDRESS, description=DESCRIPTION), at=old)
    record(data, number, Kind.DISPATCHED, {"lead_unit": "U002"}, Role.DISPATCHER, at=old)
    replied(data, number, "已处理完毕", "U002", at=old + timedelta(hours=1))
    plant(data)
    app = DeskApp(data, CallbackScreen, role=Role.CALLBACK)
    async with app.run_test(size=(160, 45)) as pilot:
        await open_row(pilot, number)
        assert "已处理␛]0;pwned␇" in rendered(app)
        assert_inert(app)


async def test_intake_history_order_view_and_restored_draft_are_inert(tmp_path):
    store = make_store(tmp_path)
    number = seed_order(store, **plain_fields(caller_name=NAME, address=ADDRESS, description=DESCRIPTION))
    store.close()
    plant(tmp_path)
    # a draft left by a crash holding the same text fills the form's inputs
    Drafts(tmp_path, draft_name("intake", "A01")).save({"caller_name": NAME, "address": ADDRESS,
                                     "description": DESCRIPTION, "_call_time": "2026-11-26T09:58:00"})
    app = make_app(tmp_path)
    async with app.run_test(size=(200, 60), notifications=True) as pilot:
        screen = await ready(pilot)
        assert screen.query_one("#caller_name", Input).value == inert(NAME)
        assert screen.query_one("#description", TextArea).text == inert(DESCRIPTION)
        screen.query_one("#phone", Input).value = "13900001111"
        await until(pilot, lambda: screen.query_one(CallerHistory).numbers == [number])
        assert_inert(app)
        await pilot.press("alt+y", "enter")  # caller history: open the earlier order
        await until(pilot, lambda: type(app.screen).__name__ == "OrderView")
        assert type(app.screen).__name__ == "OrderView"
        assert "幸福路␛[2J" in rendered(app)
        assert_inert(app)
        app.notify(f"未保存：{NAME}", markup=False)  # toasts quote caller and centre text
        await pilot.pause()
        assert "未保存：王␛]0;pwned␇" in rendered(app)
        assert_inert(app)
    # what was recorded is kept as it was
    store = Store.open(tmp_path)
    try:
        assert store.get(number).caller_name == NAME
    finally:
        store.close()


def test_orders_show_prints_control_sequences_inert(tmp_path):
    store = make_store(tmp_path)
    number = seed_order(store, **plain_fields(caller_name=NAME, address=ADDRESS, description=DESCRIPTION))
    store.close()
    plant(tmp_path)
    for extra in ([], ["--json"]):
        out = subprocess.run([sys.executable, "-m", "console", "orders", "show", number, "--data-dir", str(tmp_path),
                              *extra], capture_output=True, text=True, check=True).stdout
        assert not has_control(out.replace("\n", "")), repr(out)
    out = subprocess.run([sys.executable, "-m", "console", "orders", "list", "--data-dir", str(tmp_path)],
                         capture_output=True, text=True, check=True).stdout
    assert not has_control(out.replace("\n", ""))


async def test_a_paste_holding_control_sequences_lands_inert(tmp_path):
    from textual import events

    make_store(tmp_path).close()
    app = make_app(tmp_path)
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await ready(pilot)
        name = screen.query_one("#caller_name", Input)
        name.focus()
        await pilot.pause()
        app.post_message(events.Paste(f"王{TITLE}{CLEAR}"))
        await until(pilot, lambda: name.value != "")
        assert name.value == "王␛]0;pwned␇␛[2J"
        assert_inert(app)
