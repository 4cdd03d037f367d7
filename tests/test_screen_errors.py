"""A store that cannot be opened: the worker's error becomes a visible message, the form still
works and what the agent typed is kept (draft), nothing crashes."""

from __future__ import annotations

from screen_helpers import make_app, settle, until
from textual.widgets import Input, TextArea

from screens.widgets.picker import Choice


async def test_broken_store_is_reported_and_typing_is_kept(tmp_path):
    (tmp_path / "seat.db").write_bytes(b"this is not a SQLite file" * 100)
    app = make_app(tmp_path)
    async with app.run_test(size=(160, 50), notifications=True) as pilot:
        for _ in range(50):
            await settle(pilot, 1)
            if app.screen.query("#caller_name"):
                break
        screen = app.screen
        assert app.store is None
        messages = [n.message for n in app._notifications]
        assert any("后台任务失败（store）" in m for m in messages), messages
        sync_text = lambda: str(screen.query_one("#hdr-sync").render())  # noqa: E731
        await until(pilot, lambda: "数据库无法打开" in sync_text())  # the header refreshes every second
        assert "数据库无法打开" in sync_text()
        screen.query_one("#caller_name", Input).value = "王"
        screen.query_one("#description", TextArea).text = "路灯坏了一周"
        await pilot.press("f5")  # form errors first: still usable
        assert "请选择称谓" in str(screen.query_one("#caller_title-error").render())
        screen.query_one("#title-m").value = True
        screen.query_one("#phone", Input).value = "13812345678"
        screen.query_one("#address", Input).value = "幸福路"
        screen.query_one("#description", TextArea).text = "幸福路路灯坏了一周，晚上很黑"
        screen.query_one("#nature").choose(Choice("投诉", "投诉"))
        screen.query_one("#content").choose(Choice(["城建环保", "路灯"], "城建环保 / 路灯"))
        await pilot.pause()
        await pilot.press("f5")
        await pilot.pause()
        assert any("内容已保留" in n.message for n in app._notifications)
        assert screen.query_one("#caller_name", Input).value == "王"
        assert (tmp_path / "drafts" / "intake-A01.json").exists()
        assert app.is_running
