"""The review of a unit's reply in a store (审核反馈真实性): the quick check's findings from the
order and the unit's earlier replies, and the review itself as an event. The rules and the check
live in console.domain.reply_review; the desk (screens/dispatch_replies.py) and `hotline orders
review` ask here."""

from __future__ import annotations

from sqlalchemy import text

from console.domain.kinds import Kind
from console.domain.order import OrderState
from console.domain.reply_review import ReplyFinding, reply_findings
from console.domain.roles import Actor
from console.store.engine import read_transaction

EARLIER_REPLIES = 200  # the unit's newest replies the boilerplate check compares with


def earlier_replies(store, unit: str, number: str, limit: int = EARLIER_REPLIES) -> list[str]:
    """The unit's newest replies on its other orders (as lead unit), newest first."""
    sql = text(
        "SELECT json_extract(e.payload, '$.reply') FROM events e JOIN orders o ON o.number = e.order_no "
        "WHERE e.kind = :kind AND o.lead_unit = :unit AND e.order_no != :number "
        "ORDER BY e.at DESC LIMIT :limit")
    with read_transaction(store.engine) as conn:
        rows = conn.execute(sql, {"kind": Kind.UNIT_REPLIED.value, "unit": unit, "number": number, "limit": limit})
        return [r[0] for r in rows if isinstance(r[0], str)]


def findings_for(store, state: OrderState) -> list[ReplyFinding]:
    """The quick check of the order's reply waiting for review."""
    return reply_findings(state.description, state.reply, earlier_replies(store, state.lead_unit, state.number))


def review_event(number: str, actor: Actor, accept: bool, ground: str = "", reason: str = ""):
    """The store command that accepts the reply (on to callback) or sends it back to the unit."""
    from console.store import NewEvent

    payload = {"accept": True} if accept else {"accept": False, "ground": ground, "reason": reason}
    return NewEvent(Kind.REPLY_REVIEWED, payload, actor, number)
