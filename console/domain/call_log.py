"""What the console itself knows about a call, recorded with the order it produced (the `created`
payload's `call_log`), and what it tells the quality inspector before they listen. Pure.

A mark is {"t": seconds since the form started, "what": ..., "key": ...}:
- "shown": the phrasing panel showed the line `key` (greeting, ask_surname, closing, …, R-40..R-43);
- "picked": the agent picked the line `key` from the phrase list (Alt+P) to say it;
- "hold_on" / "hold_off": the call was put on hold (F9) and taken off it;
- "hold_said": the agent confirmed the hold phrase was said (Alt+H, R-42).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from console.domain.figures import ANSWER_IN_TIME_SECONDS, CallRecord
from console.domain.payloads import Created
from console.domain.qa import SILENCE_SECONDS, Checklist, Finding

MARKS = ("shown", "picked", "hold_on", "hold_off", "hold_said")
CALL_LOG_MAX = 20  # marks kept per call (the payload's list limit); later ones are dropped


@dataclass(frozen=True)
class Mark:
    t: int
    what: str
    key: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"t": self.t, "what": self.what, **({"key": self.key} if self.key else {})}


def marks_of(raw: Iterable[Mapping[str, object]]) -> list[Mark]:
    """The marks of a stored call log, unknown or malformed entries left out, in time order."""
    out = []
    for m in raw:
        t, what, key = m.get("t"), m.get("what"), m.get("key", "")
        if isinstance(t, int) and not isinstance(t, bool) and what in MARKS and isinstance(key, str):
            out.append(Mark(t, str(what), key))
    return sorted(out, key=lambda m: m.t)


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


def scan_recorded(checklist: Checklist, created: Created, call: CallRecord | None = None) -> list[Finding]:
    """Findings from what the console recorded of the call (source "console"): a hold over 30 s
    without the hold phrase confirmed (R-42), forbidden phrases the form warned about (R-44), no
    caller surname on the order (R-41), and the form started more than 15 s after the call was
    offered (M-02), from the call record."""
    out: list[Finding] = []
    marks = marks_of(created.call_log)
    gaps = hold_gaps(marks)
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
