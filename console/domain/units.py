"""Undertaking units (承办单位): the directory dispatchers forward orders to (R-12, R-14).

Pure: units come in as dicts (console/kb_data/units.toml via console.units_source); suggestions are
made from remit keywords found in the caller's description, pickers match name/initials/code.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

KINDS = ("bureau", "street", "district", "company")


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    short: str
    kind: str
    phone: str
    keywords: tuple[str, ...]
    initials: str
    area: str | None = None  # the district a street office belongs to
    short_initials: str = ""

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], initials_fn: Callable[[str], str] | None = None) -> Unit:
        """From one `[[units]]` entry; missing initials come from initials_fn (pinyin)."""
        fill = initials_fn or (lambda _text: "")
        code = str(d.get("code", "")).strip()
        name = str(d.get("name", "")).strip()
        if not code or not name:
            raise ValueError(f"unit without code or name: {dict(d)!r}")
        kind = str(d.get("kind", "bureau"))
        if kind not in KINDS:
            raise ValueError(f"unit {code}: kind {kind!r} is not one of {', '.join(KINDS)}")
        short = str(d.get("short") or name)
        keywords = tuple(str(k).strip() for k in d.get("keywords", ()) if str(k).strip())
        return cls(
            code=code,
            name=name,
            short=short,
            kind=kind,
            phone=str(d.get("phone", "")),
            keywords=keywords,
            initials=str(d.get("initials") or fill(name)),
            area=(str(d["area"]) if d.get("area") else None),
            short_initials=str(d.get("short_initials") or fill(short)),
        )


def units_from_dicts(items: Iterable[Mapping[str, Any]], initials_fn: Callable[[str], str] | None = None) -> list[Unit]:
    units = [Unit.from_dict(d, initials_fn) for d in items]
    seen: set[str] = set()
    for u in units:
        if u.code in seen:
            raise ValueError(f"duplicate unit code {u.code!r}")
        seen.add(u.code)
    return units


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def suggest_units(units: Sequence[Unit], text: str, limit: int = 5) -> list[tuple[Unit, int]]:
    """Units whose remit keywords occur in the description, best first.

    Score = total length of the distinct keywords found, so two hits beat one and a
    specific keyword (燃气泄漏) beats a vague one (燃气). A keyword found only inside a
    longer keyword of the same unit that also matched is not counted twice.
    Ties keep directory order, which puts bureaus listed earlier first.
    """
    body = _fold(text)
    if not body.strip():
        return []
    scored = []
    for order, unit in enumerate(units):
        hits = {k for k in (_fold(k) for k in unit.keywords) if k and k in body}
        hits = {k for k in hits if not any(k != other and k in other for other in hits)}
        if hits:
            scored.append((-sum(len(k) for k in hits), order, unit))
    scored.sort(key=lambda s: s[:2])
    return [(unit, -neg) for neg, _order, unit in scored[: max(limit, 0)]]


def match_units(units: Sequence[Unit], query: str, limit: int = 10) -> list[Unit]:
    """Type-ahead: code or initials prefix, then name/short prefix, then substring."""
    q = _fold(query.strip())
    if not q:
        return []
    ranked = []
    for order, unit in enumerate(units):
        rank = _rank(q, unit)
        if rank is not None:
            ranked.append((rank, order, unit))
    ranked.sort(key=lambda r: r[:2])
    return [r[2] for r in ranked[: max(limit, 0)]]


def _rank(q: str, unit: Unit) -> int | None:
    code = unit.code.lower()
    if code == q:
        return 0
    inits = (unit.initials.lower(), unit.short_initials.lower())
    if code.startswith(q) or any(i.startswith(q) for i in inits if i):
        return 1
    names = (_fold(unit.name), _fold(unit.short))
    if any(n.startswith(q) for n in names):
        return 2
    if any(q in n for n in names) or any(q in i for i in inits if i):
        return 3
    return None
