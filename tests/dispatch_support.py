"""Test support for the dispatch and callback desks: a demo-filled store with a fixed seed and a
fixed clock, and a small app that pushes one desk screen (without the seat engineer's app)."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest
from textual.app import App

from console.domain.roles import Actor, Role
from console.store import Store

NOW = datetime(2026, 11, 27, 10, 30)  # a Friday morning: some orders due at 12:00, some at 17:00
SEED = 7
N_ORDERS = 120

SIZE = (160, 45)  # the terminal size the desk tests run in

_template: Path | None = None


def demo_dir(tmp_path: Path) -> Path:
    """A fresh copy of the demo store (built once per test session)."""
    global _template
    if _template is None or not _template.exists():
        import tempfile

        from console.demo import fill_demo
        from console.kb import seed_starter_kb

        _template = Path(tempfile.mkdtemp(prefix="desk-demo-"))
        store = Store.init(_template, seat="S07")
        seed_starter_kb(store)  # as `hotline demo` does: R-21 returns cite real articles
        fill_demo(store, n_orders=N_ORDERS, seed=SEED, now=NOW)
        store.close()
    target = tmp_path / "data"
    shutil.copytree(_template, target)
    return target


class DeskApp(App):
    """Stands in for screens.app.HotlineApp: `store`, `actor`, `wallclock` and one pushed screen."""

    def __init__(self, data_dir: Path, screen_factory, role: Role = Role.DISPATCHER, now=NOW, **kwargs):
        super().__init__(**kwargs)
        self.store = Store.open(data_dir)
        self.actor = Actor(_OPERATORS[role], role)
        self.wallclock = lambda: now
        self._factory = screen_factory

    def on_mount(self) -> None:
        self.push_screen(self._factory())

    def on_unmount(self) -> None:
        self.store.close()


_OPERATORS = {
    Role.DISPATCHER: "D201", Role.LEAD: "L301", Role.CALLBACK: "C401", Role.SUPERVISOR: "S501",
    Role.AGENT: "A101",
}


async def wait_workers(app) -> None:
    """Wait for every worker; a cancelled one (a newer exclusive lookup replaced it) is fine."""
    from textual.worker import WorkerCancelled, WorkerFailed

    for worker in list(app.workers):
        try:
            await worker.wait()
        except (WorkerCancelled, WorkerFailed):
            pass


async def settle(pilot) -> None:
    """Let the screen's loading worker finish and its page be applied."""
    await pilot.pause()
    await wait_workers(pilot.app)
    await pilot.pause()


def screen_text(screen, selector: str) -> str:
    """The plain text a Static/Label shows."""
    from textual.widgets import Static

    return str(screen.query_one(selector, Static).content)


def table_keys(screen) -> list[str]:
    table = screen.table
    return [row.key.value for row in table.ordered_rows]


def add_order(data_dir: Path, at: datetime | None = None, **fields) -> str:
    """One more order, recorded like an intake agent would (fields override a valid transfer).

    An override the intake check refuses (a blank address, a short description: what R-20's review
    catches in orders from older seats or other channels) is recorded as an amendment after it."""
    from datetime import timedelta

    from console.domain.intake import intake_problems
    from console.domain.order import Kind
    from console.domain.payloads import ORDER_FIELDS, parse_payload
    from console.domain.settings import DEFAULT_NATURES
    from console.store import NewEvent

    payload = {
        "caller_name": "王明", "caller_title": "先生", "phone": "13912345678", "address": "幸福路88号3栋",
        "description": "幸福路88号小区停水三天了，没有任何通知，请尽快恢复供水。", "nature": "求助",
        "content_path": ["城建环保", "供水"], "reply_wanted": True, "reply_method": "电话",
        "disposition": "transfer",
    }
    valid = dict(payload)
    payload.update(fields)
    payload = {k: v for k, v in payload.items() if v is not None}
    amend = {}
    if intake_problems(parse_payload(Kind.CREATED, payload), DEFAULT_NATURES):
        amend = {k: payload.get(k, "") for k in ORDER_FIELDS if k in fields}
        payload = {**valid, **{k: v for k, v in payload.items() if k not in amend}}
    store = Store.open(data_dir)
    when = at or NOW - timedelta(minutes=20)
    agent = Actor("A101", Role.AGENT)
    try:
        result = store.record([NewEvent(Kind.CREATED, payload, agent, "", when)])
        assert result.ok, result.reason
        if amend:
            amended = store.record([NewEvent(Kind.AMENDED, amend, agent, result.orders[0], when)])
            assert amended.ok, amended.reason
        return result.orders[0]
    finally:
        store.close()


def record(data_dir: Path, number: str, kind: str, payload: dict, role: Role, at: datetime | None = None,
           unit: str | None = None):
    from console.store import NewEvent

    store = Store.open(data_dir)
    try:
        result = store.record([NewEvent(kind, payload, Actor(_OPERATORS.get(role, "U"), role, unit=unit), number,
                                        at or NOW)])
        assert result.ok, result.reason
        return result
    finally:
        store.close()


def replied(data_dir: Path, number: str, reply: str, unit: str, at: datetime | None = None):
    """The unit replies and the county office accepts the reply: the order is on the callback desk."""
    record(data_dir, number, "unit_replied", {"reply": reply}, Role.UNIT, at=at, unit=unit)
    return record(data_dir, number, "reply_reviewed", {"accept": True}, Role.DISPATCHER, at=at)


@pytest.fixture
def data(tmp_path):
    """A fresh copy of the demo store for one test (import it into the test module)."""
    return demo_dir(tmp_path)


def stored(data: Path, number: str):
    """The order as the store now holds it."""
    store = Store.open(data)
    try:
        return store.get(number)
    finally:
        store.close()


def stored_kinds(data: Path, number: str) -> list[str]:
    store = Store.open(data)
    try:
        return [e["kind"] for e in store.events_of(number)]
    finally:
        store.close()


async def open_row(pilot, number: str) -> None:
    """Let the desk load, put the cursor on `number`'s row and let its detail load."""
    await settle(pilot)
    keys = table_keys(pilot.app.screen)
    assert number in keys, f"{number} is not on {type(pilot.app.screen).__name__}"
    pilot.app.screen.table.move_cursor(row=keys.index(number))
    await settle(pilot)
