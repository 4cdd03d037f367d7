"""Abbreviations and synonyms (console/kb_data/kb_synonyms.toml), expanded at query time.

No engine finds 医保局 for 医疗保障局 (SEARCH-NOTES): the table maps an abbreviation to its full
form(s) and lists groups of words callers use for the same thing. Expansion is symmetric: a
query for the full form also finds articles that only use the abbreviation.
"""

from __future__ import annotations

import tomllib
import unicodedata
from pathlib import Path

from console.paths import KB_DATA

SYNONYMS_FILE = KB_DATA / "kb_synonyms.toml"


class SynonymTable:
    def __init__(self, data: dict):
        self._alts: dict[str, set[str]] = {}
        for short, full in (data.get("abbreviations") or {}).items():
            fulls = [full] if isinstance(full, str) else list(full)
            self._link([short, *fulls])
        for group in data.get("groups") or []:
            self._link(list(group.get("words", [])) if isinstance(group, dict) else list(group))

    def _link(self, terms: list[str]) -> None:
        terms = [unicodedata.normalize("NFKC", t).lower().strip() for t in terms if t and t.strip()]
        for t in terms:
            self._alts.setdefault(t, set()).update(x for x in terms if x != t)

    def alternatives(self, term: str) -> list[str]:
        return sorted(self._alts.get(term, ()))

    def all_terms(self) -> list[str]:
        return sorted(self._alts)


_table: SynonymTable | None = None


def load(path: Path = SYNONYMS_FILE) -> SynonymTable:
    try:
        with open(path, "rb") as fh:
            return SynonymTable(tomllib.load(fh))
    except FileNotFoundError:
        return SynonymTable({})


def table() -> SynonymTable:
    global _table
    if _table is None:
        _table = load()
    return _table
