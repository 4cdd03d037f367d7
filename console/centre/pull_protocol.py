"""The long poll answered by the connection itself: uvicorn's HTTP protocol (httptools), with a
plain pull for a seat the tail knows answered here, without an ASGI task, request cycle or send
messages per answer. A wake of a thousand waiting seats then costs a thousand writes of one shared
body, not a thousand tasks through the ASGI stack (console/centre/fast_pull.py is the same path in
ASGI, used when this protocol is not: `hotline centre serve` selects it, tests' servers may not).

Only the plain case is taken: GET /v1/sync/pull, no request in flight on the connection, the
parameters and token as fast_pull accepts them, the events held by the tail. Anything else goes
to uvicorn and the app as before. While a pull waits here the connection holds a stand-in for
uvicorn's request cycle, so a pipelined request queues behind it and a shutdown answers it at once.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from console.centre.fast_pull import FastPull, _params
from console.centre.tail import Tail
from console.wire.protocol import TIME_HEADER

_PATH = b"/v1/sync/pull"
_START = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n"
_TIME = TIME_HEADER.lower().encode()


class _Ignored:
    def set(self) -> None:
        """uvicorn tells a request's cycle that its body or the connection moved; a pull has none."""


class _Held:
    """What uvicorn's protocol asks of the request in flight (RequestResponseCycle)."""

    def __init__(self, keep_alive: bool) -> None:
        self.response_complete = False
        self.keep_alive = keep_alive
        self.disconnected = False
        self.more_body = False
        self.body = b""
        self.message_event = _Ignored()


class PullProtocol(HttpToolsProtocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._held: _Held | None = None
        self._wait: tuple[Tail, int, int, float] | None = None  # tail, after, limit, deadline
        self._watching = False  # registered with the tail for its next wake
        self._timer: asyncio.TimerHandle | None = None

    def on_headers_complete(self) -> None:
        if not self._take():
            super().on_headers_complete()

    def _take(self) -> bool:
        if self.parser.get_method() != b"GET" or not self.url.startswith(_PATH):
            return False
        if self.cycle is not None and not self.cycle.response_complete:
            return False  # pipelined behind a request in flight: uvicorn queues it
        path, _, query = self.url.partition(b"?")
        if path != _PATH or self.parser.should_upgrade() or self.limit_concurrency is not None:
            return False
        app = self.app
        tail = app.tail_of() if isinstance(app, FastPull) else None
        if tail is None or not tail.ready:
            return False
        params = _params({"headers": self.headers, "query_string": query}, tail)
        if params is None:
            return False
        after, wait, limit = params
        if tail.answer(after, limit) is None:
            return False  # older than the tail holds: the app reads the database
        keep_alive = self.parser.get_http_version() != "1.0" and self.parser.should_keep_alive()
        self._held = _Held(keep_alive)
        self.cycle = self._held  # type: ignore[assignment]
        self._wait = (tail, after, limit, self.loop.time() + wait)
        self._look()
        return True

    def _look(self) -> None:
        """Answer if there is something to say (or the wait is over); else wait for the next wake."""
        if self._wait is None:
            return
        tail, after, limit, deadline = self._wait
        self._stop_waiting()
        answer = tail.answer(after, limit)
        if answer is None:  # the tail moved past it while we waited: an empty answer, the seat asks again
            self._answer(f'{{"events":[],"head":{after},"reference":{tail.reference}}}'.encode())
            return
        body, count = answer
        remaining = deadline - self.loop.time()
        if count or remaining <= 0:
            self._answer(body)
            return
        tail.watch(self._look)  # on the loop, as this look: nothing committed since is missed
        self._watching = True
        self._timer = self.loop.call_later(remaining, self._look)
        tail.park()

    def _stop_waiting(self) -> None:
        if self._watching:
            assert self._wait is not None
            tail = self._wait[0]
            tail.unpark()
            tail.unwatch(self._look)  # gone already when the wake called us
            self._watching = False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _answer(self, body: bytes) -> None:
        held, self._held, self._wait = self._held, None, None
        assert held is not None
        head = [_START, b"content-length: ", str(len(body)).encode(), b"\r\n",
                _TIME, b": ", str(int(time.time() * 1000)).encode(), b"\r\n"]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        if not held.keep_alive:
            head.append(b"connection: close\r\n")
        head.append(b"\r\n")
        self.transport.write(b"".join(head) + body)
        held.response_complete = True
        if not held.keep_alive:
            self.transport.close()
            return
        self.on_response_complete()

    def shutdown(self) -> None:
        if self._held is not None:  # a waiting pull is answered now; the seat goes to the next centre
            self._held.keep_alive = False
            if self._wait is not None:
                self._wait = (*self._wait[:3], 0.0)
                self._look()
            return
        super().shutdown()

    def connection_lost(self, exc: Exception | None) -> None:
        if self._held is not None:
            self._stop_waiting()
            self._held.response_complete = True  # nothing left to answer
            self._held, self._wait = None, None
        super().connection_lost(exc)
