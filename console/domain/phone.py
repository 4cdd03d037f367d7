"""Caller phone numbers: normalise mobiles and landlines (with area code and extension).

Callers are found again by the normalised number (R-11), so 138-1234-5678, +86 13812345678
and 13812345678 must all become the same key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EXT_SPLIT = re.compile(r"(?:转|分机|ext\.?|x|#)", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s\-()（）.]")


@dataclass(frozen=True)
class Phone:
    number: str  # normalised: 13812345678, 0571-88001234, 0571-88001234-123
    kind: str  # "mobile" | "landline"


class PhoneError(ValueError):
    """Message is Chinese: it is shown under the phone field."""


def normalise_phone(raw: str) -> Phone:
    text = (raw or "").strip()
    if not text:
        raise PhoneError("请填写联系电话")
    ext = ""
    parts = _EXT_SPLIT.split(text, maxsplit=1)
    if len(parts) == 2:
        text, ext = parts[0], re.sub(r"\D", "", parts[1])
        if not ext:
            raise PhoneError("分机号应为数字")
    # "0571-88001234-123": a third dash-separated group is an extension
    groups = [g for g in re.split(r"[\s\-]+", text.strip()) if g]
    if not ext and len(groups) == 3 and groups[0].startswith("0") and len(groups[2]) <= 5:
        text, ext = "-".join(groups[:2]), groups[2]
    digits = _SEPARATORS.sub("", text)
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not digits.isdigit():
        raise PhoneError("联系电话只能包含数字、空格、横线和分机号")
    if re.fullmatch(r"1[3-9]\d{9}", digits):
        if ext:
            raise PhoneError("手机号码不带分机号")
        return Phone(digits, "mobile")
    if digits.startswith("0"):
        area, local = _split_area_code(digits)
        if area and re.fullmatch(r"[2-9]\d{6,7}", local):
            number = f"{area}-{local}" + (f"-{ext}" if ext else "")
            return Phone(number, "landline")
        raise PhoneError("固定电话应为区号加7至8位号码，如 0571-88001234")
    if re.fullmatch(r"1\d*", digits):
        raise PhoneError("手机号码应为11位，以13至19开头")
    raise PhoneError("固定电话请加区号，如 0571-88001234")


def _split_area_code(digits: str) -> tuple[str, str]:
    # Three-digit area codes: 010 and 02x; the rest are four digits (0571, 0755 …).
    if digits.startswith("010") or re.match(r"02\d", digits):
        return digits[:3], digits[3:]
    return digits[:4], digits[4:]


def caller_key(raw: str) -> str:
    """The caller index key (R-11): the normalised number, the raw digits when it does not parse,
    or a confidential caller's keyed hash as it is (console/domain/privacy.py)."""
    from console.domain.privacy import is_keyed

    if is_keyed(raw):
        return raw
    try:
        return normalise_phone(raw).number
    except PhoneError:
        return "".join(ch for ch in raw or "" if ch.isdigit())
