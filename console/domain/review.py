"""R-20: the recording standard an order must meet before it is forwarded to a unit."""

from __future__ import annotations

from typing import Any

from console.domain.phone import PhoneError, normalise_phone
from console.domain.privacy import is_keyed

MIN_DESCRIPTION_CHARS = 10
TITLES = ("先生", "女士")


def recording_gaps(order: Any) -> list[str]:
    """What is missing or wrong, in the words the review panel shows (empty = meets the standard).

    `order` is anything with the OrderState field names (an OrderState or a projection row).
    """
    gaps: list[str] = []
    if not (order.caller_name or "").strip():
        gaps.append("联系人")
    if order.caller_title not in TITLES:
        gaps.append("称谓（先生/女士）")
    if not is_keyed(order.phone):  # a confidential caller's phone, held as its keyed hash
        try:
            normalise_phone(order.phone)
        except PhoneError:
            gaps.append("联系电话")
    if not order.content_path:
        gaps.append("内容分类")
    if not order.nature:
        gaps.append("性质分类")
    if order.reply_wanted and not (order.reply_method or "").strip():
        gaps.append("回复信息（回复方式）")
    if len((order.description or "").strip()) < MIN_DESCRIPTION_CHARS:
        gaps.append(f"问题描述（至少{MIN_DESCRIPTION_CHARS}字）")
    if not (order.address or "").strip():
        gaps.append("单位或地址")
    return gaps
