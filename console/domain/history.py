"""Orders brought in from another system's history (`hotline orders import`, issue 14): what an
`imported` event must hold, and its times. Pure: no I/O.

An imported order is taken as its record says (closed or open, replied or not); it is never
judged against this console's deadlines for what happened before it arrived (console/domain/
schedule.py skips anchors older than `OrderState.imported_at`). History may hold callers who gave
no name or number, so the intake's caller rules (R-01) do not apply to it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from console.domain.channels import channel_problem
from console.domain.payloads import Imported
from console.domain.review import TITLES

Problem = tuple[str, str]  # (code, reason in Chinese)


# 2019/4/25 9:32:09, 2019-04-25, 2019-04-25T09:32: how older systems write a wall-clock time
_LOOSE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def history_time(text: str) -> datetime:
    """A record's time: ISO 8601 China wall time (or with / and unpadded numbers, as older systems
    export it), a date alone meaning its midnight; ValueError else (a zone included)."""
    raw = text.strip()
    loose = _LOOSE.fullmatch(raw)
    if loose:
        year, month, day, hour, minute, second = (int(part or 0) for part in loose.groups())
        return datetime(year, month, day, hour, minute, second)
    value = datetime.fromisoformat(raw)
    if value.tzinfo is not None:
        raise ValueError("带时区的时间")
    return value


def _time_problem(name: str, label: str, text: str, taken: datetime | None, now: datetime) -> Problem | None:
    if not text:
        return None
    try:
        value = history_time(text)
    except ValueError:
        return name, f"{label}格式不对：{text[:40]}（应为 2020-09-03 或 2020-09-03 14:30:00，北京时间）"
    if value >= now:  # what happened here since is judged from the import on (schedule.py)
        return name, f"{label}不早于导入时间：{text}"
    if taken is not None and value < taken:
        return name, f"{label}早于受理时间：{text}"
    return None


def import_problems(p: Imported, now: datetime, natures: Sequence[str], channels: Iterable[str] | None,
                    valid_content_path: Callable[[list[str]], bool] | None = None,
                    unit_codes: frozenset[str] | None = None) -> list[Problem]:
    """Every problem of a historical order (empty: it may be recorded), in the record's order."""
    out: list[Problem] = []
    if not p.original_id.strip():
        out.append(("original_id", "缺少原工单编号"))
    taken: datetime | None = None
    bad = _time_problem("taken_at", "受理时间", p.taken_at, None, now)
    if bad or not p.taken_at:
        out.append(bad or ("taken_at", "缺少受理时间"))
    else:
        taken = history_time(p.taken_at)
    bad_channel = channel_problem(p.channel, "", channels)
    if bad_channel:
        out.append(bad_channel)
    if not (p.description.strip() or p.title.strip()):
        out.append(("description", "缺少诉求内容"))
    if p.nature and p.nature not in natures:
        out.append(("nature", f"性质分类“{p.nature}”不在配置的分类中"))
    if p.content_path and valid_content_path is not None and not valid_content_path(list(p.content_path)):
        out.append(("content", f"内容分类“{'/'.join(p.content_path)}”不在分类表中"))
    if p.caller_title and p.caller_title not in TITLES:
        out.append(("caller_title", "称谓应为先生或女士"))
    if p.unit and unit_codes is not None and p.unit not in unit_codes:
        out.append(("unit", f"未知的承办单位：{p.unit}"))
    for name, label, text in (("replied_at", "答复时间", p.replied_at), ("closed_at", "办结时间", p.closed_at)):
        bad = _time_problem(name, label, text, taken, now)
        if bad:
            out.append(bad)
    if p.replied_at and not p.reply.strip():
        out.append(("reply", "有答复时间却没有答复内容"))
    if p.closed_at and not p.closed:
        out.append(("closed", "未办结的工单不应有办结时间"))
    return out
