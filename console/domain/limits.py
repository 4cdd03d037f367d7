"""The limit of every field of an event: lengths, characters, ranges. Pure: no I/O.

decide() checks them on the seat and again at the centre, so a seat never records what the centre
cannot store, and the centre's columns are sized from the same numbers (console/centre/db.py).
Free text may hold newlines and tabs; every other text is one line. No text may hold a lone
surrogate (it cannot be written as UTF-8) or any other control character.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

# The envelope: who, which order, which kind.
ID_MAX = 40
ORDER_MAX = 64
KIND_MAX = 40
OPERATOR_MAX = 64
SEAT_MAX = 32
UNIT_MAX = 32
STAMP_MAX = 32  # at, recorded_at, hlc as text: 2026-11-27T09:00:00.123456+08:00 is 32

# The whole payload as JSON, fields this code does not know included.
PAYLOAD_MAX_CHARS = 16_000
PAYLOAD_MAX_DEPTH = 4  # {"attempts": [{"outcome": "busy"}]} is 3 deep
PAYLOAD_MAX_NODES = 1_000

FREE_TEXT: dict[str, int] = {  # multi-line fields
    "description": 4000, "answer": 4000, "reply": 4000, "notes": 4000, "text": 4000,
    "channel_text": 4000, "reason": 2000, "note": 2000, "summary": 2000, "instruction": 2000, "words": 2000,
}
LINE_TEXT: dict[str, int] = {  # one-line fields; any other text field gets LINE_DEFAULT
    "caller_name": 40, "caller_title": 8, "phone": 40, "address": 200, "nature": 20, "reply_method": 20,
    "disposition": 20, "complexity": 16, "call_time": STAMP_MAX, "kb_article": 64, "trainee_no": 8,
    "unit": UNIT_MAX, "lead_unit": UNIT_MAX, "notice_no": 64, "number": 40, "target": ORDER_MAX,
    "department": 100, "outcome": 20, "result": 20, "ground": 20, "channel": 20, "channel_message_id": 64,
    "original_id": 48, "taken_at": STAMP_MAX, "replied_at": STAMP_MAX, "closed_at": STAMP_MAX, "title": 200,
    "source": 200, "call_id": 64,
}
LINE_DEFAULT = 200
LIST_ITEMS: dict[str, tuple[int, int]] = {  # list field -> (most items, longest item text)
    "content_path": (8, 40), "assist_units": (20, UNIT_MAX), "attempts": (20, 200),
    "call_log": (20, 40),  # console/domain/call_log.py CALL_LOG_MAX marks of a call
    "marks": (20, 40),  # call_ended: the marks after the save, as many as call_log
}
LIST_DEFAULT = (20, LINE_DEFAULT)
ATTEMPT_KEYS = 8  # keys of one three-way attempt record
INT_RANGE: dict[str, tuple[int, int]] = {"transfers": (0, 100), "days": (0, 365), "fence": (0, 2**62), "limit_days": (0, 120),
             "seconds": (0, 86_400)}  # call_ended: a call's length
INT_DEFAULT = (-(2**31), 2**31 - 1)

Problem = tuple[str, str]  # (code, reason in Chinese)

# Unicode's Cc (U+0000-001F, U+007F-009F) and Cs (lone surrogates) as character classes: a text
# holding none of them is passed in one regex scan, not a category lookup per character (long
# complaint texts at import time, issue 14).
_CC_OR_CS = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_NUL_OR_CS = re.compile("[\x00\ud800-\udfff]")


def text_problem(name: str, value: str, limit: int, multiline: bool = False) -> Problem | None:
    """A text over its limit, or holding a character no store can keep as it is."""
    if len(value) > limit:
        return "too_long", f"字段 {name} 过长（{len(value)} 字，最多 {limit} 字）"
    if _CC_OR_CS.search(value) is None:
        return None
    for ch in value:
        if ch in "\n\t" and multiline:
            continue
        category = unicodedata.category(ch)
        if category == "Cs":
            return "bad_char", f"字段 {name} 含有无法保存的字符"
        if category == "Cc":
            return "control_char", f"字段 {name} 含有控制字符（U+{ord(ch):04X}）"
    return None


def raw_problem(data: Mapping[str, Any]) -> Problem | None:
    """The payload as sent, before it is typed: size, depth and characters of every value, fields
    this code ignores included (the stored JSON keeps them)."""
    stack: list[tuple[object, int]] = [(data, 1)]
    chars = nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if depth > PAYLOAD_MAX_DEPTH or nodes > PAYLOAD_MAX_NODES:
            return "too_large", "事件内容层次过深或项目过多"
        if isinstance(value, Mapping):
            for key, item in value.items():
                if not isinstance(key, str):
                    return "payload", "事件内容的字段名应为文字"
                chars += len(key)
                stack.append((item, depth + 1))
        elif isinstance(value, list):
            stack.extend((item, depth + 1) for item in value)
        elif isinstance(value, str):
            chars += len(value)
            if _NUL_OR_CS.search(value) is not None:
                return "bad_char", "事件内容含有无法保存的字符"
        else:
            chars += 8
        if chars > PAYLOAD_MAX_CHARS:
            return "too_large", f"事件内容过长（最多 {PAYLOAD_MAX_CHARS} 字）"
    return None


def _line(name: str, value: object, limit: int, required: bool = False) -> Problem | None:
    if not isinstance(value, str):
        return "envelope", f"{name} 应为文字"
    if required and not value:
        return "envelope", f"缺少 {name}"
    return text_problem(name, value, limit)


def order_number_problem(number: object) -> Problem | None:
    """An order number any store can look up (asked before the order is read)."""
    return _line("工单编号", number, ORDER_MAX)


def envelope_problem(order: object, kind: object, operator: object, seat: object, unit: object,
                     event_id: object = "") -> Problem | None:
    """The fields every event carries besides its payload."""
    return (_line("事件编号", event_id, ID_MAX) or order_number_problem(order)
            or _line("事件类型", kind, KIND_MAX, required=True)
            or _line("操作员", operator, OPERATOR_MAX, required=True) or _line("坐席", seat, SEAT_MAX)
            or (None if unit is None else _line("单位", unit, UNIT_MAX)))


def payload_problem(payload: Any) -> Problem | None:
    """Every field of a typed payload (a dataclass of console.domain.payloads) within its limit."""
    for f in dataclasses.fields(payload):
        bad = _field_problem(f.name, getattr(payload, f.name))
        if bad:
            return bad
    return None


def _field_problem(name: str, value: object) -> Problem | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str):
        if name in FREE_TEXT:
            return text_problem(name, value, FREE_TEXT[name], multiline=True)
        return text_problem(name, value, LINE_TEXT.get(name, LINE_DEFAULT))
    if isinstance(value, int):
        low, high = INT_RANGE.get(name, INT_DEFAULT)
        if not low <= value <= high:
            return "out_of_range", f"字段 {name} 应在 {low} 至 {high} 之间"
        return None
    if isinstance(value, list):
        most, longest = LIST_ITEMS.get(name, LIST_DEFAULT)
        if len(value) > most:
            return "too_many", f"字段 {name} 最多 {most} 项"
        for item in value:
            bad = _item_problem(name, item, longest)
            if bad:
                return bad
        return None
    return "payload", f"字段 {name} 类型不对"


def _item_problem(name: str, item: object, longest: int) -> Problem | None:
    if isinstance(item, Mapping):  # a three-way attempt: {"at", "number", "outcome", ...}
        if len(item) > ATTEMPT_KEYS:
            return "too_many", f"字段 {name} 的一项最多 {ATTEMPT_KEYS} 个字段"
        for key, value in item.items():
            bad = _line(f"{name}.{key}", key, 32) or (
                None if value is None or isinstance(value, (bool, int)) else _line(f"{name}.{key}", value, longest))
            if bad:
                return bad
        return None
    return _line(name, item, longest)
