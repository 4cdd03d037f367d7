"""Who may sign in at a seat, in which roles, and the lockout after wrong passwords.

The seat checks the password itself (offline too) against the verifiers the centre published; a
seat that holds none allows only its local administrator (`hotline init`). The password check
itself is the wire's (console/wire/passwords.py); this module decides on its outcome."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from console.domain.roles import Role

# An operator account's id: what `hotline centre operator add` takes and the sign-in form allows.
OPERATOR_ID = re.compile(r"[A-Za-z0-9_-]{1,20}")
MAX_TRIES = 5  # wrong passwords in a row before the operator is locked on this seat
LOCK_MINUTES = 5
# The roles a person signs in as, in the order the sign-in form lists them.
SIGN_IN_ROLES = (Role.AGENT, Role.DISPATCHER, Role.LEAD, Role.CALLBACK, Role.SUPERVISOR)


@dataclass(frozen=True)
class Account:
    operator: str
    name: str
    roles: frozenset[Role]
    verifier: str
    active: bool = True
    local_admin: bool = False  # the seat's own administrator, before the centre's accounts arrive


@dataclass(frozen=True)
class Failures:
    """Wrong passwords in a row for one operator on this seat."""
    count: int = 0
    locked_until: datetime | None = None


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str  # Chinese, one line, for the sign-in form ("" when ok)
    failures: Failures  # to store for the operator (cleared on success)
    roles: tuple[Role, ...] = ()  # the roles the operator may pick here, when ok


def parse_roles(names: str | list[str] | tuple[str, ...]) -> frozenset[Role]:
    """Role names as the centre stores them ("agent,callback" or a list); unknown names are left out."""
    items = names.split(",") if isinstance(names, str) else list(names)
    valid = {r.value for r in SIGN_IN_ROLES}
    return frozenset(Role(n.strip()) for n in items if n.strip() in valid)


def allowed_roles(account_roles: frozenset[Role], seat_roles: frozenset[Role] | None) -> tuple[Role, ...]:
    """The account's roles this seat is enrolled for (all of them on a seat not enrolled anywhere)."""
    return tuple(r for r in SIGN_IN_ROLES if r in account_roles and (seat_roles is None or r in seat_roles))


def locked(failures: Failures, now: datetime) -> bool:
    return failures.locked_until is not None and now < failures.locked_until


def after_wrong_password(failures: Failures, now: datetime) -> Failures:
    if failures.locked_until is not None and now >= failures.locked_until:
        failures = Failures()  # the lock ran out: a fresh series of tries
    count = failures.count + 1
    return Failures(count, now + timedelta(minutes=LOCK_MINUTES) if count >= MAX_TRIES else None)


def decide_sign_in(account: Account | None, password_ok: bool, failures: Failures, now: datetime,
                   seat_roles: frozenset[Role] | None, has_centre_accounts: bool) -> Verdict:
    """The outcome of one sign-in attempt. `password_ok` is the verifier check of what was typed
    (False when there is no account). A locked operator is refused before the password counts."""
    if locked(failures, now):
        assert failures.locked_until is not None
        wait = max(1, int((failures.locked_until - now).total_seconds() + 59) // 60)
        return Verdict(False, f"密码连续错误{MAX_TRIES}次，该工号在本机锁定，请{wait}分钟后再试", failures)
    if account is None or not password_ok:
        failed = after_wrong_password(failures, now)
        if account is None and not has_centre_accounts:
            why = "本机尚未从中心取得操作员账号，只有本机管理员可以登录"
        else:
            why = "工号或密码不正确"
        if failed.locked_until is not None:
            why += f"；已连续错误{MAX_TRIES}次，锁定{LOCK_MINUTES}分钟"
        elif failed.count >= 2:
            why += f"（还可再试{MAX_TRIES - failed.count}次）"
        return Verdict(False, why, failed)
    if not account.active:
        return Verdict(False, "该工号已停用，请联系值班班长", failures)
    roles = allowed_roles(account.roles, seat_roles)
    if not roles:
        return Verdict(False, "该工号在本坐席没有可用的岗位", failures)
    return Verdict(True, "", Failures(), roles)
