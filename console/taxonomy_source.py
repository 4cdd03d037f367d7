"""Reading and writing taxonomy files: console/kb_data/taxonomy.toml, and flat N-level CSVs converted to it.

The only module that touches taxonomy files; console.domain.taxonomy stays pure.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from console.domain.taxonomy import DEFAULT_NATURES, PATH_SEPARATORS, Taxonomy
from console.paths import KB_DATA

TAXONOMY_FILE = KB_DATA / "taxonomy.toml"


def _initials(text: str) -> str:
    from console.pinyin import initials  # only when a file lacks initials: pypinyin is slow to load

    return initials(text)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Parse a taxonomy TOML (default: the shipped console/kb_data/taxonomy.toml).

    Raises FileNotFoundError, tomllib.TOMLDecodeError or ValueError (bad structure).
    """
    with open(Path(path) if path else TAXONOMY_FILE, "rb") as fh:
        data = tomllib.load(fh)
    return Taxonomy.from_dict(data, initials_fn=_initials)


# -- CSV -> taxonomy dict -------------------------------------------------------------------


def csv_to_taxonomy_dict(csv_path: str | Path, natures: Sequence[str] | None = None) -> dict:
    """A flat CSV (header = level names, one row per leaf path) -> the taxonomy dict layout.

    Rows may stop early (a shallower leaf); repeated paths are merged; first-seen order is
    kept. Codes are C01, C01.01, … by position; initials come from pypinyin.
    Raises FileNotFoundError, or ValueError for a file that is not such a CSV.
    """
    path = Path(csv_path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gb18030")  # CSVs saved by Excel on Chinese Windows
        except UnicodeDecodeError:
            raise ValueError(f"{path.name}: not UTF-8 or GB18030 text") from None
    rows = [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), _dialect(text))]
    rows = [row for row in rows if any(row)]
    if len(rows) < 2:
        raise ValueError(f"{path.name}: needs a header row and at least one data row")
    header = _trim(rows[0])
    if not header or not all(header):
        raise ValueError(f"{path.name}: the header row must name every level")

    tree: dict[str, dict] = {}  # name -> {"children": {...}}; dicts keep first-seen order
    for lineno, row in enumerate(rows[1:], 2):
        cells = _trim(row)
        if len(cells) > len(header):
            raise ValueError(f"{path.name}: line {lineno} has {len(cells)} cells but the header names {len(header)} levels")
        if "" in cells:
            raise ValueError(f"{path.name}: line {lineno} has an empty level before a filled one")
        level = tree
        for cell in cells:
            if any(sep in cell for sep in PATH_SEPARATORS):
                raise ValueError(f"{path.name}: line {lineno}: {cell!r} contains a path separator")
            level = level.setdefault(cell, {})
    return {
        "name": path.stem,
        "levels": header,
        "natures": [
            {"code": f"N{i:02d}", "name": name, "initials": _initials(name)}
            for i, name in enumerate(natures or DEFAULT_NATURES, 1)
        ],
        "content": _number(tree, "C", ""),
    }


def _dialect(text: str) -> type[csv.Dialect]:
    first = text.split("\n", 1)[0]
    return csv.excel_tab if "\t" in first and "," not in first else csv.excel


def _trim(cells: list[str]) -> list[str]:
    while cells and not cells[-1]:
        cells = cells[:-1]
    return cells


def _number(level: Mapping[str, dict], prefix: str, sep: str) -> list[dict]:
    width = max(2, len(str(len(level))))
    out = []
    for i, (name, children) in enumerate(level.items(), 1):
        code = f"{prefix}{sep}{i:0{width}d}"
        node: dict[str, Any] = {"code": code, "name": name, "initials": _initials(name)}
        if children:
            node["children"] = _number(children, code, ".")
        out.append(node)
    return out


# -- taxonomy dict -> TOML ------------------------------------------------------------------


def write_taxonomy_toml(d: Mapping, path: str | Path, comment: str | None = None) -> None:
    Path(path).write_text(dumps_taxonomy_toml(d, comment), encoding="utf-8")


def dumps_taxonomy_toml(d: Mapping, comment: str | None = None) -> str:
    """TOML text for the taxonomy layout, readable by tomllib and by people.

    A list whose items are all leaves is written inline, one `{…}` per line; a list with
    deeper items becomes `[[a.children]]` sections, so any depth round-trips.
    """
    out: list[str] = []
    if comment:
        out.extend(f"# {line}".rstrip() for line in comment.splitlines())
        out.append("")
    _table(d, (), out)
    return "\n".join(out).rstrip("\n") + "\n"


_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(k: str) -> str:
    return k if _BARE_KEY.match(k) else _string(k)


def _string(s: str) -> str:
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _scalar(v) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, str):
        return _string(v)
    if isinstance(v, (list, tuple)) and all(not isinstance(x, (dict, list, tuple)) for x in v):
        return "[" + ", ".join(_scalar(x) for x in v) + "]"
    raise TypeError(f"cannot write {type(v).__name__} as a TOML value")


def _is_table_list(v) -> bool:
    return isinstance(v, (list, tuple)) and bool(v) and all(isinstance(x, Mapping) for x in v)


def _is_flat(item: Mapping) -> bool:
    return all(not isinstance(v, Mapping) and not _is_table_list(v) for v in item.values())


def _inline(item: Mapping) -> str:
    return "{ " + ", ".join(f"{_key(k)} = {_scalar(v)}" for k, v in item.items()) + " }"


def _table(d: Mapping, prefix: tuple[str, ...], out: list[str]) -> None:
    # TOML needs a table's own keys before any of its sub-table headers.
    deferred = []
    for k, v in d.items():
        if v is None:
            continue
        if isinstance(v, Mapping) or (_is_table_list(v) and not all(_is_flat(x) for x in v)):
            deferred.append((k, v))
        elif _is_table_list(v):
            out.append(f"{_key(k)} = [")
            out.extend(f"  {_inline(x)}," for x in v)
            out.append("]")
        else:
            out.append(f"{_key(k)} = {_scalar(v)}")
    for k, v in deferred:
        name = ".".join(_key(p) for p in prefix + (k,))
        if isinstance(v, Mapping):
            out.extend(["", f"[{name}]"])
            _table(v, prefix + (k,), out)
        else:
            for item in v:
                out.extend(["", f"[[{name}]]"])
                _table(item, prefix + (k,), out)


def iter_tree_lines(taxonomy: Taxonomy, max_depth: int | None = None) -> Iterable[str]:
    """Indented `code name (initials)` lines for `hotline taxonomy show`."""
    for node in taxonomy.walk():
        if max_depth is None or node.depth <= max_depth:
            yield f"{'  ' * (node.depth - 1)}{node.code} {node.name} ({node.initials})"


def taxonomy_for_seat(data_dir: Path, configured: str | None, published: str | None) -> Taxonomy:
    """The seat's taxonomy: a file named in config.toml (relative to the data dir) wins, then the
    one the centre published (JSON kept in the store), then the shipped one."""
    if configured:
        return load_taxonomy(Path(data_dir) / configured)
    if published:
        import json

        return Taxonomy.from_dict(json.loads(published), initials_fn=_initials)
    return load_taxonomy(None)


def published_taxonomy_json(store_file: Path) -> str | None:
    """Read the centre's taxonomy straight from the seat's SQLite file (no SQLModel: the console
    needs it before its store is open)."""
    import sqlite3

    if not Path(store_file).exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{store_file}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'published_taxonomy'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None
