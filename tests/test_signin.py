"""Signing in at a seat with a password (issue 11): the seat checks it against the verifiers the
centre published, online and offline; a seat that has none takes only its local administrator
from `hotline init`; 5 wrong passwords lock the operator on that seat for 5 minutes; the role
picker offers only the operator's roles the seat is enrolled for."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
import pytest
from screen_helpers import TEST_PASSWORD, give_accounts, make_app, make_store, ready, until
from sync_support import CentreThread, centre_db, new_centre
from textual.widgets import Input, RadioButton, Static

from console import clock
from console.cli import main
from console.domain.signin import LOCK_MINUTES, MAX_TRIES, Failures, decide_sign_in
from console.store import Store
from console.store.accounts import read_accounts, try_sign_in
from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION

ONE_TIME = re.compile(r"one-time password (\S+)")


def _error(app) -> str:
    return str(app.screen.query_one("#signin-error", Static).render())


def _offered(app) -> list[str]:
    return [str(b.label) for b in app.screen.query(RadioButton) if b.display and not b.disabled]


async def _type_sign_in(pilot, operator: str, password: str) -> None:
    await pilot.press(*operator, "enter", *password, "enter")
    await until(pilot, lambda: type(pilot.app.screen).__name__ != "SignInScreen" or _error(pilot.app))


def _init(tmp_path, capsys) -> str:
    assert main(["init", "--seat", "S07", "--data-dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    return ONE_TIME.search(out).group(1)


async def test_a_new_seat_signs_in_only_its_local_admin_from_hotline_init(tmp_path, capsys):
    """`hotline init` prints the local administrator's one-time password; nobody else signs in."""
    password = _init(tmp_path, capsys)
    assert password not in (tmp_path / "seat.db").read_bytes().decode("latin-1")  # only its verifier is stored
    app = make_app(tmp_path, signed_in=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        assert await until(pilot, lambda: "本机管理员 admin" in str(app.screen.query_one("#signin-hint", Static).render()))
        await _type_sign_in(pilot, "A07", "whatever1")
        assert app.actor is None and "只有本机管理员可以登录" in _error(app)
        app.screen.query_one("#operator", Input).value = ""
        app.screen.query_one("#operator", Input).focus()
        await _type_sign_in(pilot, "admin", password[:-1] + "x")
        assert app.actor is None and "工号或密码不正确" in _error(app)
        assert app.screen.query_one("#password", Input).value == ""  # typed again, never kept
        await pilot.press(*password, "enter")
        assert await until(pilot, lambda: app.actor is not None)
        assert app.actor.operator == "admin" and type(app.screen).__name__ == "IntakeScreen"


async def test_five_wrong_passwords_lock_the_operator_on_this_seat(tmp_path):
    store = make_store(tmp_path)
    give_accounts(store, {"A01": "agent"})
    store.close()
    app = make_app(tmp_path, signed_in=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await ready(pilot)
        await pilot.press(*"A01", "enter")
        for i in range(MAX_TRIES):
            await pilot.press(*f"wrong{i}", "enter")
            assert await until(pilot, lambda i=i: (f"还可再试{MAX_TRIES - i - 1}次" in _error(app)) if 0 < i < MAX_TRIES - 1
                                else "不正确" in _error(app))
        assert f"锁定{LOCK_MINUTES}分钟" in _error(app)
        await pilot.press(*TEST_PASSWORD, "enter")  # the right one, too late
        assert await until(pilot, lambda: "请5分钟后再试" in _error(app))
        assert app.actor is None
    store = Store.open(tmp_path)
    later = clock.now() + timedelta(minutes=LOCK_MINUTES, seconds=1)
    assert try_sign_in(store, "A01", TEST_PASSWORD, now=later).ok  # the lock runs out
    assert try_sign_in(store, "A01", "wrong", now=later).failures == Failures(1, None)  # a fresh count
    store.close()


def test_the_lockout_rule_itself():
    """Wrong tries count up, the fifth locks for 5 minutes, a disabled account says so only after
    the right password, and a lock is checked before the password."""
    now = clock.now()
    from console.domain.roles import Role
    from console.domain.signin import Account

    account = Account("A01", "孙", frozenset({Role.AGENT}), "v")
    f = Failures()
    for _ in range(MAX_TRIES - 1):
        f = decide_sign_in(account, False, f, now, None, True).failures
    assert f == Failures(MAX_TRIES - 1, None)
    f = decide_sign_in(account, False, f, now, None, True).failures
    assert f.locked_until == now + timedelta(minutes=LOCK_MINUTES)
    assert not decide_sign_in(account, True, f, now + timedelta(minutes=4), None, True).ok
    assert decide_sign_in(account, True, f, now + timedelta(minutes=5), None, True).ok
    disabled = Account("A02", "钱", frozenset({Role.AGENT}), "v", active=False)
    assert "不正确" in decide_sign_in(disabled, False, Failures(), now, None, True).message
    assert "停用" in decide_sign_in(disabled, True, Failures(), now, None, True).message
    no_role_here = decide_sign_in(account, True, Failures(), now, frozenset({Role.CALLBACK}), True)
    assert not no_role_here.ok and "没有可用的岗位" in no_role_here.message


@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
async def test_centre_accounts_sign_in_online_and_offline_with_only_their_roles(db_kind, tmp_path, capsys):
    """The centre's verifiers reach the seat at `hotline seat connect`; the seat then signs its
    operators in with the centre running and with it gone, offering only the roles the account
    holds and the seat is enrolled for; a disabled account is refused after the next sync."""
    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        lead_pw = centre.add_operator("L301", "赵班长", "dispatcher,lead,callback")
        gone_pw = centre.add_operator("D202", "钱调度", "dispatcher")
        token = centre.enroll("S07", "agent,dispatcher")
        seat_dir = tmp_path / "seat"
        _init(seat_dir, capsys)
        with CentreThread(centre) as server:
            assert main(["seat", "connect", server.url, "--token", token, "--data-dir", str(seat_dir)]) == 0
            assert "2 operator accounts" in capsys.readouterr().out
            app = make_app(seat_dir, signed_in=False)
            async with app.run_test(size=(160, 50)) as pilot:  # online
                await ready(pilot)
                await pilot.press(*"L301")
                assert await until(pilot, lambda: _offered(app) == ["转办坐席"])  # not lead (seat), not agent (account)
                await pilot.press("enter", *lead_pw, "enter")
                assert await until(pilot, lambda: app.actor is not None)
                assert app.actor.role.value == "dispatcher" and app.current_mode == "dispatch"
            centre.disable_operator("D202")
            store = Store.open(seat_dir)
            from sync_support import client

            from console.sync.session import sync_reference

            sync_reference(store, client(store, server.url))
            store.close()
        app = make_app(seat_dir, signed_in=False)  # offline: the centre is stopped
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(pilot)
            await _type_sign_in(pilot, "D202", gone_pw)
            assert app.actor is None and "该工号已停用" in _error(app)
            app.screen.query_one("#operator", Input).value = ""
            app.screen.query_one("#operator", Input).focus()
            await _type_sign_in(pilot, "admin", "anything")  # the local admin is gone once accounts arrived
            assert app.actor is None and "工号或密码不正确" in _error(app)
            app.screen.query_one("#operator", Input).value = ""
            app.screen.query_one("#operator", Input).focus()
            await _type_sign_in(pilot, "L301", lead_pw)
            assert await until(pilot, lambda: app.actor is not None)
            assert app.actor.operator == "L301" and app.current_mode == "dispatch"
        centre.engine.dispose()


def test_only_seats_get_the_verifiers_and_no_one_gets_a_password(tmp_path):
    centre = new_centre(str(tmp_path / "centre.db"))
    password = centre.add_operator("A101", "孙受理", "agent")
    seat_token = centre.enroll("S01", "agent")
    unit_token = centre.enroll("U001X", "unit", unit="U001")
    with CentreThread(centre) as server:
        def reference(token: str) -> dict:
            r = httpx.get(server.url + "/v1/reference", headers={"Authorization": f"Bearer {token}",
                                                                 PROTOCOL_HEADER: str(PROTOCOL_VERSION)})
            assert r.status_code == 200 and password not in r.text
            return r.json()

        seat_ref, unit_ref = reference(seat_token), reference(unit_token)
    assert [o["operator"] for o in seat_ref["operators"]] == ["A101"]
    assert seat_ref["operators"][0]["verifier"].startswith("scrypt$") and seat_ref["seat_roles"] == ["agent"]
    assert "operators" not in unit_ref and "scrypt$" not in str(unit_ref)
    centre.engine.dispose()


def test_local_admin_command_makes_a_new_password(tmp_path, capsys):
    first = _init(tmp_path, capsys)
    assert main(["seat", "local-admin", "--data-dir", str(tmp_path)]) == 0
    second = ONE_TIME.search(capsys.readouterr().out).group(1)
    store = Store.open(tmp_path)
    assert read_accounts(store).local_admin.operator == "admin"
    assert not try_sign_in(store, "admin", first).ok and try_sign_in(store, "admin", second).ok
    store.close()
    assert main(["seat", "local-admin", "--operator", "bad id!", "--data-dir", str(tmp_path)]) == 2
    assert "bad operator id" in capsys.readouterr().err
