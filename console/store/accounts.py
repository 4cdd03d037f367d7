"""Operator accounts as this seat holds them, for signing in offline: the verifiers the centre
published (never a password), the seat's local administrator from `hotline init`, the roles the
seat is enrolled for, and each operator's wrong tries. All in the store's `meta` table."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection

from console import clock
from console.domain.roles import Role
from console.domain.signin import SIGN_IN_ROLES, Account, Failures, Verdict, decide_sign_in, parse_roles
from console.store.engine import read_transaction, write_transaction
from console.wire.passwords import make_verifier, new_password, verify

_PUBLISHED = "published_operators"  # the centre's accounts: [{operator, name, roles, verifier, active}]
_LOCAL_ADMIN = "local_admin"  # {operator, verifier}
_SEAT_ROLES = "seat_roles"  # "agent,callback": the roles the centre enrolled this seat for
_FAILURES = "signin_failures"  # {operator: {count, locked_until}}
_DEMO = "demo_accounts"  # the demo's password, shown on its sign-in form (a demo store only)
LOCAL_ADMIN_ID = "admin"
_FAILURES_KEPT = 500


def _get(conn: Connection, key: str) -> str | None:
    row = conn.execute(text("SELECT value FROM meta WHERE key = :k"), {"k": key}).first()
    return row[0] if row else None


def _put(conn: Connection, key: str, value: str) -> None:
    conn.execute(text("INSERT INTO meta (key, value) VALUES (:k, :v) "
                      "ON CONFLICT(key) DO UPDATE SET value = excluded.value"), {"k": key, "v": value})


def set_published_operators(conn: Connection, accounts: list[dict]) -> None:
    """The centre's accounts as reference data sent them (replaces the earlier list)."""
    kept = [{"operator": str(a["operator"]), "name": str(a.get("name") or ""), "roles": str(a.get("roles") or ""),
             "verifier": str(a.get("verifier") or ""), "active": bool(a.get("active", True))} for a in accounts]
    _put(conn, _PUBLISHED, json.dumps(kept, ensure_ascii=False))


def set_seat_roles(conn: Connection, roles: list[str] | tuple[str, ...]) -> None:
    _put(conn, _SEAT_ROLES, ",".join(sorted(roles)))


def create_local_admin(store, operator: str = LOCAL_ADMIN_ID) -> str:
    """A new one-time password for the seat's local administrator (every sign-in role); printed
    once by the CLI, stored only as its verifier."""
    password = new_password()
    with write_transaction(store.engine) as conn:
        _put(conn, _LOCAL_ADMIN, json.dumps({"operator": operator, "verifier": make_verifier(password)}))
    return password


def set_demo_accounts(store, accounts: list[tuple[str, str, str]], password: str) -> None:
    """The demo's operators (id, name, roles), all with `password`, as if the centre had published
    them; the sign-in form of a demo store says which they are."""
    verifier = make_verifier(password)
    with write_transaction(store.engine) as conn:
        set_published_operators(conn, [{"operator": op, "name": name, "roles": roles, "verifier": verifier}
                                       for op, name, roles in accounts])
        _put(conn, _DEMO, json.dumps({"password": password, "operators": [(op, roles) for op, _n, roles in accounts]},
                                     ensure_ascii=False))


def demo_hint(store) -> dict | None:
    with read_transaction(store.engine) as conn:
        raw = _get(conn, _DEMO)
    return json.loads(raw) if raw else None


class SeatAccounts:
    """A snapshot of what the seat knows, read once when the sign-in form needs it."""

    def __init__(self, published: list[Account], local_admin: Account | None, seat_roles: frozenset[Role] | None):
        self.by_id = {a.operator: a for a in published}
        self.local_admin = local_admin
        self.seat_roles = seat_roles

    @property
    def has_centre_accounts(self) -> bool:
        return bool(self.by_id)

    def account(self, operator: str) -> Account | None:
        """The centre's accounts once the seat holds any; before that only the local admin."""
        if self.by_id:
            return self.by_id.get(operator)
        if self.local_admin is not None and self.local_admin.operator == operator:
            return self.local_admin
        return None

    def roles_of(self, operator: str) -> tuple[Role, ...]:
        """What the role picker offers for `operator` (every role while the id is unknown, so the
        form gives nothing away)."""
        from console.domain.signin import allowed_roles

        account = self.account(operator)
        if account is None:
            return SIGN_IN_ROLES
        return allowed_roles(account.roles, self.seat_roles)


def read_accounts(store) -> SeatAccounts:
    with read_transaction(store.engine) as conn:
        published_raw, admin_raw, roles_raw = (_get(conn, k) for k in (_PUBLISHED, _LOCAL_ADMIN, _SEAT_ROLES))
    published = [Account(a["operator"], a.get("name", ""), parse_roles(a.get("roles", "")), a.get("verifier", ""),
                         bool(a.get("active", True))) for a in json.loads(published_raw or "[]")]
    admin = None
    if admin_raw:
        a = json.loads(admin_raw)
        admin = Account(a["operator"], "本机管理员", frozenset(SIGN_IN_ROLES), a["verifier"], True, local_admin=True)
    seat_roles = parse_roles(roles_raw) if roles_raw is not None else None
    return SeatAccounts(published, admin, seat_roles)


def _failures(conn: Connection) -> dict[str, dict]:
    return json.loads(_get(conn, _FAILURES) or "{}")


def try_sign_in(store, operator: str, password: str, now: datetime | None = None) -> Verdict:
    """Check `password` for `operator` on this seat and record the outcome (wrong tries, lockout)."""
    now = now or clock.now()
    accounts = read_accounts(store)
    account = accounts.account(operator)
    with read_transaction(store.engine) as conn:
        raw = _failures(conn).get(operator)
    failures = Failures(int(raw["count"]), datetime.fromisoformat(raw["locked_until"]) if raw.get("locked_until")
                        else None) if raw else Failures()
    password_ok = account is not None and bool(password) and verify(password, account.verifier)
    verdict = decide_sign_in(account, password_ok, failures, now, accounts.seat_roles, accounts.has_centre_accounts)
    if verdict.failures != failures:
        with write_transaction(store.engine) as conn:
            table = _failures(conn)
            if verdict.failures == Failures():
                table.pop(operator, None)
            else:
                f = verdict.failures
                table[operator] = {"count": f.count,
                                   "locked_until": f.locked_until.isoformat() if f.locked_until else None}
                if len(table) > _FAILURES_KEPT:  # ids typed at random must not grow the row without end
                    for stale in [op for op, v in table.items() if not v.get("locked_until")][:len(table) - _FAILURES_KEPT]:
                        table.pop(stale)
            _put(conn, _FAILURES, json.dumps(table))
    return verdict
