"""Caller, unit and network text on screen: always plain, never parsed as markup.

TEXTUAL-NOTES: a complaint containing `[/]` crashes a Static at render time and
`[@click=app.quit]x[/]` becomes a live link; and a terminal obeys control characters in it (a
window title set by `ESC ] 0 ;`, a screen cleared by `ESC [2J`), so every value is also made inert
(console/domain/inert.py). Every widget that shows such text goes through here.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from console.domain.inert import inert


def plain(value: object, style: str = "") -> Text:
    """For DataTable cells, Tree labels and anything that takes a Rich renderable."""
    return Text(inert(value), style=style)


def content(value: object) -> Content:
    """For Static/Label.update(): a Content that is never parsed."""
    return Content(inert(value))


def labelled(label: str, value: object) -> Content:
    """A fixed (trusted) label in bold followed by untrusted text: `[b]诉求:[/b] <text>`."""
    return Content.from_markup("[b]$label[/b] $value", label=inert(label), value=inert(value))


def field(value: object) -> str:
    """For an Input's or TextArea's value filled from stored text (a draft, an earlier order):
    the widget shows its value as it is, so the value itself is made inert."""
    return inert(value)


def clip(value: object, cells: int) -> str:
    """Inert text cut to at most `cells` terminal cells (a Chinese character is two) at a word
    boundary, with "…" when something was left out (console/kb/segment.py's clip)."""
    from rich.cells import cell_len

    from console.kb.segment import clip as clip_words

    return clip_words(inert(value).replace("\n", " "), cells, width=cell_len)
