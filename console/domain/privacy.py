"""Who sees which caller field (R-02; 个人信息保护法 art. 51: access by role, de-identification).

The one policy: screens, the CLI, exports and the centre's feeds ask it before a caller's name or
phone leaves the store.

- A confidential caller's name and phone are seen only by the intake role (受理坐席), who took the
  call; every other role, the units, reports and exports see neither, and they cannot be revealed.
- Other callers: units see name and phone (they must reply); dispatchers, leads, callback agents
  and the supervisors see the name and the phone masked (138****5678) until they reveal it.
- A confidential caller's name and phone leave the intake seat only as keyed hashes
  (`for_centre`): the centre, other seats and every feed hold `h:` + 32 hex digits, enough for
  the caller-history lookup by phone on a seat that holds the hotline's key, and nothing more.
- The public (Open311 clients, issue 14) never sees a caller's name or phone; of a confidential
  caller's order it sees neither the address nor the text; in other orders' text every run of
  seven or more digits (a phone, an ID card) is masked.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from console.domain.roles import Role


class CallerField(StrEnum):
    NAME = "caller_name"
    PHONE = "phone"


class Sight(StrEnum):
    FULL = "full"
    MASKED = "masked"  # shown masked; revealable with a reason
    HIDDEN = "hidden"  # never shown to this role


# Who may see what of a caller who did not ask for confidentiality; None is a report or export.
_OPEN: dict[Role | None, dict[CallerField, Sight]] = {
    Role.AGENT: {CallerField.NAME: Sight.FULL, CallerField.PHONE: Sight.FULL},
    Role.UNIT: {CallerField.NAME: Sight.FULL, CallerField.PHONE: Sight.FULL},
    Role.DISPATCHER: {CallerField.NAME: Sight.FULL, CallerField.PHONE: Sight.MASKED},
    Role.LEAD: {CallerField.NAME: Sight.FULL, CallerField.PHONE: Sight.MASKED},
    Role.CALLBACK: {CallerField.NAME: Sight.FULL, CallerField.PHONE: Sight.MASKED},
    Role.SUPERVISOR: {CallerField.NAME: Sight.FULL, CallerField.PHONE: Sight.MASKED},
    Role.SYSTEM: {CallerField.NAME: Sight.HIDDEN, CallerField.PHONE: Sight.HIDDEN},
    None: {CallerField.NAME: Sight.FULL, CallerField.PHONE: Sight.MASKED},
}

CONFIDENTIAL_TEXT = "（保密）"


def sight(role: Role | None, field: CallerField, confidential: bool) -> Sight:
    """How `role` (None: a report or an export) sees `field` of a caller."""
    if confidential:
        return Sight.FULL if role == Role.AGENT else Sight.HIDDEN
    return _OPEN[role][field]


def mask_phone(phone: str) -> str:
    """138****5678: the first three and last four digits; a short number is masked whole."""
    digits = phone or ""
    if len(digits) <= 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def shown(role: Role | None, field: CallerField, value: str, confidential: bool, revealed: bool = False) -> str:
    """`value` as `role` may see it: itself, masked (unless revealed), or the confidential mark."""
    seen = sight(role, field, confidential)
    if seen is Sight.HIDDEN or is_keyed(value):
        return CONFIDENTIAL_TEXT
    if seen is Sight.MASKED and not revealed and field is CallerField.PHONE:
        return mask_phone(value)
    return value or ""


def may_reveal(role: Role | None, field: CallerField, confidential: bool) -> bool:
    return sight(role, field, confidential) is Sight.MASKED


def redact_payload(role: Role | None, payload: Mapping[str, Any], confidential: bool) -> dict[str, Any]:
    """An event's payload as `role` may see it (the name and phone fields of created/amended)."""
    out = dict(payload)
    for field in CallerField:
        if field.value in out and out[field.value]:
            out[field.value] = shown(role, field, str(out[field.value]), confidential)
    return out


# Revealing a masked field takes one of these reasons, or a typed one up to REVEAL_REASON_MAX.
REVEAL_REASONS = ("回访需拨打来电人电话", "核实来电人身份", "承办单位需联系来电人", "督办核查")
REVEAL_REASON_MAX = 100
FIELD_LABELS = {CallerField.NAME: "姓名", CallerField.PHONE: "电话"}


# -- confidential callers leave the intake seat as keyed hashes ---------------------------------

_KEYED = re.compile(r"h:[0-9a-f]{32}")


def is_keyed(value: object) -> bool:
    """A keyed hash that stands for a confidential caller's name or phone."""
    return isinstance(value, str) and _KEYED.fullmatch(value) is not None


def keyed_hash(key: str, value: str) -> str:
    """HMAC-SHA256 of `value` under the hotline's key (hex), as `h:` + 32 hex digits."""
    digest = hmac.new(bytes.fromhex(key), value.encode("utf-8"), hashlib.sha256).hexdigest()
    return "h:" + digest[:32]


def phone_hash(key: str, phone: str) -> str:
    """The keyed hash of a phone by its caller key, so 138-1234-5678 and 13812345678 agree."""
    from console.domain.phone import caller_key

    return phone if is_keyed(phone) else keyed_hash(key, caller_key(phone))


def for_centre(payload: Mapping[str, Any], confidential: bool, key: str) -> dict[str, Any]:
    """An event's payload as it may leave the intake seat: a confidential caller's name and phone
    replaced by their keyed hashes (the seat keeps them whole in its own store)."""
    out = dict(payload)
    if not confidential:
        return out
    phone = out.get(CallerField.PHONE.value)
    if isinstance(phone, str) and phone.strip():
        out[CallerField.PHONE.value] = phone_hash(key, phone)
    name = out.get(CallerField.NAME.value)
    if isinstance(name, str) and name.strip() and not is_keyed(name):
        out[CallerField.NAME.value] = keyed_hash(key, "name:" + name.strip())
    return out


# -- the public (Open311) ----------------------------------------------------------------------

_DIGIT_RUN = re.compile(r"\d{7,}[Xx]?")


def public_text(text: str) -> str:
    """Free text as the public may see it: phone and ID-card-like digit runs masked."""
    return _DIGIT_RUN.sub(lambda m: mask_phone(m.group()), text or "")


def public_order(description: str, address: str, confidential: bool) -> tuple[str, str]:
    """(description, address) of an order as the public may see them (R-02 for confidential callers)."""
    if confidential:
        return CONFIDENTIAL_TEXT, ""
    return public_text(description), public_text(address)
