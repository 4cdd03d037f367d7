"""Updating a Static only when its text changes: every update() costs a layout pass, and the
timers and type-ahead handlers would otherwise re-layout the whole form on every tick and key."""

from __future__ import annotations

from textual.widgets import Static

from screens.safe import content


def show(widget: Static, text: str) -> bool:
    """Show `text` (plain, never markup) in `widget`; False when it already showed it."""
    if getattr(widget, "_slot_text", None) == text:
        return False
    widget._slot_text = text
    widget.update(content(text))
    return True
