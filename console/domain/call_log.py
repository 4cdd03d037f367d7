"""What the console itself knows about a call, recorded with the order it produced (the `created`
payload's `call_log`, and the `call_ended` event's marks made after the save: console/domain/
call_marks.py), and what it tells the quality inspector before they listen. Pure.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from console.domain.call_marks import CALL_LOG_MAX, MARKS, Mark, marks_of
from console.domain.figures import ANSWER_IN_TIME_SECONDS, CallRecord
from console.domain.payloads import CallEnded, Created
from console.domain.phrasing import PHRASE_LABELS
from console.domain.qa import SILENCE_SECONDS, Checklist, Finding

__all__ = ["CALL_LOG_MAX", "MARKS", "Mark", "RecordedCall", "hold_gaps", "marks_of", "recorded_call", "scan_recorded",
           "timeline"]


@dataclass(frozen=True)
class RecordedCall:
    """Everything the console recorded of one call: its marks in time order and, once the call
    ended after the save, its length in seconds (None: the call_ended event never came)."""

    marks: list[Mark]
    seconds: int | None = None


def recorded_call(created: Created, ended: Iterable[CallEnded] = ()) -> RecordedCall:
    """The order's `call_log` and the marks of its `call_ended` event(s), on one clock (seconds
    since the form started): what the quality inspection reads of the call."""
    raw = list(created.call_log)
    seconds: int | None = None
    for e in ended:
        raw += e.marks
        seconds = max(seconds or 0, e.seconds)
    return RecordedCall(marks_of(raw), seconds)


_WORDS = {"shown": "显示{}", "picked": "选用{}", "said": "已说{}", "hold_on": "开始保持", "hold_off": "结束保持",
          "hold_said": "已说稍等语"}


def timeline(call: RecordedCall) -> str:
    """The call as the console saw it, in words, for the inspector beside the findings
    ("00:00 显示问候 · 00:04 已说问候 · … · 通话 03:15"); "" when nothing was recorded."""
    parts = [f"{_at(m.t)} " + _WORDS[m.what].format(PHRASE_LABELS.get(m.key, (m.key, ""))[0]) for m in call.marks]
    if call.seconds is not None:
        parts.append(f"通话 {_at(call.seconds)}")
    return " · ".join(parts)


def _at(seconds: float) -> str:
    return f"{int(seconds) // 60:02d}:{int(seconds) % 60:02d}"


def hold_gaps(marks: Sequence[Mark], call_end: int | None = None) -> list[tuple[int, int]]:
    """R-42: each stretch of a hold longer than 30 s without the hold phrase confirmed, as (from,
    seconds). A hold still on at the end of the log runs to `call_end` (or the last mark)."""
    gaps: list[tuple[int, int]] = []
    since: int | None = None
    end = call_end if call_end is not None else (marks[-1].t if marks else 0)
    for m in marks:
        if m.what == "hold_on" and since is None:
            since = m.t
        elif m.what in ("hold_said", "hold_off") and since is not None:
            if m.t - since > SILENCE_SECONDS:
                gaps.append((since, m.t - since))
            since = m.t if m.what == "hold_said" else None
    if since is not None and end - since > SILENCE_SECONDS:
        gaps.append((since, end - since))
    return gaps


def scan_recorded(checklist: Checklist, created: Created, call: CallRecord | None = None,
                  ended: Sequence[CallEnded] = ()) -> list[Finding]:
    """Findings from what the console recorded of the call (source "console"): a hold over 30 s
    without the hold phrase confirmed (R-42), forbidden phrases the form warned about (R-44), no
    caller surname on the order (R-41), and the form started more than 15 s after the call was
    offered (M-02), from the call record. The opening and closing lines are never findings from a
    missing confirmation (an agent may say them and not press the key): the timeline shows them."""
    out: list[Finding] = []
    recorded = recorded_call(created, ended)
    marks = recorded.marks
    gaps = hold_gaps(marks, recorded.seconds)
    if gaps:
        start, length = gaps[0]
        out.append(Finding("wait_prompt", f"{_at(start)} 起保持 {length} 秒未确认说稍等语（R-42，共 {len(gaps)} 处）", "console"))
    if created.phrasing_warnings:
        typed = list(created.phrasing_warnings)
        for item in checklist.items:
            hit = next((p for w in typed for p in item.phrases if p in w), None) if item.prefill == "phrases" else None
            if hit:
                out.append(Finding(item.code, f"受理时输入了“{hit}”，系统已提示（R-44）", "console"))
    if not created.caller_name.strip() and not created.confidential:
        shown = any(m.what == "shown" and m.key == "ask_surname" for m in marks)
        out.append(Finding("surname", "工单未记录来电人姓氏" + ("（界面已提示询问）" if shown else ""), "console"))
    if call is not None and created.call_time:
        try:
            form = datetime.fromisoformat(created.call_time)
        except ValueError:
            form = None
        if form is not None and (form - call.offered_at).total_seconds() > ANSWER_IN_TIME_SECONDS:
            waited = int((form - call.offered_at).total_seconds())
            out.append(Finding("late_answer", f"来电 {call.offered_at:%H:%M:%S} 呼入，{waited} 秒后才开始受理（M-02：15 秒）",
                               "console"))
    return out
