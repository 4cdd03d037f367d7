"""The centre's outside clients (issue 14): enrolment, revocation and the token check.

Each kind has its own endpoints; a token of another kind, a seat's or a unit's, is refused there
with 403, an unknown or revoked one with 401. Tokens are kept as their SHA-256 only.
"""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from console import clock
from console.centre import db
from console.centre.client_tables import CLIENT_NAME_MAX, clients
from console.centre.model import CLIENT_KINDS, CentreError, ClientInfo, Forbidden, NotFound, Unauthorized
from console.domain.limits import text_problem

TOKEN_PREFIX = {"gateway": "hlg_", "cti": "hlt_", "open311": "hlo_"}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def enroll_client(engine: Engine, name: str, kind: str, channel: str = "") -> str:
    """A new token for the client (replacing an old one of the same name)."""
    if kind not in CLIENT_KINDS:
        raise CentreError(f"unknown client kind {kind!r}: expected one of {', '.join(CLIENT_KINDS)}")
    if not name.strip() or not name.isascii() or text_problem("name", name, CLIENT_NAME_MAX):
        raise CentreError(f"bad client name {name!r}: printable ASCII, 1 to {CLIENT_NAME_MAX} characters")
    if kind == "open311":
        from console.centre.messages import written_channel

        channel = written_channel(channel or "网站")  # its requests are written messages
    elif channel:
        raise CentreError("--channel goes with --kind open311 only (a gateway names the channel in each call)")
    token = TOKEN_PREFIX[kind] + secrets.token_urlsafe(24)
    values = dict(kind=kind, channel=channel, token_hash=_hash(token), revoked=False,
                  enrolled_at=clock.iso(clock.now()))
    with db.writing(engine) as conn:
        if conn.execute(select(clients.c.name).where(clients.c.name == name)).first() is None:
            conn.execute(clients.insert().values(name=name, **values))
        else:
            conn.execute(update(clients).where(clients.c.name == name).values(**values))
    return token


def revoke_client(engine: Engine, name: str) -> None:
    with db.writing(engine) as conn:
        if not conn.execute(update(clients).where(clients.c.name == name).values(revoked=True)).rowcount:
            raise NotFound(f"no client {name}")


def list_clients(engine: Engine) -> list[dict]:
    """Every client without its token."""
    c = clients.c
    with engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(
            select(c.name, c.kind, c.channel, c.revoked, c.enrolled_at).order_by(c.name))]


def authenticate_client(engine: Engine, token: str | None, kind: str) -> ClientInfo:
    """The client a token of `kind` belongs to; Unauthorized (401) or Forbidden (403) otherwise."""
    if not token:
        raise Unauthorized(f"missing {kind} token")
    digest = _hash(token)
    with engine.connect() as conn:
        row = conn.execute(select(clients).where(clients.c.token_hash == digest)).first()
        if row is None:
            if conn.execute(select(db.seats.c.seat).where(db.seats.c.token_hash == digest)).first() is not None:
                raise Forbidden(f"a seat or unit token is not a {kind} token")
            raise Unauthorized(f"unknown {kind} token")
    if row.revoked:
        raise Unauthorized(f"client {row.name} has been revoked")
    if row.kind != kind:
        raise Forbidden(f"client {row.name} is a {row.kind} client, not a {kind} client")
    return ClientInfo(row.name, row.kind, row.channel)
