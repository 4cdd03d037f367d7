"""Hypothesis: random event sequences through decide() never reach a state the rules forbid, and
the store's projection always equals the fold of its events."""

from __future__ import annotations

from datetime import datetime, timedelta

from factories import AGENT, CALLBACK, DISPATCHER, LEAD, SUPERVISOR, event, intake, unit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.calendar_source import load_calendar
from console.domain.decide import Context, decide
from console.domain.order import TERMINAL, Kind, Status, apply, fold

CAL = load_calendar()
CTX = Context(calendar=CAL, unit_codes=frozenset({"U001", "U002"}))
ACTORS = [AGENT, DISPATCHER, LEAD, CALLBACK, SUPERVISOR, unit("U001"), unit("U002")]

STEPS = st.sampled_from([
    (Kind.DISPATCHED, {"lead_unit": "U001"}),
    (Kind.DISPATCHED, {"lead_unit": "U002", "assist_units": ["U001"]}),
    (Kind.REDISPATCHED, {"lead_unit": "U002"}),
    (Kind.REDISPATCHED, {"lead_unit": "U001"}),
    (Kind.RETURNED_TO_INTAKE, {"reason": "缺地址"}),
    (Kind.RESUBMITTED, {}),
    (Kind.ESCALATED, {"reason": "难"}),
    (Kind.ESCALATED, {"reason": "难", "to_supervision": True}),
    (Kind.UNIT_RETURNED, {"reason": "非本单位职责"}),
    (Kind.EXTENSION_REQUESTED, {"days": 3, "reason": "需核查"}),
    (Kind.EXTENSION_REQUESTED, {"days": 9, "reason": "需核查"}),
    (Kind.SUPERVISION_NOTICE, {"notice_no": "N1", "leader_form_signed": True}),
    (Kind.EXTENSION_DECIDED, {"approve": True}),
    (Kind.EXTENSION_DECIDED, {"approve": False, "reason": "理由不充分"}),
    (Kind.UNIT_REPLIED, {"reply": "已处理"}),
    (Kind.CALLBACK_ATTEMPTED, {"outcome": "no_answer"}),
    (Kind.CALLBACK_ATTEMPTED, {"outcome": "reached"}),
    (Kind.CALLBACK_DONE, {"result": "满意"}),
    (Kind.CALLBACK_DONE, {"result": "不满意", "words": "没解决"}),
    (Kind.REWORK, {"reason": "没解决"}),
    (Kind.SUPERVISED, {"reason": "hot"}),
    (Kind.PROGRESS_INQUIRY, {}),
    (Kind.ANSWERED_DIRECTLY, {"answer": "已答复"}),
    (Kind.NOTE, {"text": "备注"}),
    (Kind.CLOSED, {"reason": "结案"}),
])
SEQUENCES = st.lists(st.tuples(STEPS, st.sampled_from(ACTORS), st.integers(1, 60 * 30)), max_size=40)
DISPOSITIONS = st.sampled_from(["transfer", "report", "direct_answer", "not_accepted", "three_way"])


def _created(disposition):
    extra = {"answer": "已答复"} if disposition == "direct_answer" else {}
    if disposition == "not_accepted":
        extra = {"reason": "不属受理范围"}
    return intake(disposition=disposition, **extra)


def invariants(state, previous):
    if previous is not None and previous.status in TERMINAL:
        assert state.status == previous.status  # nothing reopens a finished order
    if state.status == Status.DISPATCHED:
        assert state.lead_unit and state.dispatched_at and state.limit_days in (5, 10)
        assert state.lead_unit not in state.assist_units
    assert all(1 <= d <= 7 for d in state.extension_days)
    assert len(state.extension_days) <= 1 + state.supervision_notices  # second needs a notice
    assert state.callback_failures <= 2
    if state.unreachable:
        assert state.status == Status.CLOSED
    if state.confidential:
        assert state.callback_result == "" and state.status != Status.REPLIED


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(DISPOSITIONS, st.booleans(), SEQUENCES)
def test_random_accepted_sequences_never_break_the_rules(disposition, confidential, steps):
    t = datetime(2026, 11, 23, 9, 0)
    created = event(Kind.CREATED, {**_created(disposition), "confidential": confidential}, AGENT, t)
    assert decide(None, created, AGENT, CTX).ok
    state = apply(None, created)
    accepted = [created]
    for (kind, payload), actor, minutes in steps:
        t += timedelta(minutes=minutes)
        e = event(kind, payload, actor, t)
        if decide(state, e, actor, CTX).ok:
            previous, state = state, apply(state, e)
            accepted.append(e)
            invariants(state, previous)
    assert fold(accepted) == state  # the fold is the state, whatever the path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(DISPOSITIONS, SEQUENCES), min_size=1, max_size=4))
def test_store_projection_equals_fold(tmp_path_factory, orders):
    from console.store import NewEvent, Store

    store = Store.init(tmp_path_factory.mktemp("seat"), "S07")
    try:
        t = datetime(2026, 11, 23, 9, 0)
        for disposition, steps in orders:
            result = store.record([NewEvent(Kind.CREATED, _created(disposition), AGENT, at=t)])
            number = result.orders[0]
            for (kind, payload), actor, minutes in steps:
                t += timedelta(minutes=minutes)
                store.record([NewEvent(kind, payload, actor, number, t)])
        assert store.projection_differences() == []
    finally:
        store.close()
