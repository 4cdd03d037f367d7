"""Caller, unit and network text on screen: always plain, never parsed as markup.

TEXTUAL-NOTES: a complaint containing `[/]` crashes a Static at render time and
`[@click=app.quit]x[/]` becomes a live link. Every widget that shows such text goes through here.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content


def plain(value: object, style: str = "") -> Text:
    """For DataTable cells, Tree labels and anything that takes a Rich renderable."""
    return Text("" if value is None else str(value), style=style)


def content(value: object) -> Content:
    """For Static/Label.update(): a Content that is never parsed."""
    return Content("" if value is None else str(value))


def labelled(label: str, value: object) -> Content:
    """A fixed (trusted) label in bold followed by untrusted text: `[b]诉求:[/b] <text>`."""
    return Content.from_markup("[b]$label[/b] $value", label=label, value="" if value is None else str(value))
