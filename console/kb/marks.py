"""Where a pinyin query matches a title, for highlighting: `gjj` marks 公积金 in 住房公积金提取.

The index matched the query against stored initials; here the same match is found again in the
title's characters (one initial per Han character) so the screen can mark them. Only for the
few hits on screen; pypinyin is already loaded by then (the worker warmed it)."""

from __future__ import annotations

from console.kb import segment


def _char_initials(text: str) -> list[str]:
    from console.pinyin import initials

    return [initials(ch) if segment.is_han(ch) else "" for ch in text]


def pinyin_marks(title: str, query: str) -> list[tuple[int, int]]:
    """(start, end) character spans of `title` whose initials spell the ascii query."""
    q = segment.normalise(query).strip()
    if not q.isascii() or not q.isalpha():
        return []
    inits = _char_initials(title)
    han_positions = [i for i, s in enumerate(inits) if s]
    letters = "".join(inits[i] for i in han_positions)
    spans: list[tuple[int, int]] = []
    start = letters.find(q)
    while start != -1:
        first, last = han_positions[start], han_positions[start + len(q) - 1]
        spans.append((first, last + 1))
        start = letters.find(q, start + len(q))
    return spans
