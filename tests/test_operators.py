"""Operator accounts at the centre: `hotline centre operator add|reset|disable|list`; the password
is printed once and kept only as its scrypt verifier."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select
from sync_support import centre_db, new_centre

from console.centre import db
from console.cli import main
from console.wire.passwords import make_verifier, verify

PASSWORD = re.compile(r"password[^:]*: (\S+)$")


def test_a_verifier_checks_the_password_and_holds_no_trace_of_it():
    v1, v2 = make_verifier("Kx7mQ2pa9z"), make_verifier("Kx7mQ2pa9z")
    assert v1.startswith("scrypt$") and v1 != v2 and "Kx7mQ2pa9z" not in v1  # salted
    assert verify("Kx7mQ2pa9z", v1) and verify("Kx7mQ2pa9z", v2)
    assert not verify("kx7mQ2pa9z", v1) and not verify("", v1)
    assert not verify("Kx7mQ2pa9z", "not a verifier") and not verify("x", "scrypt$1$2$3$@@$@@")


def _run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _verifier(url: str, operator: str) -> str:
    centre = new_centre(url)
    try:
        with centre.engine.connect() as conn:
            return conn.execute(select(db.operators.c.verifier).where(db.operators.c.operator == operator)).scalar_one()
    finally:
        centre.engine.dispose()


def test_operator_commands_add_reset_disable_list(tmp_path, capsys):
    url = str(tmp_path / "centre.db")
    assert _run(capsys, "centre", "init", "--db", url)[0] == 0
    code, out, _ = _run(capsys, "centre", "operator", "add", "A101", "--name", "王小明", "--role", "agent,callback",
                        "--db", url)
    assert code == 0
    first = PASSWORD.search(out.strip()).group(1)
    assert len(first) == 10 and verify(first, _verifier(url, "A101"))
    code, out, _ = _run(capsys, "centre", "operator", "list", "--db", url)
    assert code == 0 and "A101" in out and "agent,callback" in out and "王小明" in out and "active" in out
    assert first not in out and "scrypt" not in out
    code, out, err = _run(capsys, "centre", "operator", "add", "A101", "--name", "重名", "--role", "agent", "--db", url)
    assert code == 1 and "exists" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    code, _, err = _run(capsys, "centre", "operator", "add", "A102", "--name", "李", "--role", "agent,unit", "--db", url)
    assert code == 1 and "unknown role 'unit'" in err
    code, _, err = _run(capsys, "centre", "operator", "add", "A 1", "--name", "李", "--role", "agent", "--db", url)
    assert code == 1 and "operator id" in err
    code, out, _ = _run(capsys, "centre", "operator", "reset", "A101", "--db", url)
    second = PASSWORD.search(out.strip()).group(1)
    assert code == 0 and second != first
    assert verify(second, _verifier(url, "A101")) and not verify(first, _verifier(url, "A101"))
    assert _run(capsys, "centre", "operator", "disable", "A101", "--db", url)[0] == 0
    code, out, _ = _run(capsys, "centre", "operator", "list", "--json", "--db", url)
    [row] = [json.loads(line) for line in out.splitlines()]
    assert row["operator"] == "A101" and row["active"] is False and "verifier" not in row
    code, _, err = _run(capsys, "centre", "operator", "reset", "Z999", "--db", url)
    assert code == 1 and "no operator Z999" in err


@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_accounts_on_each_database(db_kind, tmp_path):
    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        password = centre.add_operator("D201", "赵调度", "dispatcher,lead")
        centre.add_operator("C401", "钱回访", "callback")
        assert [(o["operator"], o["roles"], o["active"]) for o in centre.operators()] == [
            ("C401", "callback", True), ("D201", "dispatcher,lead", True)]
        centre.disable_operator("C401")
        assert [o["active"] for o in centre.operators()] == [False, True]
        with centre.engine.connect() as conn:
            stored = conn.execute(select(db.operators.c.verifier).where(db.operators.c.operator == "D201")).scalar_one()
        assert verify(password, stored)
        centre.engine.dispose()


@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_once_accounts_exist_the_centre_refuses_unknown_disabled_and_unheld_roles(db_kind, tmp_path):
    from sync_support import AGENT, CentreThread, create_order, dispatch, make_seat

    from console.domain.roles import Actor, Role
    from console.store import NewEvent
    from console.sync import state
    from console.sync.client import CentreClient
    from console.sync.session import push_pending

    def push_and_answer(store, centre_url):
        push_pending(store, CentreClient(centre_url, state.read_all(store)["token"]))
        with store.engine.connect() as conn:
            return [tuple(r) for r in conn.exec_driver_sql(
                "SELECT kind, operator, role, sync_status, sync_reason FROM events ORDER BY rowid_order")]

    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        centre.add_operator(AGENT.operator, "孙受理", "agent")
        centre.add_operator("D201", "赵调度", "dispatcher")
        with CentreThread(centre) as server:
            store = make_seat(tmp_path, "S01", centre, server.url)
            number = create_order(store, 1)
            assert dispatch(store, number, "U001").ok
            for actor in (Actor("D201", Role.LEAD), Actor("X999", Role.DISPATCHER)):
                assert store.record([NewEvent("note", {"text": "催办"}, actor, number)]).ok  # the seat does not know yet
            answers = push_and_answer(store, server.url)
            assert [a[3] for a in answers] == ["accepted", "accepted", "rejected", "rejected"]
            assert answers[2][4] == "操作员 D201 没有转办负责人岗位" and answers[3][4] == "未知的操作员 X999"
            centre.disable_operator("D201")
            assert store.record([NewEvent("note", {"text": "再催"}, Actor("D201", Role.DISPATCHER), number)]).ok
            assert push_and_answer(store, server.url)[-1][3:] == ("rejected", "操作员 D201 已停用")
            store.close()
        centre.engine.dispose()
