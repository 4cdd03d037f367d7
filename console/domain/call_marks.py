"""The marks the console makes of a call (the `created` payload's call_log, the `call_ended`
payload's marks) and their check. Pure, and free of the figures so decide() can ask it.

A mark is {"t": seconds since the form started, "what": ..., "key": ...}:
- "shown": the phrasing panel showed the line `key` (greeting, ask_surname, closing, …, R-40..R-43);
- "picked": the agent picked the line `key` from the phrase list (Alt+P) to say it;
- "said": the agent confirmed they said the panel's line `key` (Alt+H off hold);
- "hold_on" / "hold_off": the call was put on hold (F9) and taken off it;
- "hold_said": the agent confirmed the hold phrase was said (Alt+H on hold, R-42).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

MARKS = ("shown", "picked", "said", "hold_on", "hold_off", "hold_said")
CALL_LOG_MAX = 20  # marks kept per list (the payload's list limit); later ones are dropped


@dataclass(frozen=True)
class Mark:
    t: int
    what: str
    key: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"t": self.t, "what": self.what, **({"key": self.key} if self.key else {})}


def _valid(m: Mapping[str, object]) -> bool:
    t, what, key = m.get("t"), m.get("what"), m.get("key", "")
    return isinstance(t, int) and not isinstance(t, bool) and t >= 0 and what in MARKS and isinstance(key, str)


def marks_of(raw: Iterable[Mapping[str, object]]) -> list[Mark]:
    """The marks of a stored list, unknown or malformed entries left out (an older or newer
    writer's), in time order."""
    return sorted((Mark(int(m["t"]), str(m["what"]), str(m.get("key", ""))) for m in raw if _valid(m)),  # type: ignore[call-overload]
                  key=lambda m: m.t)


def ended_problem(seconds: int, marks: Iterable[Mapping[str, object]]) -> str:
    """Why a call_ended payload cannot be what a console saw ("" when it can): every mark well
    formed and within the call's length."""
    for m in marks:
        if not _valid(m):
            return "通话记录的标记格式不对"
        if int(m["t"]) > seconds:  # type: ignore[call-overload]
            return "通话记录的标记晚于通话结束"
    return ""
