"""Picker sources: reference data (natures, content classes, units, phrases, reply methods) as
`query -> [Choice]` functions that match Chinese text or pinyin initials."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from console.domain.channels import Channels
from console.domain.phrasing import PHRASE_LABELS as PHRASE_LABELS  # the screens read the names here
from console.domain.taxonomy import Taxonomy
from console.domain.units import Unit, match_units
from screens.widgets.picker import Choice

REPLY_METHODS: tuple[tuple[str, str], ...] = (("电话", "dh"), ("短信", "dx"), ("邮件", "yj"), ("书面", "sm"))


def _hit(query: str, name: str, initials: str) -> bool:
    q = query.strip().lower()
    return not q or q in name or initials.startswith(q)


def nature_source(taxonomy: Callable[[], Taxonomy]) -> Callable[[str], list[Choice]]:
    """`taxonomy` is asked on every query: one the centre publishes mid-shift shows at once."""
    def source(query: str) -> list[Choice]:
        return [Choice(n.name, n.name, n.initials) for n in taxonomy().natures if _hit(query, n.name, n.initials)]

    return source


def content_source(taxonomy: Callable[[], Taxonomy]) -> Callable[[str], list[Choice]]:
    def source(query: str) -> list[Choice]:
        return [Choice(list(node.path), node.label, node.initials) for node in taxonomy().match(query, limit=12)]

    return source


def unit_source(units: Sequence[Unit]) -> Callable[[str], list[Choice]]:
    def source(query: str) -> list[Choice]:
        return [unit_choice(u) for u in match_units(units, query, limit=12)]

    return source


def unit_choice(unit: Unit) -> Choice:
    return Choice(unit.code, unit.name, f"{unit.short} ☎ {unit.phone}")


def phrase_source(keys: Sequence[str]) -> Callable[[str], list[Choice]]:
    def source(query: str) -> list[Choice]:
        out = []
        for key in keys:
            name, initials = PHRASE_LABELS.get(key, (key, key))
            if _hit(query, name, initials):
                out.append(Choice(key, name, initials))
        return out

    return source


def reply_method_source(query: str) -> list[Choice]:
    return [Choice(name, name, ini) for name, ini in REPLY_METHODS if _hit(query, name, ini)]


def channel_source(channels: Callable[[], Channels]) -> Callable[[str], list[Choice]]:
    """The configured order channels, matched by name or one of its aliases (dx, app, 110 …)."""
    def source(query: str) -> list[Choice]:
        q = query.strip().lower()
        return [Choice(c.name, c.name, " ".join(c.aliases)) for c in channels().channels
                if not q or q in c.name.lower() or any(a.lower().startswith(q) for a in c.aliases)]

    return source
