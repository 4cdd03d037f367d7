"""The data dir's log: failures go in, phone numbers, ID numbers and tokens do not."""

from __future__ import annotations

from console.log import log, setup_logging


def test_the_log_masks_personal_data_and_tokens_in_messages_and_tracebacks(tmp_path):
    path = setup_logging(tmp_path, "seat")
    try:
        raise ValueError("caller 13912345678 id 11010519491231002X")
    except ValueError:
        log("test").exception("push failed with Authorization: Bearer s3cr3t-T0ken.abc")
    text = path.read_text(encoding="utf-8")
    assert "push failed" in text and "ValueError" in text
    for secret in ("13912345678", "11010519491231002X", "s3cr3t-T0ken.abc"):
        assert secret not in text
    assert "139****" in text and "Bearer [token]" in text
