"""A caller's name and phone as the signed-in role may see them (console/domain/privacy.py)."""

from __future__ import annotations

from console.domain.privacy import CONFIDENTIAL_TEXT, CallerField, Sight, is_keyed, shown, sight
from console.domain.roles import Role


def role_of(app) -> Role | None:
    actor = getattr(app, "actor", None)
    return actor.role if actor is not None else None


def caller_name(app, name: str, title: str, confidential: bool) -> str:
    """`王明先生`, or `（保密）` where the role may not see a confidential caller."""
    if sight(role_of(app), CallerField.NAME, confidential) is Sight.HIDDEN or is_keyed(name):
        return CONFIDENTIAL_TEXT
    return f"{name or ''}{title or ''}"


def _operator(app) -> str:
    actor = getattr(app, "actor", None)
    return actor.operator if actor is not None else ""


def is_revealed(app, number: str) -> bool:
    """This operator revealed this order's phone in this session (a reveal is recorded each time)."""
    return (_operator(app), number) in getattr(app, "revealed_phones", ())


def mark_revealed(app, number: str) -> None:
    """Keyed by operator too: the next operator signed in at the seat sees the phone masked again.
    (An app without the set, e.g. a test's stand-in, gets one.)"""
    if getattr(app, "revealed_phones", None) is None:
        app.revealed_phones = set()
    app.revealed_phones.add((_operator(app), number))


def caller_phone(app, number: str, phone: str, confidential: bool) -> str:
    """The phone as the role sees it: whole, 138****5678 until revealed on this order, or hidden."""
    return shown(role_of(app), CallerField.PHONE, phone, confidential, revealed=is_revealed(app, number))
