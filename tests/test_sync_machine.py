"""A hypothesis state machine: several in-process seats write, dispatch and sync in any order,
some of them offline for a while, against one real centre; whatever the interleaving, after a
final healthy sync every invariant holds (sync_support.assert_converged)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sync_support import (
    UNITS,
    CentreThread,
    assert_converged,
    client,
    create_order,
    dispatch,
    make_seat,
    new_centre,
    note,
)

from console.sync.session import pull_all, push_pending, sync_once

SEATS = ("SA", "SB", "SC")


class SeatsAndCentre(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="hl-machine-"))
        self.centre = new_centre(str(self.tmp / "centre.db"))
        self.server = CentreThread(self.centre).start()
        self.seats = {code: make_seat(self.tmp, code, self.centre, self.server.url) for code in SEATS}
        self.offline: set[str] = set()
        self.counter = 0

    def known(self, code: str) -> list[str]:
        return [r["number"] for r in self.seats[code].list_orders(limit=None, order_by="number")]

    @rule(seat=st.sampled_from(SEATS))
    def intake(self, seat):
        self.counter += 1
        create_order(self.seats[seat], self.counter)

    @rule(seat=st.sampled_from(SEATS), pick=st.integers(0, 50), unit=st.sampled_from(UNITS))
    def dispatch_one(self, seat, pick, unit):
        numbers = self.known(seat)
        if numbers:
            dispatch(self.seats[seat], numbers[pick % len(numbers)], unit)  # a local refusal is fine

    @rule(seat=st.sampled_from(SEATS), pick=st.integers(0, 50))
    def add_note(self, seat, pick):
        numbers = self.known(seat)
        if numbers:
            note(self.seats[seat], numbers[pick % len(numbers)])

    @rule(seat=st.sampled_from(SEATS))
    def sync(self, seat):
        if seat not in self.offline:
            sync_once(self.seats[seat], client(self.seats[seat]))

    @rule(seat=st.sampled_from(SEATS))
    def push_only(self, seat):
        if seat not in self.offline:
            push_pending(self.seats[seat], client(self.seats[seat]))

    @rule(seat=st.sampled_from(SEATS))
    def pull_only(self, seat):
        if seat not in self.offline:
            pull_all(self.seats[seat], client(self.seats[seat]))

    @rule(seat=st.sampled_from(SEATS))
    def go_offline(self, seat):
        self.offline.add(seat)

    @rule(seat=st.sampled_from(SEATS))
    def come_back(self, seat):
        self.offline.discard(seat)

    @invariant()
    def every_seat_projection_is_its_fold(self):
        for s in self.seats.values():
            assert s.projection_differences() == []

    def teardown(self):
        try:
            for _ in range(3):
                for s in self.seats.values():
                    sync_once(s, client(s))
            assert_converged(self.centre, list(self.seats.values()))
        finally:
            self.server.stop()
            for s in self.seats.values():
                s.close()
            self.centre.engine.dispose()
            shutil.rmtree(self.tmp, ignore_errors=True)


SeatsAndCentre.TestCase.settings = settings(
    max_examples=8, stateful_step_count=25, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
test_seats_and_centre = SeatsAndCentre.TestCase
