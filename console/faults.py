"""Named crash points for the fault tests: `HOTLINE_FAULTS=push.before_commit,...` makes the
process kill itself with SIGKILL (no cleanup, no flush: the same as kill -9) when it gets there.
Costs one dict lookup when unset."""

from __future__ import annotations

import os
import signal

POINTS = (
    "centre.push.before_commit",  # the centre has applied the batch but not committed
    "centre.push.after_commit",  # committed, the reply not sent
    "seat.pull.mid_write",  # the seat has written part of a pulled batch, not committed
    "seat.push.mid_write",  # the seat is recording the centre's answers, not committed
)


def fault_point(name: str) -> None:
    armed = os.environ.get("HOTLINE_FAULTS")
    if armed and name in armed.split(","):
        os.kill(os.getpid(), signal.SIGKILL)
