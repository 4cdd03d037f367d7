"""Parts of the seat that keep their own tables in the store (the knowledge base, sync) register
here: their schema steps and what they keep current when an order's state is written.

The store does not import them. It loads the modules named under the `hotline.store` entry points
(pyproject.toml) before it opens, so a store is never opened with a part's tables missing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any

from sqlalchemy.engine import Connection

from console.errors import StoreError

ENTRY_POINT_GROUP = "hotline.store"
Step = Callable[[Connection], None]


@dataclass(frozen=True)
class Component:
    name: str
    migrations: dict[int, Step] = field(default_factory=dict)  # schema version -> its step
    on_order_written: Callable[[Connection, Any], None] | None = None  # (conn, OrderState), same transaction
    on_projection_rebuilt: Callable[[Connection], Any] | None = None  # after every order row was rewritten


_REGISTRY: dict[str, Component] = {}
_loaded = False


def register(component: Component) -> None:
    _REGISTRY[component.name] = component


def components() -> list[Component]:
    """Every registered component, after loading the ones the installed package names."""
    global _loaded
    if not _loaded:
        for ep in entry_points(group=ENTRY_POINT_GROUP):
            try:
                ep.load()
            except ImportError as exc:
                raise StoreError(f"store component {ep.name} cannot be loaded ({exc}): reinstall hotline") from exc
        _loaded = True
    return list(_REGISTRY.values())


def projection_rebuilt_hooks() -> list[Callable[[Connection], Any]]:
    return [c.on_projection_rebuilt for c in components() if c.on_projection_rebuilt is not None]


def order_written_hooks() -> list[Callable[[Connection, Any], None]]:
    return [c.on_order_written for c in components() if c.on_order_written is not None]
