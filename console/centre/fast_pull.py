"""The long poll's hot path as plain ASGI, wrapped around the FastAPI app: a pull the tail can answer for a
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
        self.state = app.state  # the app's state (its tail, its gates), as the app itself has it
        self.tail_of = tail_of  # () -> the running Tail, or None before the lifespan started

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"] == "/v1/sync/pull" and scope["method"] == "GET":
            tail = self.tail_of()
            params = _params(scope, tail) if tail is not None and tail.ready else None
            if params is not None:
                after, wait, limit = params
                loop = asyncio.get_running_loop()
                deadline = loop.time() + wait
                while True:
                    woken = tail.waiter()  # taken before looking: a change in between still wakes us
                    try:
                        answer = tail.answer(after, limit)
                        if answer is None:
                            break  # behind the tail (it moved on while we waited): the app reads the database
                        body, count = answer
                        remaining = deadline - loop.time()
                        if count or remaining <= 0:
                            await _send(send, body)
                            return
                        tail.park()
                        timer = loop.call_later(remaining, _expire, woken)
                        try:
                            await woken
                        finally:
                            timer.cancel()
                            tail.unpark()
                    finally:
                        tail.drop_waiter(woken)
        await self.app(scope, receive, send)


def _expire(fut: asyncio.Future[None]) -> None:
    if not fut.done():
        fut.set_result(None)


_hashes: dict[bytes, str] = {}  # a seat's Authorization header -> its token's hash (no sha256 per poll)


def _token_hash(auth: bytes) -> str:
    found = _hashes.get(auth)
    if found is None:
        if len(_hashes) > 100_000:  # tokens of seats long gone: start afresh
            _hashes.clear()
        found = _hashes[auth] = token_hash(auth[7:].decode("latin-1"))
    return found


def _params(scope: dict, tail: Tail) -> tuple[int, float, int] | None:
    """(after, wait, limit) when this request is the plain case, else None (the app decides)."""
    headers = dict(scope.get("headers") or ())
    if headers.get(b"content-length", b"0") != b"0" or b"transfer-encoding" in headers:
        return None  # a pull has no body: one that comes with one meets the app's body limit
    raw = headers.get(_PROTOCOL, b"")
    if not raw.isdigit() or not MIN_PROTOCOL <= int(raw) <= PROTOCOL_VERSION:
        return None
    auth = headers.get(b"authorization", b"")
    if not auth.startswith(b"Bearer "):
        return None
    known = tail.seat(_token_hash(auth))
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
