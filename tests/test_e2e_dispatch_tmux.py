"""End to end: the real `hotline` app in tmux; a dispatcher signs in and dispatches a demo order
with keystrokes only (F4 desk, issue 5)."""

import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed")

HOTLINE = Path(sys.executable).with_name("hotline")


def _tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], check=True, capture_output=True, text=True).stdout


def _screen(session: str) -> str:
    return _tmux("capture-pane", "-p", "-t", session)


def _wait_for(session: str, pattern: str, timeout: float = 20.0) -> re.Match:
    deadline = time.monotonic() + timeout
    text = ""
    while time.monotonic() < deadline:
        text = _screen(session)
        found = re.search(pattern, text)
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{pattern!r} did not appear; screen was:\n{text}")


def _keys(session: str, *keys: str) -> None:
    for key in keys:
        _tmux("send-keys", "-t", session, key)
        time.sleep(0.15)


def test_dispatcher_dispatches_a_demo_order_with_keystrokes_only(tmp_path):
    data = tmp_path / "data"
    subprocess.run([str(HOTLINE), "--data-dir", str(data), "demo", "--seed", "11"], check=True,
                   capture_output=True, timeout=300)
    session = f"e2e-{uuid.uuid4().hex[:8]}"
    _tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "45",
          f"{HOTLINE} --data-dir {data}; sleep 30")
    subprocess.run(["tmux", "set-option", "-t", session, "window-size", "manual"], capture_output=True)
    subprocess.run(["tmux", "resize-window", "-t", session, "-x", "160", "-y", "45"], capture_output=True)
    try:
        _wait_for(session, "上岗登录")
        _keys(session, "D201", "Enter", "12345", "Enter")  # operator, the demo's password: 转办坐席 is D201's role
        _wait_for(session, r"D201（转办坐席")
        _keys(session, "F4")
        _wait_for(session, r"转办队列\s+待转办 (\d+)")
        number = _wait_for(session, r"(\d{8}-S01-\d{4})（待转办）").group(1)
        pressed = ["d", "Enter", "F2"]  # issue 17: a dispatch to the suggested unit in at most 3 keys
        _keys(session, pressed[0])
        _wait_for(session, r"拼音首字母、名称或编码")
        _keys(session, pressed[1])  # the suggested unit becomes the lead unit
        _wait_for(session, r"个工作日，办结时限 \d{4}-\d\d-\d\d")  # the time limit shows before confirming
        _keys(session, pressed[2])
        assert len(pressed) <= 3
        unit = _wait_for(session, r"已转办 1 张给 (\S+)").group(1)
        _keys(session, "F10")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    shown = subprocess.run([str(HOTLINE), "--data-dir", str(data), "orders", "show", number],
                           check=True, capture_output=True, text=True).stdout
    assert "办理中" in shown
    assert re.search(r"主办单位: U\d{3}", shown)
    assert unit
