"""A hypothesis state machine: several in-process seats write, dispatch and sync in any order,
some of them offline for a while, against one real centre; whatever the interleaving, after a
final healthy sync every invariant holds (sync_support.assert_converged). Each seat has its own
random rule parameters in config.toml and the centre publishes random ones (at the start or
mid-run): after the final sync every seat's orders equal the centre's, deadlines included."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule
from sync_support import (
    DISPATCHER,
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

from console.centre.orders_view import centre_order
from console.store import NewEvent, Store
from console.sync.session import pull_all, push_pending, sync_once
from console.wire.order_view import DEADLINE_KEYS

SEATS = ("SA", "SB", "SC")
RULES = st.fixed_dictionaries({}, optional={
    "cutoff_mode": st.sampled_from(["daily", "12h"]),
    "max_extension_days": st.integers(1, 30),
    "callback_days": st.integers(1, 30),
    "limits": st.fixed_dictionaries({"求助": st.fixed_dictionaries({"general": st.integers(1, 60)})}),
})


def rules_toml(rules: dict) -> str:
    lines = [f"{k} = {v!r}".replace("'", '"') for k, v in rules.items() if k != "limits"]
    if "limits" in rules:
        lines += ['[limits."求助"]', f"general = {rules['limits']['求助']['general']}"]
    return "\n".join(lines) + "\n"


class SeatsAndCentre(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="hl-machine-"))
        self.centre = new_centre(str(self.tmp / "centre.db"))
        self.server = CentreThread(self.centre).start()
        self.seats = {code: make_seat(self.tmp, code, self.centre, self.server.url) for code in SEATS}
        self.offline: set[str] = set()
        self.counter = 0
        self.centre_rules: dict | None = None

    @initialize(seat_rules=st.lists(RULES, min_size=len(SEATS), max_size=len(SEATS)), centre_rules=RULES,
                publish_now=st.booleans())
    def configure(self, seat_rules, centre_rules, publish_now):
        for code, rules in zip(SEATS, seat_rules, strict=True):
            self.seats[code].close()
            (self.tmp / code / "config.toml").write_text(rules_toml(rules), encoding="utf-8")
            self.seats[code] = Store.open(self.tmp / code)
        self.centre_rules = centre_rules
        if publish_now:
            self.publish_rules()

    @rule()
    def publish_rules(self):
        if self.centre_rules is not None:
            self.centre.publish_rules(self.centre_rules)
            self.centre_rules = None

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

    @rule(seat=st.sampled_from(SEATS), pick=st.integers(0, 50), days=st.integers(1, 30))
    def ask_extension(self, seat, pick, days):
        numbers = self.known(seat)
        if numbers:  # refused locally, or at the centre, as each side's cap says
            self.seats[seat].record([NewEvent("extension_requested", {"days": days, "reason": "需协调多个部门"},
                                              DISPATCHER, numbers[pick % len(numbers)])])

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
            self.publish_rules()  # if it has not happened yet: the seats then run on the centre's rules
            for _ in range(3):
                for s in self.seats.values():
                    sync_once(s, client(s))
            assert_converged(self.centre, list(self.seats.values()))
            for s in self.seats.values():  # deadlines too, field by field
                for row in s.list_orders(limit=None):
                    at_centre = centre_order(self.centre, row["number"])
                    assert at_centre is not None
                    seat_deadlines = {k: bool(row[k]) if k == "unit_due_provisional" else row[k] for k in DEADLINE_KEYS}
                    assert seat_deadlines == at_centre["deadlines"], (s.seat, row["number"])
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
