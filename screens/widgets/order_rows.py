"""Turning `orders` rows (store projection) into what the history and duplicate panels show."""

from __future__ import annotations

import json

from console.domain.order import STATUS_LABELS, Status


def status_label(row: dict) -> str:
    try:
        return STATUS_LABELS[Status(row["status"])]
    except (KeyError, ValueError):
        return str(row.get("status", ""))


def result_of(row: dict) -> str:
    """The latest result a caller asking "how is it going" should hear (R-11)."""
    try:
        state = json.loads(row.get("state") or "{}")
    except ValueError:
        state = {}
    for key, prefix in (("callback_result", "回访："), ("reply", "答复："), ("answer", "答复："),
                        ("close_reason", "办结："), ("not_accepted_reason", "不予受理："),
                        ("returned_reason", "退回：")):
        value = (state.get(key) or "").strip()
        if value:
            return prefix + value
    if row.get("merged_into"):
        return f"并入 {row['merged_into']}"
    return "办理中" if row.get("lead_unit") else "待转办"


def deadline_of(row: dict) -> str:
    due = row.get("unit_due") or row.get("dispatch_due") or row.get("callback_due") or ""
    if not due:
        return "-"
    mark = "（预估）" if row.get("unit_due_provisional") else ""
    return due[5:16].replace("T", " ") + mark
