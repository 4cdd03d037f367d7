"""The units' side: `hotline unit ...` commands against a real centre, the simulator, and the
self-contained run behind `hotline demo --units`."""

from __future__ import annotations

import json

from sync_support import CentreThread, assert_converged, client, create_order, dispatch, make_seat, new_centre

from console.cli import main
from console.demo_units import run_demo_units
from console.domain.roles import Actor, Role
from console.reply_review import review_event
from console.sync.session import sync_once


def test_unit_commands_list_reply_return_and_extend(tmp_path, capsys, monkeypatch):
    centre = new_centre(str(tmp_path / "centre.db"))
    with CentreThread(centre) as server:
        store = make_seat(tmp_path, "S01", centre, server.url)
        numbers = [create_order(store, i) for i in range(3)]
        for n in numbers:
            assert dispatch(store, n, "U002").ok
        sync_once(store, client(store))
        token = centre.enroll("UNIT-U002", "unit", unit="U002")
        monkeypatch.setenv("HOTLINE_CENTRE_URL", server.url)
        monkeypatch.setenv("HOTLINE_UNIT_TOKEN", token)
        assert main(["unit", "orders", "--json"]) == 0
        listed = json.loads(capsys.readouterr().out)
        assert [o["number"] for o in listed] == numbers and listed[0]["unit_due"]
        assert main(["unit", "reply", numbers[0], "已恢复供水"]) == 0
        assert main(["unit", "return", numbers[1], "不属于我单位职责"]) == 0
        assert main(["unit", "extend", numbers[2], "3", "需协调多部门"]) == 0
        assert main(["unit", "extend", numbers[2], "3", "再次申请"]) == 1
        assert "已有一份延期申请待审批" in capsys.readouterr().err
        monkeypatch.setenv("HOTLINE_UNIT_TOKEN", "hl1_bogus")
        assert main(["unit", "orders"]) == 1
        sync_once(store, client(store))
        # the reply the unit sent through the centre waits for the county office's review (v2)
        assert [store.get(n).status for n in numbers] == ["reply_review", "unit_returned", "dispatched"]
        assert_converged(centre, [store])
        # the review on the seat: sent back once (the centre decides it with the same domain), the
        # unit replies again, accepted: on to callback at the seat and at the centre alike
        monkeypatch.setenv("HOTLINE_UNIT_TOKEN", token)
        reviewer = Actor("D201", Role.DISPATCHER)
        assert store.record([review_event(numbers[0], reviewer, False, "vague")]).ok
        assert sync_once(store, client(store)).rejected == 0
        assert main(["unit", "orders", "--json"]) == 0
        again = {o["number"]: o for o in json.loads(capsys.readouterr().out)}
        assert again[numbers[0]]["status"] == "dispatched"
        assert again[numbers[0]]["sent_back"]["ground"] == "vague"  # the unit sees why
        assert main(["unit", "reply", numbers[0], "已于11月25日更换水管，恢复供水"]) == 0
        sync_once(store, client(store))
        assert store.record([review_event(numbers[0], reviewer, True)]).ok
        pushed = sync_once(store, client(store))
        assert pushed.rejected == 0
        assert store.get(numbers[0]).status == "replied"
        assert store.get(numbers[0]).replies_sent_back[0]["reply"] == "已恢复供水"
        assert_converged(centre, [store])
    centre.engine.dispose()


def test_demo_units_runs_a_centre_and_units_and_brings_the_answers_home(tmp_path):
    store = make_seat(tmp_path, "S01")
    numbers = [create_order(store, i) for i in range(12)]
    for i, n in enumerate(numbers):
        assert dispatch(store, n, ("U001", "U002", "U003")[i % 3]).ok
    summary = run_demo_units(store, rounds=2, seed=3)
    assert summary["units"] == 3
    assert summary["replied"] + summary["returned"] + summary["extension_requested"] > 0
    statuses = {store.get(n).status for n in numbers}
    assert statuses & {"reply_review", "unit_returned"}
    assert store.outbox_count() == 0 and store.projection_differences() == []


def test_demo_units_twice_on_a_reset_store_starts_a_fresh_centre(tmp_path):
    from console.store import Store

    store = make_seat(tmp_path, "S01")
    assert dispatch(store, create_order(store, 1), "U001").ok
    run_demo_units(store, rounds=1, seed=1)
    store.close()
    for suffix in ("", "-wal", "-shm"):  # what `hotline demo --reset` does to the seat's store
        (tmp_path / "S01" / f"seat.db{suffix}").unlink(missing_ok=True)
    store = Store.init(tmp_path / "S01", "S01")
    assert dispatch(store, create_order(store, 2), "U002").ok
    summary = run_demo_units(store, rounds=1, seed=1)
    assert summary["units"] == 1 and store.outbox_count() == 0


import pytest  # noqa: E402


@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_units_hostile_order_number_or_operator_is_a_4xx_never_a_503(db_kind, tmp_path):
    """A NUL byte or an over-long number in the URL, an over-long operator: the answer is a 4xx
    with a reason, whatever the database would have said."""
    import httpx
    from sync_support import centre_db

    from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        with CentreThread(centre) as server:
            token = centre.enroll("UNIT-U002", "unit", unit="U002")
            headers = {"Authorization": f"Bearer {token}", PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
            for number, operator in (("2026%00X", "u1"), ("9" * 300, "u1"), ("20261201-S01-0001", "x" * 300)):
                answer = httpx.post(f"{server.url}/v1/unit/orders/{number}/reply", headers=headers,
                                    json={"reply": "已处理", "operator": operator}, timeout=10)
                assert 400 <= answer.status_code < 500, (number[:12], answer.status_code, answer.text[:200])
        centre.engine.dispose()
