"""Caller, unit and network text made inert for a terminal.

A caller name holding `ESC ] 0 ; … BEL` retitles the operator's window and `ESC [2J` clears the
screen: the terminal obeys control characters wherever they come from. Every C0 and C1 control
character (except newline and tab, which only lay text out) is replaced by a visible stand-in, so
an escape sequence is shown as text and never starts: ESC becomes ␛, BEL ␇, DEL ␡, and a C1
character its 7-bit form (0x9b CSI is shown ␛[). Screens (screens/safe.py) and the CLI both use it.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ESC_PICTURE = "\u241b"  # ␛


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # the Unicode control pictures ␀…␟
    if code == 0x7F:
        return "\u2421"  # ␡
    return _ESC_PICTURE + chr(code - 0x40)  # C1 = ESC + (code - 0x40), ECMA-48 § 5.3


def inert(value: object) -> str:
    """`value` as text no terminal acts on; None is the empty string."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(_visible, text)


def has_control(text: str) -> bool:
    """True when `text` holds a character `inert` would replace (for tests and checks)."""
    return _CONTROL.search(text) is not None
