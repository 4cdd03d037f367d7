"""Nature and content classes of a work order (R-03, R-04): the taxonomy is data, not code.

Pure: built from a plain dict (as read from console/kb_data/taxonomy.toml) by `Taxonomy.from_dict`.
Content classes nest to any depth through `children`; each node has a stable `code`
("C01", "C01.03") and pinyin `initials` so pickers are typeable without an input method.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# the four nature classes every centre uses, plus the two some cities add.
DEFAULT_NATURES = ("咨询", "求助", "建议", "投诉", "举报", "表扬")

# Separators accepted in a path typed as one string: "城建环保/供水", "城建环保 > 供水".
PATH_SEPARATORS = ("/", ">", "＞", "／")

InitialsFn = Callable[[str], str]


@dataclass(frozen=True)
class NatureClass:
    code: str
    name: str
    initials: str = ""
    description: str = ""


@dataclass(frozen=True)
class TaxonomyNode:
    code: str
    name: str
    initials: str
    children: tuple[TaxonomyNode, ...] = ()
    path: tuple[str, ...] = ()  # names from the root down to and including this node

    @property
    def depth(self) -> int:
        return len(self.path)

    @property
    def is_leaf(self) -> bool:
        return not self.children

    @property
    def label(self) -> str:
        """"城建环保 / 供水": how a chosen class is shown on an order."""
        return " / ".join(self.path)


@dataclass(frozen=True)
class Taxonomy:
    natures: tuple[NatureClass, ...]
    roots: tuple[TaxonomyNode, ...]
    name: str = ""
    levels: tuple[str, ...] = ()  # optional level names ("一级分类", "二级分类", …)
    _by_code: dict[str, TaxonomyNode] = field(default_factory=dict, init=False, repr=False, compare=False)
    _by_path: dict[tuple[str, ...], TaxonomyNode] = field(default_factory=dict, init=False, repr=False, compare=False)
    _order: tuple[TaxonomyNode, ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        order = tuple(_walk(self.roots))
        by_code: dict[str, TaxonomyNode] = {}
        by_path: dict[tuple[str, ...], TaxonomyNode] = {}
        for node in order:
            key = node.code.upper()
            if key in by_code:
                raise ValueError(f"duplicate taxonomy code {node.code!r}")
            if node.path in by_path:
                raise ValueError(f"duplicate taxonomy path {' / '.join(node.path)!r}")
            by_code[key] = node
            by_path[node.path] = node
        seen: set[str] = set()
        for nature in self.natures:
            if nature.name in seen:
                raise ValueError(f"duplicate nature class {nature.name!r}")
            seen.add(nature.name)
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_by_path", by_path)
        object.__setattr__(self, "_order", order)

    # -- building -------------------------------------------------------------------------

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], initials_fn: InitialsFn | None = None) -> Taxonomy:
        """Build from {"natures": [...], "content": [...]} (the TOML layout).

        Missing `initials` are computed with `initials_fn` (the loader passes pinyin initials)
        so a hand-added entry needs only a name; a missing `code` is derived from the
        position, which is stable only until siblings are inserted before it.
        """
        fill = initials_fn or (lambda _name: "")
        natures = tuple(_nature(item, i, fill) for i, item in enumerate(d.get("natures", DEFAULT_NATURES), 1))
        roots = tuple(
            _node(item, f"C{i:02d}", (), fill) for i, item in enumerate(d.get("content", ()), 1)
        )
        return cls(
            natures=natures,
            roots=roots,
            name=str(d.get("name", "")),
            levels=tuple(str(x) for x in d.get("levels", ())),
        )

    def to_dict(self) -> dict[str, Any]:
        """The inverse of from_dict (the layout write_taxonomy_toml and `--json` use)."""
        out: dict[str, Any] = {}
        if self.name:
            out["name"] = self.name
        if self.levels:
            out["levels"] = list(self.levels)
        out["natures"] = [_nature_dict(n) for n in self.natures]
        out["content"] = [_node_dict(n) for n in self.roots]
        return out

    # -- queries --------------------------------------------------------------------------

    def nature_names(self) -> tuple[str, ...]:
        return tuple(n.name for n in self.natures)

    def nature(self, name_or_code: str) -> NatureClass | None:
        for n in self.natures:
            if name_or_code in (n.name, n.code):
                return n
        return None

    def walk(self) -> Iterator[TaxonomyNode]:
        """All content nodes, depth-first, parents before their children, in file order."""
        return iter(self._order)

    def find(self, path_or_code: str | Sequence[str]) -> TaxonomyNode | None:
        """A node by code ("C01.03"), by path (["城建环保", "供水"] or "城建环保/供水"),
        or by a name that is unique in the whole tree ("供水"). None when absent or ambiguous."""
        if isinstance(path_or_code, str):
            text = path_or_code.strip()
            node = self._by_code.get(text.upper())
            if node is not None:
                return node
            path = _split_path(text)
            node = self._by_path.get(path)
            if node is not None or len(path) != 1:
                return node
            named = [n for n in self._order if n.name == text]
            return named[0] if len(named) == 1 else None
        return self._by_path.get(tuple(s.strip() for s in path_or_code))

    def is_valid_path(self, path: Sequence[str], leaf_only: bool = False) -> bool:
        """True when `path` names a node from the root down (a leaf, if leaf_only)."""
        if isinstance(path, str) or not path:
            return False
        node = self._by_path.get(tuple(path))
        return node is not None and (node.is_leaf or not leaf_only)

    def match(self, query: str, limit: int = 20) -> list[TaxonomyNode]:
        """Type-ahead by Chinese substring, pinyin initials or code.

        Ranked: initials (or code) prefix, then name prefix, then substring of name or
        initials; within a rank shallower nodes first, then file order.
        """
        q = query.strip().lower()
        if not q:
            return []
        ranked = []
        for order, node in enumerate(self._order):
            rank = _rank(q, node.name.lower(), node.initials.lower(), node.code.lower())
            if rank is not None:
                ranked.append((rank, node.depth, order, node))
        ranked.sort(key=lambda r: r[:3])
        return [r[3] for r in ranked[: max(limit, 0)]]


# -- helpers ----------------------------------------------------------------------------


def _rank(q: str, name: str, initials: str, code: str) -> int | None:
    if initials.startswith(q) or code.startswith(q):
        return 0
    if name.startswith(q):
        return 1
    if q in name or q in initials:
        return 2
    return None


def _walk(nodes: Iterable[TaxonomyNode]) -> Iterator[TaxonomyNode]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _split_path(text: str) -> tuple[str, ...]:
    for sep in PATH_SEPARATORS[1:]:
        text = text.replace(sep, PATH_SEPARATORS[0])
    return tuple(p.strip() for p in text.split(PATH_SEPARATORS[0]) if p.strip())


def _name_of(item: Mapping[str, Any], where: str) -> str:
    name = str(item.get("name", "")).strip()
    if not name:
        raise ValueError(f"taxonomy entry without a name ({where})")
    if any(sep in name for sep in PATH_SEPARATORS):
        raise ValueError(f"taxonomy name {name!r} contains a path separator")
    return name


def _nature(item: str | Mapping[str, Any], index: int, fill: InitialsFn) -> NatureClass:
    if isinstance(item, str):  # natures = ["咨询", "求助", …] is allowed too
        item = {"name": item}
    name = _name_of(item, f"nature #{index}")
    return NatureClass(
        code=str(item.get("code") or f"N{index:02d}"),
        name=name,
        initials=str(item.get("initials") or fill(name)),
        description=str(item.get("description", "")),
    )


def _node(item: Mapping[str, Any], default_code: str, parent: tuple[str, ...], fill: InitialsFn) -> TaxonomyNode:
    name = _name_of(item, f"under {' / '.join(parent) or 'the root'}")
    code = str(item.get("code") or default_code)
    path = parent + (name,)
    children = tuple(
        _node(child, f"{code}.{i:02d}", path, fill) for i, child in enumerate(item.get("children", ()), 1)
    )
    return TaxonomyNode(
        code=code, name=name, initials=str(item.get("initials") or fill(name)), children=children, path=path
    )


def _nature_dict(n: NatureClass) -> dict[str, Any]:
    d = {"code": n.code, "name": n.name, "initials": n.initials}
    if n.description:
        d["description"] = n.description
    return d


def _node_dict(n: TaxonomyNode) -> dict[str, Any]:
    d: dict[str, Any] = {"code": n.code, "name": n.name, "initials": n.initials}
    if n.children:
        d["children"] = [_node_dict(c) for c in n.children]
    return d
