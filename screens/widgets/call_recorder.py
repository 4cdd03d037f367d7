"""Records what the console knows of a call as it happens (console/domain/call_marks.py): the
phrasing panel's lines, the lines the agent confirmed saying, holds and hold phrases confirmed,
and the lines the agent picked. The marks up to the save go into the order's `created` payload;
those after it, with the call's length, into its `call_ended` event when the call ends."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from console.domain.call_marks import CALL_LOG_MAX, Mark, marks_of


class CallRecorder:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.started = clock()
        self.marks: list[Mark] = []
        self.saved_at: int | None = None  # how many marks went into the saved order

    def start(self, elapsed: float = 0.0, marks: Iterable[Mapping[str, object]] = ()) -> None:
        """A new call; a call recovered from a draft goes on with its marks and its clock."""
        self.started = self.clock() - max(0.0, elapsed)
        self.marks = marks_of(marks)[:CALL_LOG_MAX]
        self.saved_at = None

    def seconds(self) -> int:
        return int(self.clock() - self.started)

    def mark(self, what: str, key: str = "") -> None:
        kept = self.marks if self.saved_at is None else self.marks[self.saved_at:]
        if len(kept) >= CALL_LOG_MAX:
            return  # a very long call: the first marks are kept (the payload's limit)
        if what == "shown" and self.marks and self.marks[-1].what == "shown" and self.marks[-1].key == key:
            return  # the same line again (a refresh): one mark
        self.marks.append(Mark(self.seconds(), what, key))

    def entries(self) -> list[dict[str, object]]:
        """The marks so far (the created payload's call_log, the draft's)."""
        return [m.as_dict() for m in self.marks]

    def saved(self, count: int | None = None) -> None:
        """The order is saved with its first `count` marks (all so far by default): later ones go
        into its call_ended event."""
        self.saved_at = len(self.marks) if count is None else min(count, len(self.marks))

    def later(self) -> list[dict[str, object]]:
        return [m.as_dict() for m in self.marks[self.saved_at or 0:]] if self.saved_at is not None else []
