"""Written messages at the centre (issue 14): what a gateway or an Open311 client brings in, kept
until an agent takes it into an order or answers it. Idempotent by (client, channel, message id).
The SMS same-day reply rule (M-03) is a message's `due` (console/domain/channels.py says which
channels have it)."""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from console import clock
from console.centre import db
from console.centre.client_tables import messages
from console.centre.model import CentreError
from console.channels_source import shipped_channels
from console.domain.limits import FREE_TEXT, LINE_TEXT, text_problem

OPEN = ("waiting", "claimed")  # what the seats' queue lists


def written_channel(name: str) -> str:
    """A configured written channel (短信, 网站, …), or CentreError: a gateway cannot post a call."""
    channel = shipped_channels().get(name)
    if channel is None:
        raise CentreError(f"unknown channel {name!r}: one of {', '.join(shipped_channels().names())}")
    if not channel.written:
        raise CentreError(f"{name} is not a written channel: its orders are taken by an agent")
    return channel.name


def _check(name: str, value: str, limit: int, multiline: bool = False) -> None:
    bad = text_problem(name, value, limit, multiline)
    if bad:
        raise CentreError(f"{name}: {bad[1]}", code=bad[0])


def receive(engine: Engine, client: str, channel: str, message_id: str, text: str, *, sender_name: str = "",
            sender_phone: str = "", address: str = "", service_code: str = "",
            received_at: datetime | None = None) -> tuple[dict, bool]:
    """The message stored (True) or the one stored before under its id (False)."""
    channel = written_channel(channel)
    if not message_id.strip():
        raise CentreError("message_id is empty")
    if not text.strip():
        raise CentreError("text is empty")
    _check("message_id", message_id, LINE_TEXT["channel_message_id"])
    _check("text", text, FREE_TEXT["channel_text"], multiline=True)
    for name, value in (("sender_name", sender_name), ("sender_phone", sender_phone), ("address", address)):
        _check(name, value, LINE_TEXT[{"sender_name": "caller_name", "sender_phone": "phone"}.get(name, name)])
    _check("service_code", service_code, 64)
    with db.writing(engine) as conn:
        old = conn.execute(select(messages).where(messages.c.client == client, messages.c.channel == channel,
                                                  messages.c.message_id == message_id)).first()
        if old is not None:
            return dict(old._mapping), False
        row = dict(token=secrets.token_hex(16), client=client, channel=channel, message_id=message_id,
                   received_at=clock.iso(received_at or clock.now()), sender_name=sender_name,
                   sender_phone=sender_phone, address=address, service_code=service_code, text=text,
                   status="waiting", claimed_by=None, claimed_at=None, order_no=None, reply=None, replied_at=None)
        conn.execute(messages.insert().values(**row))
    return row, True


def by_id(engine: Engine, client: str, channel: str, message_id: str) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(messages).where(messages.c.client == client, messages.c.channel == channel,
                                                  messages.c.message_id == message_id)).first()
    return dict(row._mapping) if row else None


def by_token(engine: Engine, token: str) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(messages).where(messages.c.token == token)).first()
    return dict(row._mapping) if row else None


def reply_due(message: dict) -> str | None:
    """M-03: a message on a same-day channel is due by the end of the day it arrived."""
    channel = shipped_channels().get(message["channel"])
    if channel is None or not channel.same_day_reply:
        return None
    return message["received_at"][:10] + "T23:59:59"


# -- the seats' queue ----------------------------------------------------------------------------


def queue(engine: Engine, limit: int = 200) -> list[dict]:
    """Messages waiting for an agent, or taken by one, oldest first."""
    with engine.connect() as conn:
        rows = conn.execute(select(messages).where(messages.c.status.in_(OPEN))
                            .order_by(messages.c.received_at, messages.c.n).limit(limit))
        return [dict(r._mapping) for r in rows]


def _take(engine: Engine, token: str, who: str, change: dict | None) -> dict:
    """Claim (change None) or finish a message; only its claimer may finish it."""
    from console.centre.model import Conflict, NotFound

    with db.writing(engine) as conn:
        row = conn.execute(select(messages).where(messages.c.token == token)).first()
        if row is None:
            raise NotFound(f"no message {token[:40]}")
        if row.status not in OPEN:
            raise Conflict(f"message {row.message_id} is {row.status} already")
        if row.claimed_by and row.claimed_by != who:
            raise Conflict(f"message {row.message_id} is taken by {row.claimed_by}")
        if change is None:
            values = {"status": "claimed", "claimed_by": who, "claimed_at": clock.iso(clock.now())}
        elif row.claimed_by != who:
            raise Conflict(f"message {row.message_id} must be claimed first")
        else:
            values = change
        conn.execute(messages.update().where(messages.c.token == token).values(**values))
        return {**dict(row._mapping), **values}


def claim(engine: Engine, token: str, who: str) -> dict:
    return _take(engine, token, who, None)


def ordered(engine: Engine, token: str, who: str, order: str) -> dict:
    """The claimer made order `order` of it (the sender follows it by that number)."""
    _check("order", order, 64)
    return _take(engine, token, who, {"status": "ordered", "order_no": order})


def answered(engine: Engine, token: str, who: str, reply: str) -> dict:
    """The claimer answered it directly: the reply waits for the gateway to deliver it."""
    if not reply.strip():
        raise CentreError("reply is empty")
    _check("reply", reply, FREE_TEXT["reply"], multiline=True)
    return _take(engine, token, who, {"status": "answered", "reply": reply, "replied_at": clock.iso(clock.now())})


def release(engine: Engine, token: str, who: str) -> dict:
    """The claimer let it go (a new call before the order was saved): it waits for anyone again."""
    return _take(engine, token, who, {"status": "waiting", "claimed_by": None, "claimed_at": None})
