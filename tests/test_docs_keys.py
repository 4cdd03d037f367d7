"""docs/keyboard.md is what scripted sessions and new operators press: every binding id it names
exists in the code, and the key it prints for that id is the key the binding has."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

from textual.binding import Binding

import screens
import screens.widgets

DOC = Path(__file__).resolve().parents[1] / "docs" / "keyboard.md"
# How keyboard.md writes a key, and Textual's name for it.
WRITTEN = {"esc": "escape", "/": "slash", "↑": "up", "↓": "down", "←": "left", "→": "right"}


def bound_keys() -> dict[str, set[str]]:
    """Binding id -> its default keys, over every screen and widget class."""
    keys: dict[str, set[str]] = {}
    for package in (screens, screens.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                for binding in getattr(cls, "BINDINGS", None) or []:
                    if isinstance(binding, Binding) and binding.id:
                        keys.setdefault(binding.id, set()).update(k.strip() for k in binding.key.split(","))
    return keys


def documented_rows() -> list[tuple[str, list[str]]]:
    """(key cell, binding ids) for each table row of keyboard.md that names an id."""
    rows = []
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| key"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        ids = re.findall(r"`([^`]+)`", cells[1])
        if ids:
            rows.append((cells[0], ids))
    return rows


def written_keys(cell: str) -> set[str]:
    """'Alt+R' -> {'alt+r'}; 'd, Enter' -> {'d', 'enter'}; '↓ in 工号' -> {'down', ...}."""
    return {WRITTEN.get(token, token) for token in re.split(r"[\s,]+", cell.lower()) if token}


def test_every_documented_key_is_the_bound_key():
    keys = bound_keys()
    rows = documented_rows()
    assert len(rows) > 50  # the tables were read, not skipped
    wrong = []
    for cell, ids in rows:
        for binding_id in ids:
            if binding_id not in keys:
                wrong.append(f"{binding_id}: no binding has this id")
            elif not keys[binding_id] & written_keys(cell):
                wrong.append(f"{binding_id}: docs say {cell!r}, bound to {sorted(keys[binding_id])}")
    assert wrong == []
