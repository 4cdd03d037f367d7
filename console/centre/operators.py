"""Operator accounts at the centre: id, name, the roles the person may act in, a password kept
only as its scrypt verifier (console/wire/passwords.py), an active flag. `add` and `reset` return
a one-time password that nothing stores."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from console import clock
from console.centre import db
from console.centre.model import CentreCore, CentreError, NotFound, _Batch
from console.centre.reference import publish_doc
from console.domain.roles import ROLE_LABELS, Actor, Role
from console.domain.signin import OPERATOR_ID, SIGN_IN_ROLES
from console.wire.passwords import make_verifier, new_password

NAME_MAX = 40
# The roles a person signs in as at a seat (a unit speaks through its token, the system is no one).
OPERATOR_ROLES = frozenset(SIGN_IN_ROLES)


def parse_operator_roles(text: str) -> str:
    names = sorted({r.strip() for r in text.split(",") if r.strip()})
    if not names:
        raise CentreError("no role given")
    for name in names:
        if name not in {r.value for r in OPERATOR_ROLES}:
            raise CentreError(f"unknown role {name!r}: expected some of {', '.join(sorted(OPERATOR_ROLES))}")
    return ",".join(names)


class OperatorAccounts:
    """Mixed into Centre: uses its engine and write transactions."""

    def add_operator(self: CentreCore, operator: str, name: str, roles: str) -> str:
        if not OPERATOR_ID.fullmatch(operator):
            raise CentreError(f"operator id {operator!r}: 1-20 letters, digits, - or _")
        name = name.strip()
        if not name or len(name) > NAME_MAX:
            raise CentreError(f"--name: 1-{NAME_MAX} characters")
        parsed = parse_operator_roles(roles)
        password, now = new_password(), clock.iso(clock.now())
        with self._write() as conn, conn.begin():
            if conn.execute(select(db.operators.c.operator).where(db.operators.c.operator == operator)).first():
                raise CentreError(f"operator {operator} exists: use `operator reset` for a new password")
            conn.execute(db.operators.insert().values(operator=operator, name=name, roles=parsed,
                                                      verifier=make_verifier(password), active=True,
                                                      created_at=now, updated_at=now))
        publish_operators(self)
        return password

    def reset_operator(self: CentreCore, operator: str) -> str:
        """A new one-time password; re-enables a disabled account."""
        password = new_password()
        with self._write() as conn, conn.begin():
            n = conn.execute(update(db.operators).where(db.operators.c.operator == operator).values(
                verifier=make_verifier(password), active=True, updated_at=clock.iso(clock.now()))).rowcount
        if not n:
            raise NotFound(f"no operator {operator}")
        publish_operators(self)
        return password

    def disable_operator(self: CentreCore, operator: str) -> None:
        with self._write() as conn, conn.begin():
            n = conn.execute(update(db.operators).where(db.operators.c.operator == operator).values(
                active=False, updated_at=clock.iso(clock.now()))).rowcount
        if not n:
            raise NotFound(f"no operator {operator}")
        publish_operators(self)

    def _operator_refusal(self: CentreCore, conn: Connection, actor: Actor, batch: _Batch) -> str | None:
        """Why the centre refuses an event of `actor`, or None. A centre without any account yet
        accepts every operator (as before accounts existed); units and the system are not persons."""
        if actor.role in (Role.UNIT, Role.SYSTEM):
            return None
        if batch.operators is None:
            batch.operators = self._read_operators(conn)
        if not batch.operators:
            return None
        account = batch.operators.get(actor.operator)
        if account is None:
            return f"未知的操作员 {actor.operator}"
        active, roles = account
        if not active:
            return f"操作员 {actor.operator} 已停用"
        if actor.role.value not in roles:
            return f"操作员 {actor.operator} 没有{ROLE_LABELS[actor.role]}岗位"
        return None

    @staticmethod
    def _read_operators(conn: Connection) -> dict[str, tuple[bool, frozenset[str]]]:
        """id -> (active, roles) of every account (the centre keeps it until the next publication)."""
        o = db.operators.c
        return {r.operator: (bool(r.active), frozenset(r.roles.split(",")))
                for r in conn.execute(select(o.operator, o.active, o.roles))}

    def operators(self: CentreCore) -> list[dict]:
        """Every account without its verifier."""
        o = db.operators.c
        with self.engine.connect() as conn:
            rows = conn.execute(select(o.operator, o.name, o.roles, o.active, o.created_at, o.updated_at)
                                .order_by(o.operator))
            return [dict(r._mapping) for r in rows]


def publish_operators(centre: CentreCore) -> int:
    """Every account with its verifier (never a password) to the seats, which check sign-ins
    against them offline too; a disabled account goes out as inactive."""
    o = db.operators.c
    with centre.engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            select(o.operator, o.name, o.roles, o.verifier, o.active).order_by(o.operator))]
    return publish_doc(centre, "operators", lambda _old: [dict(r, active=bool(r["active"])) for r in rows])
