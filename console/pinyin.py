"""Pinyin initials and full pinyin for type-ahead pickers (units, categories, articles).

pypinyin costs about 0.4 s to import, so it is imported inside the functions that need it;
loaders that ship precomputed initials never pay for it. Words pypinyin reads wrongly in
place and unit names (单县, 支行 …) come from console/kb_data/pinyin_overrides.toml.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from pathlib import Path

from console.paths import KB_DATA

OVERRIDES_FILE = KB_DATA / "pinyin_overrides.toml"

# Han ideographs (basic block, extension A, compatibility); everything else is "other".
_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_ALNUM_RUN = re.compile(r"[a-z0-9]+")

_overrides: dict[str, tuple[str, ...]] | None = None
_overrides_path: Path = OVERRIDES_FILE
_max_word = 0


def parse_overrides(data: dict) -> dict[str, tuple[str, ...]]:
    """`{"words": {"单县": "shan xian"}}` -> {"单县": ("shan", "xian")}; checks syllable counts."""
    words = data.get("words", {})
    out: dict[str, tuple[str, ...]] = {}
    for word, reading in words.items():
        syllables = tuple(str(reading).lower().split())
        if len(syllables) != len(word):
            raise ValueError(f"pinyin override {word!r}: {len(word)} characters but {len(syllables)} syllables")
        out[word] = syllables
    return out


def set_overrides(table: dict[str, tuple[str, ...]] | None = None, path: Path | None = None) -> None:
    """Replace the override table (tests, admin edits); None with a path reloads from that file."""
    global _overrides, _overrides_path, _max_word
    if path is not None:
        _overrides_path = Path(path)
    _overrides = dict(table) if table is not None else None
    _max_word = max((len(w) for w in _overrides), default=0) if _overrides is not None else 0
    _syllables.cache_clear()


def _table() -> dict[str, tuple[str, ...]]:
    global _overrides, _max_word
    if _overrides is None:
        try:
            with open(_overrides_path, "rb") as fh:
                _overrides = parse_overrides(tomllib.load(fh))
        except FileNotFoundError:
            _overrides = {}
        _max_word = max((len(w) for w in _overrides), default=0)
    return _overrides


def _han_syllables(run: str) -> list[str]:
    """Syllables of a run of Han characters: override words by longest match, pypinyin for the rest."""
    table = _table()
    out: list[str] = []
    pending_start = 0
    i = 0

    def flush(end: int) -> None:
        if end > pending_start:
            from pypinyin import Style, lazy_pinyin  # lazy: import is slow

            out.extend(lazy_pinyin(run[pending_start:end], style=Style.NORMAL, v_to_u=False))

    while i < len(run):
        for size in range(min(_max_word, len(run) - i), 1, -1):
            word = run[i : i + size]
            if word in table:
                flush(i)
                out.extend(table[word])
                i += size
                pending_start = i
                break
        else:
            i += 1
    flush(len(run))
    return out


@functools.lru_cache(maxsize=8192)
def _syllables(text: str) -> tuple[tuple[str, bool], ...]:
    """(token, is_han) pairs: pinyin syllables for Han text, lowercased ascii runs otherwise."""
    # NFKC folds full-width letters and digits (Ａ３) into ascii.
    text = unicodedata.normalize("NFKC", text).lower()
    tokens: list[tuple[str, bool]] = []
    pos = 0
    for m in _HAN_RUN.finditer(text):
        tokens.extend((t, False) for t in _ALNUM_RUN.findall(text[pos : m.start()]))
        tokens.extend((s, True) for s in _han_syllables(m.group()))
        pos = m.end()
    tokens.extend((t, False) for t in _ALNUM_RUN.findall(text[pos:]))
    return tuple(tokens)


def initials(text: str) -> str:
    """城建环保 -> "cjhb"; ascii letters and digits kept lowercased, punctuation dropped."""
    return "".join(tok[0] if han else tok for tok, han in _syllables(text))


def full_pinyin(text: str, sep: str = "") -> str:
    """城建环保 -> "chengjianhuanbao" (sep=" " gives "cheng jian huan bao"); no tones, ü as v."""
    return sep.join(tok for tok, _ in _syllables(text))
