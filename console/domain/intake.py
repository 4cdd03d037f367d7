"""What an intake must hold (R-01..R-06, R-10..R-14, R-20), field by field.

The form shows every problem under its field; decide() refuses a `created` event with the first
one; an amendment is checked with `value_problems` on the fields it changes. One list, so an order
from `hotline events apply` or another seat meets exactly what the form asks for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime

from console.domain.channels import channel_problem
from console.domain.kinds import DISPOSITION_LABELS, NEEDS_CALLER, Disposition
from console.domain.payloads import Created
from console.domain.phone import PhoneError, normalise_phone
from console.domain.privacy import is_keyed
from console.domain.review import MIN_DESCRIPTION_CHARS, TITLES

COMPLEXITIES = ("general", "complex")

# The form's fields in the order it shows them: problems are listed, and focused, in this order.
FORM_ORDER = ("channel", "caller_name", "caller_title", "phone", "address", "description", "nature", "content",
              "reply_method", "disposition", "reason", "answer", "call_time", "complexity")

Problem = tuple[str, str]  # (form field, message in Chinese)


def value_problems(given: Mapping[str, object], natures: Sequence[str],
                   valid_content_path: Callable[[list[str]], bool] | None = None) -> list[Problem]:
    """Problems with the values given (not with what is missing): created and amended alike."""
    out: list[Problem] = []
    title = given.get("caller_title")
    if title and title not in TITLES:
        out.append(("caller_title", "称谓应为先生或女士"))
    phone = given.get("phone")
    if isinstance(phone, str) and phone.strip() and not is_keyed(phone):  # a confidential caller's hash
        try:
            normalise_phone(phone)
        except PhoneError as exc:
            out.append(("phone", str(exc)))
    nature = given.get("nature")
    if nature and nature not in natures:
        out.append(("nature", f"性质分类“{nature}”不在配置的分类中"))
    path = given.get("content_path")
    if path is not None:
        if not isinstance(path, list) or not path or not all(isinstance(x, str) and x for x in path):
            out.append(("content", "请选择内容分类（可输入拼音首字母）"))
        elif valid_content_path is not None and not valid_content_path(path):
            out.append(("content", f"内容分类“{'/'.join(path)}”不在分类表中"))
    complexity = given.get("complexity")
    if complexity is not None and complexity not in COMPLEXITIES:
        out.append(("complexity", "办理类型应为一般(general)或复杂(complex)"))
    return out


def intake_problems(p: Created, natures: Sequence[str],
                    valid_content_path: Callable[[list[str]], bool] | None = None,
                    channels: Iterable[str] | None = None) -> list[Problem]:
    """Every problem of a new order, in form order (empty = it may be recorded). `channels`: the
    configured channel names (None: not checked against a list)."""
    errors: dict[str, str] = {}
    bad_channel = channel_problem(p.channel, p.channel_message_id, channels)
    if bad_channel:
        errors[bad_channel[0]] = bad_channel[1]
    try:
        disposition: Disposition | None = Disposition(p.disposition)
    except ValueError:
        disposition = None
        errors["disposition"] = (f"未知的处置方式：{p.disposition}" if p.disposition else "请选择处置方式")
    needs_caller = disposition in NEEDS_CALLER
    if needs_caller and not p.caller_name.strip():
        errors["caller_name"] = "请填写来电人姓名（可只填姓）"
    if needs_caller and p.caller_title not in TITLES:
        errors["caller_title"] = "请选择称谓：先生或女士"
    if needs_caller and not p.phone.strip():
        errors["phone"] = "请填写联系电话"
    if needs_caller and not p.address.strip():
        errors["address"] = "请填写单位或地址"
    description = p.description.strip()
    if not description:
        errors["description"] = "请填写问题描述"
    elif needs_caller and len(description) < MIN_DESCRIPTION_CHARS:
        errors["description"] = f"问题描述至少{MIN_DESCRIPTION_CHARS}个字，写清时间、地点、诉求"
    if disposition != Disposition.NOT_ACCEPTED:
        if not p.nature:
            errors["nature"] = "请选择性质分类（可输入拼音首字母，如 ts 投诉）"
        if not p.content_path:
            errors["content"] = "请选择内容分类（可输入拼音首字母）"
        if p.reply_wanted and not p.reply_method.strip():
            errors["reply_method"] = "来电人需要回复时，请选择回复方式"
    if disposition == Disposition.NOT_ACCEPTED and not p.reason.strip():  # counted, with the reason
        errors["reason"] = "不予受理须填写原因"
    if disposition == Disposition.DIRECT_ANSWER and not (p.answer.strip() or p.kb_article):
        errors["answer"] = "直接答复须记录答复内容或选用知识库条目"
    if p.call_time:
        try:
            datetime.fromisoformat(p.call_time)
        except ValueError:
            errors["call_time"] = "来电时间格式不对"
    given = {"caller_title": p.caller_title, "phone": p.phone, "nature": p.nature, "complexity": p.complexity,
             "content_path": p.content_path or None}
    for name, message in value_problems(given, natures, valid_content_path):
        errors.setdefault(name, message)
    return [(name, errors[name]) for name in FORM_ORDER if name in errors]


__all__ = ["DISPOSITION_LABELS", "FORM_ORDER", "Problem", "intake_problems", "value_problems"]


KB_ANSWER_NATURE = "咨询"  # a caller answered from the knowledge base asked for information


def kb_answer_defaults(natures: Sequence[str], content_class: str,
                       valid_content_path: Callable[[list[str]], bool]) -> tuple[str | None, list[str] | None]:
    """What a direct answer from a KB article fills in when the agent has not chosen yet: the
    nature 咨询 (if the hotline's list has it) and the article's content class (if the taxonomy
    has it), so the answer saves without picking either by hand."""
    nature = KB_ANSWER_NATURE if KB_ANSWER_NATURE in natures else None
    path = [p for p in content_class.split("/") if p]
    return nature, (path if path and valid_content_path(path) else None)
