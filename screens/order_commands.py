"""The store commands the intake seat issues. No Textual here: each function takes the store and
plain values and returns console.store.Recorded, so screens run them in a worker.

Two commands add a second event to the order they create (duplicate link: created +
merged_into; three-way call: created + three_way_call_logged): the second event names the order
as NEW_ORDER and the store gives it the number it allocated in the same transaction.
"""

from __future__ import annotations

from datetime import datetime

from console.domain.order import Kind
from console.domain.roles import Actor


def new_event(kind: str, payload: dict, actor: Actor, order: str = "", at: datetime | None = None):
    from console.store.store import NewEvent

    return NewEvent(kind=kind, payload=payload, actor=actor, order=order, at=at)


def record_order(store, payload: dict, actor: Actor):
    return store.record([new_event(Kind.CREATED, payload, actor)])


def record_duplicate(store, payload: dict, target: str, actor: Actor):
    """This call is the same matter as `target`: one command, created + merged_into (reversible)."""
    from console.store import NEW_ORDER

    created = new_event(Kind.CREATED, payload, actor)
    merged = new_event(Kind.MERGED_INTO, {"target": target, "note": "来电重复反映，并单"}, actor, order=NEW_ORDER)
    return store.record([created, merged])


def record_unmerge(store, number: str, actor: Actor):
    return store.record([new_event(Kind.UNMERGED, {"note": "撤销并单"}, actor, order=number)])


def record_inquiry(store, number: str, actor: Actor, note: str = ""):
    """R-11: the caller asked how an earlier order is going; the callback seat sees it."""
    return store.record([new_event(Kind.PROGRESS_INQUIRY, {"note": note or "来电查询办理进度"}, actor, order=number)])


def record_three_way(store, payload: dict, log: dict, actor: Actor):
    """R-14: the order (disposition three_way) and the call's log in one command."""
    from console.store import NEW_ORDER

    created = new_event(Kind.CREATED, {**payload, "disposition": "three_way"}, actor)
    logged = new_event(Kind.THREE_WAY_CALL_LOGGED, log, actor, order=NEW_ORDER)
    return store.record([created, logged])

