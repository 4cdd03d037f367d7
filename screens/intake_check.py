"""Form checks per disposition, before the store's decide() (which stays the final word).

`check(fields)` returns (field, message) pairs in form order, messages in Chinese; the form shows
each under its field and keeps the focus on the first. `payload(fields)` builds the `created`
payload. `FIELD_OF_CODE` maps a decide() rejection code to the field to focus.
No Textual here.
"""

from __future__ import annotations

from console.domain.phone import PhoneError, normalise_phone
from console.domain.review import MIN_DESCRIPTION_CHARS, TITLES

DISPOSITIONS = (
    ("transfer", "转办"),
    ("direct_answer", "直接答复"),
    ("report", "呈报领导"),
    ("three_way", "三方通话"),
    ("not_accepted", "不予受理"),
)
DISPOSITION_LABELS = dict(DISPOSITIONS)
NEEDS_CALLER = ("transfer", "report", "three_way")  # worked on after the call

FIELD_OF_CODE = {
    "description": "description", "reason": "reason", "nature": "nature", "content": "content",
    "content_path": "content", "title": "caller_title", "caller_title": "caller_title", "phone": "phone",
    "reply": "reply_method", "answer": "answer", "caller_name": "caller_name", "disposition": "disposition",
}

FORM_ORDER = ("caller_name", "caller_title", "phone", "address", "description", "nature", "content",
              "reply_method", "disposition", "reason", "answer")


def check(f: dict) -> list[tuple[str, str]]:
    errors: dict[str, str] = {}
    disposition = f.get("disposition") or ""
    needs_caller = disposition in NEEDS_CALLER
    if not disposition:
        errors["disposition"] = "请选择处置方式"
    name = (f.get("caller_name") or "").strip()
    if needs_caller and not name:
        errors["caller_name"] = "请填写来电人姓名（可只填姓）"
    if needs_caller and f.get("caller_title") not in TITLES:
        errors["caller_title"] = "请选择称谓：先生或女士"
    phone = (f.get("phone") or "").strip()
    if phone:
        try:
            normalise_phone(phone)
        except PhoneError as exc:
            errors["phone"] = str(exc)
    elif needs_caller:
        errors["phone"] = "请填写联系电话"
    if needs_caller and not (f.get("address") or "").strip():
        errors["address"] = "请填写单位或地址"
    description = (f.get("description") or "").strip()
    if not description:
        errors["description"] = "请填写问题描述"
    elif needs_caller and len(description) < MIN_DESCRIPTION_CHARS:
        errors["description"] = f"问题描述至少{MIN_DESCRIPTION_CHARS}个字，写清时间、地点、诉求"
    if disposition != "not_accepted":
        if not f.get("nature"):
            errors["nature"] = "请选择性质分类（可输入拼音首字母，如 ts 投诉）"
        if not f.get("content_path"):
            errors["content"] = "请选择内容分类（可输入拼音首字母）"
    if f.get("reply_wanted") and not (f.get("reply_method") or "").strip():
        errors["reply_method"] = "来电人需要回复时，请选择回复方式"
    if disposition == "not_accepted" and not (f.get("reason") or "").strip():
        errors["reason"] = "不予受理须填写原因"
    if disposition == "direct_answer" and not ((f.get("answer") or "").strip() or f.get("kb_article")):
        errors["answer"] = "直接答复须记录答复内容或选用知识库条目"
    return [(name, errors[name]) for name in FORM_ORDER if name in errors]


def payload(f: dict, call_time: str = "", trainee_no: str = "") -> dict:
    """The `created` payload from the form's values (only what the disposition uses)."""
    disposition = f.get("disposition") or "transfer"
    p = {
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
    if f.get("nature"):
        p["nature"] = f["nature"]
    if f.get("content_path"):
        p["content_path"] = list(f["content_path"])
    if call_time:
        p["call_time"] = call_time
    if trainee_no:
        p["trainee_no"] = str(trainee_no)
    if disposition == "not_accepted":
        p["reason"] = (f.get("reason") or "").strip()
    if disposition == "direct_answer":
        p["answer"] = (f.get("answer") or "").strip()
        if f.get("kb_article"):
            p["kb_article"] = str(f["kb_article"])
    return p


def _normal_phone(raw: str) -> str:
    try:
        return normalise_phone(raw).number
    except PhoneError:
        return raw.strip()
