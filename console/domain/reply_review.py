"""The county office's review of a unit's reply (审核反馈真实性): the grounds a reply is sent back on,
and the quick check offered to the reviewer as findings. Pure: no I/O.

The quick check reads the reply against the order and against the unit's earlier replies. Its
thresholds were measured on the 2,816 real message/reply pairs of ../shared/data (tipdm):
`bench/reply_check_eval.py` prints the figures, docs/reply-review.md quotes them. A finding is
advice: the reviewer decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

SEND_BACK_GROUNDS: dict[str, str] = {
    "vague": "答复笼统，未说明办理结果",
    "other_matter": "答非所问，未针对诉求",
    "no_visit": "称已上门或现场核实，与实际不符",
    "other": "其他（写明理由）",
}

_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
# Character pairs that every order and reply share (greetings, office words): they say nothing
# about whether the reply answers this matter.
_COMMON_PAIRS = frozenset({
    "您好", "网友", "留言", "收悉", "问题", "反映", "我们", "相关", "部门", "情况", "回复", "如下", "现将", "感谢", "支持", "关注",
    "工作", "进行", "已经", "没有", "一个", "希望", "请问", "市民", "热线", "处理", "有关", "关于", "根据", "目前", "政府", "要求",
    "规定", "单位", "的问", "的情", "了解", "调查", "核实",
})
# Openings and closings that carry no result ("已收悉" alone answers nothing).
_FORMULAS = ("网友", "您好", "你好", "留言", "已收悉", "收悉", "感谢", "谢谢", "支持", "关注", "来电", "反映的问题")
_VISIT = re.compile(r"现场|实地|上门|走访|入户|到场")

SHORT_REPLY_CHARS = 20  # Chinese characters of substance, formulas removed
# The reply shares fewer than this share of the matter's character pairs. A short matter (a
# title-like description) and a long one differ: measured on tipdm titles and full texts.
SHORT_MATTER_CHARS = 80
OFF_TOPIC_SHORT = 0.15
OFF_TOPIC_LONG = 0.05
BOILERPLATE_SIMILARITY = 0.8  # character-pair Jaccard of two replies
BOILERPLATE_REPEATS = 2  # the unit sent a near-identical reply at least this often before


@dataclass(frozen=True)
class ReplyFinding:
    code: str  # short | off_topic | boilerplate | visit_claim
    text: str  # shown to the reviewer as it is
    ground: str  # the send-back ground it points to (SEND_BACK_GROUNDS)


def pairs(text: str) -> set[str]:
    """The Chinese character pairs of a text, common office pairs left out."""
    out: set[str] = set()
    for run in _CJK_RUN.findall(text or ""):
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return out - _COMMON_PAIRS


def matter_overlap(matter: str, reply: str) -> float:
    """The share of the matter's character pairs the reply also has (1.0 for a matter without any)."""
    wanted = pairs(matter)
    return len(wanted & pairs(reply)) / len(wanted) if wanted else 1.0


def off_topic(matter: str, reply: str) -> bool:
    limit = OFF_TOPIC_SHORT if len(matter or "") <= SHORT_MATTER_CHARS else OFF_TOPIC_LONG
    return matter_overlap(matter, reply) < limit


def substance(reply: str) -> str:
    """The reply's Chinese characters without the formulas of greeting and thanks."""
    text = "".join(_CJK_RUN.findall(reply or ""))
    for formula in _FORMULAS:
        text = text.replace(formula, "")
    return text


def _similar(a: set[str], b: set[str]) -> bool:
    if not a or not b:
        return a == b
    return len(a & b) / len(a | b) >= BOILERPLATE_SIMILARITY


def repeats(reply: str, earlier: Iterable[str]) -> int:
    """How many of the unit's earlier replies are near-identical to this one."""
    mine = pairs(reply) | {substance(reply)}  # the substance keeps "已收悉"-only replies comparable
    return sum(1 for other in earlier if _similar(mine, pairs(other) | {substance(other)}))


def reply_findings(matter: str, reply: str, earlier: Iterable[str] = ()) -> list[ReplyFinding]:
    """What the reviewer should look at, each with the ground it points to (empty: nothing seen)."""
    out: list[ReplyFinding] = []
    body = substance(reply)
    if len(body) < SHORT_REPLY_CHARS:
        out.append(ReplyFinding("short", f"答复内容过于简短（去掉问候语后 {len(body)} 字），未见办理结果", "vague"))
    if off_topic(matter, reply):
        share = matter_overlap(matter, reply)
        out.append(ReplyFinding("off_topic", f"答复与诉求内容重合很少（{share:.0%}），可能答非所问", "other_matter"))
    n = repeats(reply, earlier)
    if n >= BOILERPLATE_REPEATS:
        out.append(ReplyFinding("boilerplate", f"与本单位此前 {n} 条答复基本相同（套话）", "vague"))
    visit = _VISIT.search(reply or "")
    if visit:
        out.append(ReplyFinding("visit_claim", f"答复称“{visit.group(0)}”：请核实是否属实", "no_visit"))
    return out
