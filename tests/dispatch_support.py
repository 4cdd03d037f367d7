"""Test support for the dispatch and callback desks: a demo-filled store with a fixed seed and a
fixed clock, and a small app that pushes one desk screen (without the seat engineer's app)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from textual.app import App

from console.domain.roles import Actor, Role
from console.store import Store

NOW = datetime(2026, 11, 27, 10, 30)  # a Friday morning: some orders due at 12:00, some at 17:00
SEED = 7
N_ORDERS = 120

_template: Path | None = None


def demo_dir(tmp_path: Path) -> Path:
    """A fresh copy of the demo store (built once per test session)."""
    global _template
    if _template is None or not _template.exists():
        import tempfile

        from console.demo import fill_demo

        _template = Path(tempfile.mkdtemp(prefix="desk-demo-"))
        store = Store.init(_template, seat="S07")
        fill_demo(store, n_orders=N_ORDERS, seed=SEED, now=NOW)
        store.close()
    target = tmp_path / "data"
    shutil.copytree(_template, target)
    return target


class DeskApp(App):
    """Stands in for screens.app.HotlineApp: `store`, `actor`, `now` and one pushed screen."""

    def __init__(self, data_dir: Path, screen_factory, role: Role = Role.DISPATCHER, now=NOW, **kwargs):
        super().__init__(**kwargs)
        self.store = Store.open(data_dir)
        self.actor = Actor(_OPERATORS[role], role)
        self.now = lambda: now
        self._factory = screen_factory

    def on_mount(self) -> None:
        self.push_screen(self._factory())

    def on_unmount(self) -> None:
        self.store.close()


_OPERATORS = {
    Role.DISPATCHER: "D201", Role.LEAD: "L301", Role.CALLBACK: "C401", Role.SUPERVISOR: "S501",
    Role.AGENT: "A101",
}
