"""Sign-out without leaving the console (Alt+L, or 登出 in the palette): the next operator signs in
at the same seat and never sees the previous one's unsaved call; each gets their own draft back."""

from __future__ import annotations

from screen_helpers import TEST_PASSWORD, give_accounts, make_app, make_store, ready, until
from textual.widgets import Input

from console.drafts import Drafts, draft_name


async def _sign_in(pilot, operator: str) -> None:
    app = pilot.app
    assert await until(pilot, lambda: type(app.screen).__name__ == "SignInScreen")
    app.screen.query_one("#operator", Input).value = operator
    app.screen.query_one("#password", Input).value = TEST_PASSWORD
    await pilot.press("f5")
    assert await until(pilot, lambda: type(app.screen).__name__ == "IntakeScreen")


async def test_the_next_operator_gets_a_clean_form_and_each_keeps_their_draft(tmp_path):
    store = make_store(tmp_path)
    give_accounts(store, {"A01": "agent", "A02": "agent"})
    store.close()
    app = make_app(tmp_path, operator="A01")
    async with app.run_test(size=(200, 60)) as pilot:
        screen = await ready(pilot)
        screen.query_one("#caller_name", Input).value = "张三"
        screen.query_one("#address", Input).value = "幸福路88号"
        await pilot.press("alt+l")
        await _sign_in(pilot, "A02")
        assert app.actor.operator == "A02"
        form = app.screen
        assert form.query_one("#caller_name", Input).value == ""  # not A01's unsaved call
        assert "恢复" not in str(form.query_one("#call_time").content)
        assert "张三" not in "\n".join(s.text for s in app.screen._compositor.render_strips())
        form.query_one("#caller_name", Input).value = "李四"
        await pilot.press("alt+l")
        await _sign_in(pilot, "A01")
        assert app.screen.query_one("#caller_name", Input).value == "张三"  # A01's own draft, restored
        assert app.screen.query_one("#address", Input).value == "幸福路88号"
        assert str(app.screen.query_one("#call_time").content).endswith("（恢复的草稿）")  # its call time kept, marked
    assert Drafts(tmp_path, draft_name("intake", "A02")).load()["caller_name"] == "李四"


async def test_sign_out_from_the_palette_and_a_signed_out_seat_opens_no_desk(tmp_path):
    make_store(tmp_path).close()
    app = make_app(tmp_path, operator="D201", role="dispatcher")
    async with app.run_test(size=(200, 60)) as pilot:
        await ready(pilot)
        assert any(c.title.startswith("登出") for c in app.get_system_commands(app.screen))
        await app.run_action("sign_out")
        assert await until(pilot, lambda: type(app.screen).__name__ == "SignInScreen")
        assert app.actor is None and app.operator_text == "未登录"
        await pilot.press("f4")
        await pilot.pause()
        assert type(app.screen).__name__ == "SignInScreen"  # 请先登录


def test_draft_names_are_plain_file_names():
    assert draft_name("intake", "A01") == "intake-A01"
    assert "/" not in draft_name("intake", "../../x") and draft_name("intake", "王") == "intake-xe78e8b"
