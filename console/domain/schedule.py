"""Every deadline of one order, from the anchors in its state and the working-day calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from console.domain.calendar import WorkCalendar
from console.domain.deadlines import Deadline, callback_due, dispatch_cutoff, extended_due, unit_due
from console.domain.order import Disposition, OrderState, Status
from console.domain.settings import Rules

# Orders that never go to the dispatch queue have no R-23 cutoff.
_NO_DISPATCH = frozenset({Disposition.DIRECT_ANSWER, Disposition.NOT_ACCEPTED})


@dataclass(frozen=True)
class OrderDeadlines:
    dispatch_due: datetime | None
    unit_due: Deadline | None  # R-26 plus approved extensions
    callback_due: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "dispatch_due": self.dispatch_due.isoformat() if self.dispatch_due else None,
            "unit_due": self.unit_due.at.isoformat() if self.unit_due else None,
            "unit_due_provisional": bool(self.unit_due and self.unit_due.provisional),
            "callback_due": self.callback_due.isoformat() if self.callback_due else None,
        }


def order_deadlines(state: OrderState, calendar: WorkCalendar, rules: Rules) -> OrderDeadlines:
    dispatch = None
    history = state.imported_at  # an imported order: its intake and its past ran elsewhere (issue 14)
    if history is None and (state.disposition not in _NO_DISPATCH or state.dispatch_count):
        dispatch = dispatch_cutoff(state.created_at, rules.cutoff_mode)
    due = None
    if state.dispatched_at is not None:
        due = unit_due(state.dispatched_at, state.limit_days, calendar)
        for days in state.extension_days:
            due = extended_due(due, days, calendar)
    callback = None
    if state.callback_from is not None and state.status == Status.REPLIED and (history is None
                                                                                or state.callback_from >= history):
        callback = callback_due(state.callback_from, rules.callback_days)
    return OrderDeadlines(dispatch, due, callback)
