"""The intake form's values -> the `created` payload, and the form's problems from the domain's
one intake check (console.domain.intake), which decide() applies too. No Textual here.
"""

from __future__ import annotations

from console.domain.channels import PHONE
from console.domain.intake import FORM_ORDER, intake_problems
from console.domain.kinds import DISPOSITION_LABELS, Kind
from console.domain.payloads import PayloadError, parse_payload, versioned
from console.domain.phone import PhoneError, normalise_phone
from console.domain.settings import DEFAULT_NATURES

DISPOSITIONS = tuple(DISPOSITION_LABELS.items())

# decide() names the field in its rejection code; two codes are older names of a field.
FIELD_OF_CODE = {**{name: name for name in FORM_ORDER}, "content_path": "content", "title": "caller_title",
                 "reply": "reply_method"}

__all__ = ["DISPOSITIONS", "DISPOSITION_LABELS", "FIELD_OF_CODE", "FORM_ORDER", "check", "payload"]


def check(f: dict, natures: tuple[str, ...] = DEFAULT_NATURES, valid_content_path=None,
          channels: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """(field, message) pairs in form order; empty when the order may be recorded."""
    try:
        created = parse_payload(Kind.CREATED, payload(f))
    except PayloadError as exc:  # a value of the wrong type cannot come from the widgets
        return [("disposition", exc.reason)]
    if not f.get("disposition"):
        return [("disposition", "请选择处置方式")]
    return intake_problems(created, natures, valid_content_path, channels)


def payload(f: dict, call_time: str = "", trainee_no: str = "") -> dict:
    """The `created` payload from the form's values (only what the disposition uses)."""
    disposition = f.get("disposition") or "transfer"
    p = {
        "channel": f.get("channel") or PHONE,
        "caller_name": (f.get("caller_name") or "").strip(),
        "caller_title": f.get("caller_title") or "",
        "phone": _normal_phone(f.get("phone") or ""),
        "address": (f.get("address") or "").strip(),
        "description": (f.get("description") or "").strip(),
        "reply_wanted": bool(f.get("reply_wanted")),
        "reply_method": (f.get("reply_method") or "").strip() if f.get("reply_wanted") else "",
        "urgent": bool(f.get("urgent")),
        "confidential": bool(f.get("confidential")),
        "disposition": disposition,
    }
    if f.get("channel_message_id"):
        p["channel_message_id"] = str(f["channel_message_id"])
    if f.get("channel_text"):
        p["channel_text"] = str(f["channel_text"])
    if f.get("staff_complaint"):
        p["staff_complaint"] = True
    if f.get("nature"):
        p["nature"] = f["nature"]
    if f.get("content_path"):
        p["content_path"] = list(f["content_path"])
    if call_time:
        p["call_time"] = call_time
    if f.get("_phrasing_warnings"):
        p["phrasing_warnings"] = list(f["_phrasing_warnings"])
    if f.get("_call_log"):
        p["call_log"] = list(f["_call_log"])
    if f.get("_call_id"):  # the telephone system's call this form was popped for (issue 14)
        p["call_id"] = str(f["_call_id"])
    if trainee_no:
        p["trainee_no"] = str(trainee_no)
    if disposition == "not_accepted":
        p["reason"] = (f.get("reason") or "").strip()
    if disposition == "direct_answer":
        p["answer"] = (f.get("answer") or "").strip()
        if f.get("kb_article"):
            p["kb_article"] = str(f["kb_article"])
    return versioned(Kind.CREATED, p)


def _normal_phone(raw: str) -> str:
    try:
        return normalise_phone(raw).number
    except PhoneError:
        return raw.strip()
