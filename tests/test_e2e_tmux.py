"""End to end: run `hotline` in tmux, sign in and record an order with keystrokes only, then
check the store. Keys are sent one by one with a short pause, like a person typing (a burst of
keys sent in one write can reach a field before a Tab's focus change lands)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from console.store import Store

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

HOTLINE = Path(sys.executable).parent / "hotline"


PASSWORD = "pw-for-tmux"


def start_console(session: str, data_dir: Path, cols: int = 160, rows: int = 48) -> None:
    """`hotline` on `data_dir` in a new tmux session of that size (COLUMNS/LINES unset, so the
    terminal's own size counts)."""
    tmux("new-session", "-d", "-s", session, "-x", str(cols), "-y", str(rows),
         f"env -u COLUMNS -u LINES {HOTLINE} --data-dir {data_dir}")
    tmux("resize-window", "-t", session, "-x", str(cols), "-y", str(rows))


def typist(session: str, counted: list[str] | None = None):
    """A function that presses keys one by one with a person's pause, counting the non-text ones
    into `counted` when given."""
    def keys(*items: str) -> None:
        for item in items:
            tmux("send-keys", "-t", session, item)
            if counted is not None and non_text(item):
                counted.append(item)
            time.sleep(0.3)
    return keys


def seat_with_agent(path: Path, kb: bool = False) -> None:
    """A new seat whose store holds the centre's account for A07 (a verifier of PASSWORD), and
    the starter knowledge base when `kb`."""
    from console.store.accounts import set_published_operators
    from console.store.engine import write_transaction
    from console.wire.passwords import make_verifier

    store = Store.init(path, seat="S09")
    if kb:
        from console.kb import seed_starter_kb

        seed_starter_kb(store)
    with write_transaction(store.engine) as conn:
        set_published_operators(conn, [{"operator": "A07", "name": "孙", "roles": "agent",
                                        "verifier": make_verifier(PASSWORD)}])
    store.close()


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def wait_for(session: str, text: str, timeout: float = 10.0) -> str:
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = tmux("capture-pane", "-p", "-t", session)
        if text in screen:
            return screen
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not on screen after {timeout}s:\n{screen}")


def test_record_an_order_with_keystrokes_only(tmp_path):
    seat_with_agent(tmp_path)
    session = f"hotline-e2e-{tmp_path.name}"[:60]
    start_console(session, tmp_path)
    try:
        wait_for(session, "上岗登录")
        wait_for(session, "本机坐席：S09")

        keys = typist(session)

        keys("A07", "Enter", PASSWORD, "Enter")
        wait_for(session, "A07（受理坐席）")
        keys("孙", "Tab", "Right", "Enter", "Tab", "13912345678")
        wait_for(session, "✓ 手机 13912345678")
        keys("M-y")  # Alt+Y in a text field: the action, not a "y" typed into the number
        wait_for(session, "暂无来电历史")
        keys("Tab", "建设路12号", "Tab", "建设路12号楼下饭店油烟很大，一个多月了")
        keys("Tab", "ts", "Enter", "Tab", "hjws", "Enter")
        keys("F5")
        screen = wait_for(session, "受理编号 ")
        number = screen.split("受理编号 ", 1)[1].split()[0]
    finally:
        tmux("kill-session", "-t", session)
    store = Store.open(tmp_path)
    try:
        state = store.get(number)
        assert state is not None, number
        assert (state.caller_name, state.caller_title, state.phone) == ("孙", "女士", "13912345678")
        assert state.address == "建设路12号" and state.description.startswith("建设路12号楼下饭店油烟很大")
        assert state.nature == "投诉" and state.content_path == ["城建环保", "环境卫生"]
        assert state.status.value == "pending_dispatch" and state.intake_operator == "A07"
    finally:
        store.close()


def running(session: str) -> bool:
    """The tmux session is still there (tmux answers non-zero once no session is left)."""
    listed = subprocess.run(["tmux", "list-sessions", "-F", "#{session_name}"], capture_output=True, text=True)
    return session in listed.stdout.split()


def test_keys_never_drop_a_call_at_100_columns(tmp_path):
    """In a real terminal at 100x30: the footer keeps F10, F8 and F10 ask during a call (Esc keeps
    it), F6 inside 问题描述 switches desk and the words are still there, F10 twice quits with the
    draft kept."""
    import json

    seat_with_agent(tmp_path)
    session = f"hotline-e2e-keys-{tmp_path.name}"[:60]
    start_console(session, tmp_path, 100, 30)

    keys = typist(session)

    try:
        wait_for(session, "本机坐席：S09")
        keys("A07", "Enter", PASSWORD, "Enter")
        wait_for(session, "A07（受理坐席）")
        assert "F10 退出" in wait_for(session, "F8 新来电")
        keys("孙", "Tab", "Tab", "Tab", "Tab", "井盖丢了")  # 来电人 → 先生/女士 → 联系电话 → 地址 → 问题描述
        keys("F8")
        wait_for(session, "开始新来电吗？")
        keys("Escape")
        keys("F6")
        wait_for(session, "待回访")
        keys("F2")
        screen = wait_for(session, "井盖丢了")
        assert "来电人 孙" in screen
        keys("F10")
        wait_for(session, "确定退出吗？")
        keys("F10")
        deadline = time.monotonic() + 10
        while running(session) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not running(session)  # F10 again quit: the console's process ended its session
    finally:
        if running(session):
            tmux("kill-session", "-t", session)
    draft = json.loads((tmp_path / "drafts" / "intake-A07.json").read_text(encoding="utf-8"))
    assert draft["caller_name"] == "孙" and draft["description"] == "井盖丢了"


TEXT_FREE = {"Tab", "BTab", "Enter", "Escape", "Space", "Up", "Down", "Left", "Right"}


def non_text(item: str) -> bool:
    """A key that is not typing: Tab, Enter, arrows, Esc, Space, F-keys, Alt+letter (M-x)."""
    return item in TEXT_FREE or item.startswith("M-") or (item[:1] == "F" and item[1:].isdigit())


def test_a_standard_transfer_order_takes_at_most_ten_non_text_keys(tmp_path):
    """Caller, title, phone, address, description, nature, content class, transfer (the preset),
    pressing only the keys docs/keyboard.md names, in its field order; every key is counted."""
    seat_with_agent(tmp_path)
    session = f"hotline-e2e-count-{tmp_path.name}"[:60]
    start_console(session, tmp_path)
    counted: list[str] = []

    keys = typist(session, counted)

    try:
        wait_for(session, "本机坐席：S09")
        for item in ("A07", "Enter", PASSWORD, "Enter"):  # signing in is not part of the order
            tmux("send-keys", "-t", session, item)
            time.sleep(0.3)
        wait_for(session, "A07（受理坐席）")
        keys("周", "Tab", "Enter", "Tab", "13712345678", "Tab", "人民路5号", "Tab", "人民路5号门口的井盖丢了，很危险")
        keys("Tab", "ts", "Enter", "Tab", "hjws", "Enter", "F5")
        screen = wait_for(session, "受理编号 ")
        number = screen.split("受理编号 ", 1)[1].split()[0]
    finally:
        tmux("kill-session", "-t", session)
    assert len(counted) <= 10, counted
    store = Store.open(tmp_path)
    try:
        state = store.get(number)
        assert state is not None and (state.caller_name, state.caller_title) == ("周", "先生")
        assert state.nature == "投诉" and state.content_path == ["城建环保", "环境卫生"]
        assert state.disposition == "transfer" and state.status.value == "pending_dispatch"
    finally:
        store.close()


def test_a_kb_direct_answer_takes_at_most_four_keys_after_the_query(tmp_path):
    """Issue 17: after the caller's question is typed as the description, Alt+K shows the articles
    for it, Alt+A takes the first as the answer (the nature 咨询 and the article's content class
    come with it, R-03/R-10), F5 saves: 3 keys."""
    seat_with_agent(tmp_path, kb=True)
    session = f"hotline-e2e-kb-{tmp_path.name}"[:60]
    start_console(session, tmp_path)
    counted: list[str] = []

    keys = typist(session)

    try:
        wait_for(session, "本机坐席：S09")
        keys("A07", "Enter", PASSWORD, "Enter")
        wait_for(session, "A07（受理坐席）")
        keys("孙", "Tab", "Enter", "Tab", "13912345678", "Tab", "建设路12号", "Tab", "请问住房公积金怎么提取")
        for key, then in (("M-k", "住房公积金提取条件和办理方式"), ("M-a", "知识库条目："), ("F5", "受理编号 ")):
            keys(key)
            counted.append(key)
            screen = wait_for(session, then)
        number = screen.split("受理编号 ", 1)[1].split()[0]
    finally:
        tmux("kill-session", "-t", session)
    assert len(counted) <= 4, counted
    store = Store.open(tmp_path)
    try:
        state = store.get(number)
        assert state.disposition == "direct_answer" and state.kb_article == "KB-C01-019"
        assert state.nature == "咨询" and state.content_path == ["城建环保", "住房公积金"]
        assert state.answer.startswith("以下情形可以提取住房公积金")
    finally:
        store.close()


def test_signing_in_typed_ahead_in_one_burst(tmp_path):
    """Issue 11/17: id, Enter, password, Enter sent in one write (a fast typist, a paste): the
    password lands in its field, not in the id, and the agent is signed in."""
    seat_with_agent(tmp_path)
    session = f"hotline-e2e-burst-{tmp_path.name}"[:60]
    start_console(session, tmp_path)
    try:
        wait_for(session, "本机坐席：S09")
        tmux("send-keys", "-t", session, "A07", "Enter", PASSWORD, "Enter")
        wait_for(session, "A07（受理坐席）")
    finally:
        tmux("kill-session", "-t", session)
