"""Issue 14: `hotline channels simulate` posts written messages to a real centre on loopback as a
gateway would (idempotent by message id); `hotline channels list` prints the configured list;
`hotline centre client add` enrols the gateway."""

from __future__ import annotations

from sync_support import CentreThread, new_centre

from console.centre import messages
from console.cli import main


def test_simulate_fills_the_centres_queue_once(tmp_path, capsys):
    db = str(tmp_path / "centre.db")
    centre = new_centre(db)
    try:
        assert main(["centre", "client", "add", "sim-gw", "--kind", "gateway", "--db", db]) == 0
        key = capsys.readouterr().out.strip()
        assert key.startswith("hlg_")
        with CentreThread(centre) as server:
            args = ["channels", "simulate", "--centre", server.url, "--key", key, "--count", "4"]
            assert main(args) == 0
            assert "posted 4 messages on 短信 (0 already there)" in capsys.readouterr().out
            assert main(args) == 0  # the same ids again: nothing new
            assert "posted 0 messages on 短信 (4 already there)" in capsys.readouterr().out
            assert main(["channels", "simulate", "--centre", server.url, "--key", "nope"]) == 1
            assert "401" in capsys.readouterr().err
        queued = messages.queue(centre.engine)
        assert [m["message_id"] for m in queued] == ["sim-1", "sim-2", "sim-3", "sim-4"]
        assert all(m["channel"] == "短信" and messages.reply_due(m) for m in queued)  # M-03: due the same day
    finally:
        centre.engine.dispose()


def test_channels_list_prints_the_configured_channels(capsys):
    assert main(["channels", "list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("电话") and any(line.startswith("短信") and "M-03" in line for line in out)
