"""The long poll's hot path as plain ASGI, in front of FastAPI: a pull the tail can answer for a
known seat token costs a dictionary look-up and one write, not FastAPI's routing, dependencies and
validation (which, per request, would cap the seats a process can wake in a second).

Anything else, or anything unusual (a parameter out of range, an unknown or unit token, a protocol
the centre does not speak, a seat behind the tail), goes to the app, which answers as before.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any
from urllib.parse import parse_qsl

from console.centre.service import token_hash
from console.centre.tail import Tail
from console.wire.protocol import MIN_PROTOCOL, PROTOCOL_HEADER, PROTOCOL_VERSION, PULL_LIMIT, TIME_HEADER

_PROTOCOL = PROTOCOL_HEADER.lower().encode()
_TIME = TIME_HEADER.lower().encode()


class FastPull:
    def __init__(self, app: Any, tail_of: Any):
        self.app = app
        self.tail_of = tail_of  # () -> the running Tail, or None before the lifespan started

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/v1/sync/pull" and scope["method"] == "GET":
            tail = self.tail_of()
            params = _params(scope, tail) if tail is not None and tail.ready else None
            if params is not None:
                after, wait, limit = params
                deadline = time.monotonic() + wait
                while True:
                    changed = tail.changed()  # taken before looking: a change in between still wakes us
                    answer = tail.answer(after, limit)
                    if answer is None:
                        break  # behind the tail (it moved on while we waited): the app reads the database
                    body, count = answer
                    remaining = deadline - time.monotonic()
                    if count or remaining <= 0:
                        await _send(send, body)
                        return
                    tail.park()
                    try:
                        await asyncio.wait_for(changed.wait(), timeout=remaining)
                    except TimeoutError:
                        pass
                    finally:
                        tail.unpark()
        await self.app(scope, receive, send)


def _params(scope: dict, tail: Tail) -> tuple[int, float, int] | None:
    """(after, wait, limit) when this request is the plain case, else None (the app decides)."""
    headers = dict(scope.get("headers") or ())
    raw = headers.get(_PROTOCOL, b"")
    if not raw.isdigit() or not MIN_PROTOCOL <= int(raw) <= PROTOCOL_VERSION:
        return None
    auth = headers.get(b"authorization", b"")
    if not auth.startswith(b"Bearer "):
        return None
    known = tail.seat(token_hash(auth[7:].decode("latin-1")))
    if known is None or known[1] or known[0].unit:  # unknown, revoked or a unit: the app says so
        return None
    try:
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), strict_parsing=False))
        after, wait = int(query.get("after", "0")), float(query.get("wait", "0"))
        limit = int(query.get("limit", str(PULL_LIMIT)))
    except ValueError:
        return None
    if after < 0 or not 0 <= wait <= 60 or not 1 <= limit <= 5000:
        return None
    return after, wait, limit


async def _send(send: Any, body: bytes) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (_TIME, str(int(time.time() * 1000)).encode())]})
    await send({"type": "http.response.body", "body": body})
