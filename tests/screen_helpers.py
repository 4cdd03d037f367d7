"""Shared set-up for the seat-screen tests: a real store in a temp dir, fixed clocks, and helpers
that wait for the app's workers. Nothing here is mocked: the app runs on a real SQLite store."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

from console.domain.roles import Actor, Role
from console.store import NewEvent, Store

FIXED_NOW = datetime(2026, 11, 26, 10, 0, 0)  # a Thursday, a working day
AGENT = Actor("A99", Role.AGENT, "S01")


class FakeClock:
    """A monotonic clock the test moves by hand."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_store(data_dir: Path, seat: str = "S01") -> Store:
    store = Store.init(data_dir, seat=seat)
    return store


def seed_order(store: Store, **fields) -> str:
    payload = {
        "caller_name": "李四", "caller_title": "先生", "phone": "13900001111", "address": "幸福路88号幸福家园",
        "description": "幸福家园3栋旁边的河道发黑发臭，已经一个多月了", "nature": "投诉",
        "content_path": ["城建环保", "环境卫生"], "disposition": "transfer",
    }
    payload.update(fields)
    rec = store.record([NewEvent("created", payload, AGENT)])
    assert rec.ok, rec.reason
    return rec.orders[0]


def make_app(data_dir: Path, clock: FakeClock | None = None, signed_in: bool = True, **kw):
    from screens.app import HotlineApp

    if signed_in:
        kw.setdefault("operator", "A01")
        kw.setdefault("role", "agent")
    return HotlineApp(data_dir, monotonic=clock or FakeClock(), wallclock=lambda: FIXED_NOW, **kw)


async def settle(pilot, times: int = 2) -> None:
    """Let workers finish and their messages be handled."""
    from textual.worker import WorkerCancelled

    for _ in range(times):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:  # an exclusive worker replaced by a newer one (the cursor moved on)
            pass
        await pilot.pause()


async def until(pilot, condition, timeout: float = 15.0) -> bool:
    """Let timers, workers and messages run until `condition()` holds, or `timeout` seconds pass.
    The form's lookups and draft writes are debounced on the app's own timers: a fixed pause only
    just past the debounce fails on a loaded machine, so tests wait for what they assert instead."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await pilot.pause(0.05)
        await settle(pilot, 1)
    return True


def similar_answered(screen) -> bool:
    """The similar-orders panel shows the answer to the last lookup: rows, or its "none" note."""
    from screens.widgets.order_panels import SimilarOrders

    panel = screen.query_one(SimilarOrders)
    return bool(panel.numbers) or "没有相似的在办工单" in str(panel.query_one(".panel-empty").render())


async def ready(pilot):
    """Wait until the store is open (and, with a preset operator, the intake form is up)."""
    app = pilot.app
    for _ in range(100):
        await settle(pilot, 1)
        if app.store is not None and (app.actor is None or type(app.screen).__name__ != "SignInScreen"):
            break
        await pilot.pause(0.02)
    await pilot.pause()
    return app.screen


def no_blink(app) -> None:
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


TEST_PASSWORD = "pw-for-tests"


def give_accounts(store: Store, accounts: dict[str, str], password: str = TEST_PASSWORD) -> None:
    """Operator accounts ({id: "agent,callback"}) on the seat, stored as the seat stores what the
    centre publishes (verifiers only), so the sign-in form checks real passwords."""
    from console.store.accounts import set_published_operators
    from console.store.engine import write_transaction
    from console.wire.passwords import make_verifier

    verifier = make_verifier(password)
    with write_transaction(store.engine) as conn:
        set_published_operators(conn, [{"operator": op, "name": op, "roles": roles, "verifier": verifier}
                                       for op, roles in accounts.items()])
