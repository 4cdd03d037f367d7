"""R-44 as the agent types: the forbidden phrases in what they are about to say to the caller,
highlighted in their sentence, each with the standard wording to say instead. The phrases come
from the phrasebook (console/kb_data/phrasing.toml) through Phrasebook.find_forbidden."""

from __future__ import annotations

from textual.content import Content

from console.domain.phrasing import Phrasebook

HIGHLIGHT = "bold reverse"


def forbidden_warning(book: Phrasebook, text: str) -> tuple[Content, list[str]]:
    """(what to show under the field, the phrases found); an empty Content when none is."""
    phrases = book.find_forbidden(text)
    if not phrases:
        return Content(""), []
    sentence = Content(text)
    for phrase in phrases:
        start = text.find(phrase)
        while start != -1:
            sentence = sentence.stylize(HIGHLIGHT, start, start + len(phrase))
            start = text.find(phrase, start + 1)
    lines = [Content("规范用语提醒（R-44）：").append(sentence)]
    for phrase in phrases:
        lines.append(Content(f"「{phrase}」不能对来电人说，建议说：{book.alternative(phrase)}"))
    return Content("\n").join(lines), phrases
