"""What an event's later folds need from the rules, decided once when it is recorded and written
into its payload: the fold then reads no configuration, and a seat and the centre fold alike even
when their settings differ. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from console.domain.kinds import Kind
from console.domain.order import OrderState
from console.domain.payloads import recorded_version
from console.domain.settings import Rules


def recorded_payload(kind: str, state: OrderState | None, payload: Mapping[str, Any], rules: Rules) -> dict[str, Any]:
    """The payload as it is recorded: marked with its kind's current version (a unit reply is
    v2: reviewed before callback), and a (re)dispatch gets its R-26 time limit in working days
    (kept when the payload already names one)."""
    out = recorded_version(kind, payload)
    if kind in (Kind.DISPATCHED, Kind.REDISPATCHED) and state is not None and not out.get("limit_days"):
        complexity = out.get("complexity") or state.complexity
        if complexity in ("general", "complex"):  # anything else: decide() says why
            out["limit_days"] = rules.limit_days(state.nature, complexity)
    return out
