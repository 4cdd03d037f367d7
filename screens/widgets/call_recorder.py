"""Records what the console knows of a call as it happens (console/domain/call_log.py): the
phrasing panel's lines, holds and hold phrases confirmed, and the lines the agent picked. The
marks go into the order's `created` payload when it is saved, for the quality inspection."""

from __future__ import annotations

from collections.abc import Callable

from console.domain.call_log import CALL_LOG_MAX, Mark


class CallRecorder:
    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.started = clock()
        self.marks: list[Mark] = []

    def start(self) -> None:
        self.started = self.clock()
        self.marks = []

    def mark(self, what: str, key: str = "") -> None:
        if len(self.marks) >= CALL_LOG_MAX:
            return  # a very long call: the first marks are kept (the payload's limit)
        if what == "shown" and self.marks and self.marks[-1].what == "shown" and self.marks[-1].key == key:
            return  # the same line again (a refresh): one mark
        self.marks.append(Mark(int(self.clock() - self.started), what, key))

    def entries(self) -> list[dict[str, object]]:
        return [m.as_dict() for m in self.marks]
