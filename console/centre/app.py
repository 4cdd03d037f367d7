"""The centre's HTTP API (FastAPI). Thin: checks the protocol version and the seat token on every
call, then hands over to console.centre.service.Centre."""

from __future__ import annotations

import asyncio
import json
import random
import time
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from starlette.background import BackgroundTask

from console import clock
from console.centre import channels_api, cti_api, open311, rollups
from console.centre.body_limit import BodyLimit
from console.centre.db import is_sqlite
from console.centre.fast_pull import FastPull
from console.centre.listen import Listener
from console.centre.model import Forbidden, Unauthorized
from console.centre.rollups import RollupWorker
from console.centre.service import Centre, CentreError, SeatInfo, token_hash
from console.centre.shed import Gate
from console.centre.tail import Tail
from console.domain.limits import ID_MAX, OPERATOR_MAX, ORDER_MAX, UNIT_MAX
from console.wire.events import storable
from console.wire.figures import report_to_wire
from console.wire.protocol import (
    MAX_BODY_BYTES,
    MIN_PROTOCOL,
    PROTOCOL_HEADER,
    PROTOCOL_VERSION,
    PULL_LIMIT,
    TIME_HEADER,
)


class WireEvent(BaseModel):
    """Only what ordering needs is checked here; a malformed event is rejected by the centre one
    by one (logged with a seq) so it cannot block the seat's queue with a 422 for the batch."""

    model_config = {"extra": "allow"}
    id: str = Field(min_length=1, max_length=ID_MAX, pattern=r"^[0-9A-Za-z_.-]+$")  # a seat makes UUIDs
    seat: str
    seat_seq: int


class PushRequest(BaseModel):
    events: list[WireEvent] = Field(max_length=5000)


class LeaseRequest(BaseModel):
    order: str = Field(min_length=1, max_length=ORDER_MAX)
    operator: str = Field(min_length=1, max_length=OPERATOR_MAX)
    ttl: float = Field(default=120.0, gt=0, le=3600)


class UnitReply(BaseModel):
    reply: str
    operator: str = "unit"


class UnitReturn(BaseModel):
    reason: str
    operator: str = "unit"


class UnitExtension(BaseModel):
    days: int
    reason: str
    operator: str = "unit"


class ProtocolAndClock:
    """Pure ASGI (cheap on the long-poll path): refuses a /v1/ call in a protocol this centre does
    not speak with 426, and stamps every answer with the centre's clock."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def stamped(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()),
                                      (TIME_HEADER.lower().encode(), str(int(time.time() * 1000)).encode())]
            await send(message)

        if scope["path"].startswith("/v1/"):
            raw = dict(scope.get("headers") or []).get(PROTOCOL_HEADER.lower().encode(), b"").decode("latin-1")
            version = int(raw) if raw and raw.isascii() and raw.isdigit() else 0
            if version < MIN_PROTOCOL or version > PROTOCOL_VERSION:
                refusal = JSONResponse(status_code=426, content={
                    "error": "upgrade",
                    "message": (f"protocol {raw or 'missing'} not supported: this centre speaks "
                                f"{MIN_PROTOCOL}..{PROTOCOL_VERSION}; upgrade the seat (its outbox is kept)"),
                    "protocol": PROTOCOL_VERSION})
                await refusal(scope, receive, stamped)
                return
        await self.app(scope, receive, stamped)


class Gates:
    """What is bounded per process (console/centre/shed.py): pushes (each holds a database
    connection while it waits for the seq counter) and reads of the database on a seat's behalf
    (a pull older than the tail, a token the tail does not know)."""

    def __init__(self) -> None:
        self.push = Gate("pushes", size=8, queue=200)
        self.read = Gate("database reads", size=8, queue=200)


def create_app(centre: Centre, docs: bool = False, tail_poll: float | None = None, fold: bool = True) -> FastPull:
    """`docs`: serve /docs and /openapi.json (`hotline centre serve --docs`); off by default, the
    API's map is not for whoever reaches the port. `tail_poll`: seconds between the tail's timed
    reads (default 1 s on SQLite; 5 s on PostgreSQL, where NOTIFY says when to read). `fold`: keep
    the rollups current in this process (off when they have a process of their own:
    console/centre/rollup_process.py)."""
    sqlite = is_sqlite(centre.engine)
    poll = tail_poll if tail_poll is not None else (1.0 if sqlite else 5.0)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        tail = Tail(centre.engine, poll=poll)
        app.state.tail = tail
        app.state.gates = Gates()
        tail.start(asyncio.get_running_loop())
        centre.on_commit(tail.catch_up, rows=True)
        listener = None if sqlite else Listener(centre.engine, tail.poke, centre.origin).start()
        app.state.listener = listener
        rollups = RollupWorker(centre).start() if fold else None  # the figures kept current off the push path
        try:
            yield
        finally:
            if rollups:
                rollups.stop()
            centre.off_commit(tail.catch_up)
            if listener:
                listener.stop()
            tail.stop()

    app = FastAPI(title="12345 hotline centre", version=str(PROTOCOL_VERSION), lifespan=lifespan,
                  docs_url="/docs" if docs else None, redoc_url=None,
                  openapi_url="/openapi.json" if docs else None)
    app.state.centre = centre
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)
    app.add_middleware(ProtocolAndClock)

    @app.exception_handler(DBAPIError)
    async def unavailable(_request: Request, exc: DBAPIError):
        # Temporary trouble (database locked, restarting, unreachable): the transaction rolled
        # back, nothing was advanced; the seat retries with backoff.
        return JSONResponse(status_code=503, content={"error": "unavailable", "message": str(exc)[:200]},
                            headers={"Retry-After": str(random.randint(1, 5))})

    @app.exception_handler(RequestValidationError)
    async def malformed(_request: Request, exc: RequestValidationError):
        # Named by place and problem only: the input as sent may hold what JSON cannot encode.
        where = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()[:5])
        return JSONResponse(status_code=422, content={"error": "malformed", "message": storable(where, 500)})

    @app.exception_handler(CentreError)
    async def centre_error(_request: Request, exc: CentreError):
        retry = getattr(exc, "retry_after", None)
        return JSONResponse(status_code=exc.status, content={
            "error": type(exc).__name__.lower(), "message": str(exc), **exc.extra},
            headers={"Retry-After": str(retry)} if retry else None)

    async def seat_of(request: Request, authorization: str | None = Header(default=None)) -> SeatInfo:
        token = authorization[7:] if authorization and authorization.startswith("Bearer ") else None
        if token:
            known = request.app.state.tail.seat(token_hash(token))  # no query per request
            if known is not None:
                seat, revoked = known
                if revoked:
                    raise Unauthorized(f"seat {seat.seat} has been revoked")
                return seat
        async with request.app.state.gates.read.enter():  # enrolled since the tail's last read, or unknown
            return await run_in_threadpool(centre.authenticate, token)

    async def seat_not_unit(seat: SeatInfo = Depends(seat_of)) -> SeatInfo:
        """The seats' log (every unit's orders, every caller) is for seats: a unit has its own feed."""
        if seat.unit:
            raise Forbidden(f"{seat.seat} is a unit token: use /v1/unit/orders")
        return seat

    async def head_of(request: Request) -> int:
        tail: Tail = request.app.state.tail
        return tail.head if tail.ready else await run_in_threadpool(centre.head)

    @app.get("/healthz")
    async def healthz(request: Request):
        return {"ok": True, "head": await head_of(request), "protocol": PROTOCOL_VERSION}

    @app.get("/v1/hello")
    async def hello(request: Request, seat: SeatInfo = Depends(seat_of)):
        return {"seat": seat.seat, "roles": sorted(seat.roles), "unit": seat.unit, "protocol": PROTOCOL_VERSION,
                "head": await head_of(request)}

    @app.post("/v1/sync/push")
    async def push(request: Request, body: PushRequest, seat: SeatInfo = Depends(seat_not_unit)):
        tail: Tail = request.app.state.tail
        async with request.app.state.gates.push.enter():
            outcome = await run_in_threadpool(tail.run_deferring_wake, centre.push, seat,
                                              [e.model_dump() for e in body.events])
        answer = _json({"results": outcome.results, "head": outcome.head})
        answer.background = BackgroundTask(tail.wake)  # after the answer is sent: then the fan-out
        return answer

    @app.get("/v1/sync/pull")
    async def pull(request: Request, after: int = Query(0, ge=0), wait: float = Query(0, ge=0, le=60),
                   limit: int = Query(PULL_LIMIT, ge=1, le=5000), seat: SeatInfo = Depends(seat_not_unit)):
        """Answered from the tail when it holds `after`; a seat further behind reads the database
        (bounded: beyond the gate's queue, 503 + Retry-After). Waiting costs nothing: the tail's
        one reader wakes every waiter when something is committed."""
        tail: Tail = request.app.state.tail
        deadline = time.monotonic() + wait
        while True:
            woken = tail.waiter()  # taken before looking: a change in between still wakes us
            try:
                answer = tail.answer(after, limit)
                if answer is None:
                    async with request.app.state.gates.read.enter():
                        events = await run_in_threadpool(centre.pull, after, limit)
                        reference = tail.reference if tail.ready else await run_in_threadpool(centre.reference_version)
                    if events or deadline <= time.monotonic():
                        return _json({"events": events, "head": events[-1]["seq"] if events else after,
                                      "reference": reference})
                else:
                    body, count = answer
                    if count or deadline <= time.monotonic():
                        return Response(body, media_type="application/json")
                tail.park()
                try:
                    await asyncio.wait_for(woken, timeout=deadline - time.monotonic())
                except TimeoutError:
                    pass
                finally:
                    tail.unpark()
            finally:
                tail.drop_waiter(woken)

    @app.post("/v1/leases")
    def take_lease(body: LeaseRequest, seat: SeatInfo = Depends(seat_not_unit)):
        return centre.lease(seat, body.order, body.operator, body.ttl)

    @app.delete("/v1/leases/{order}")
    def release_lease(order: str, fence: int, seat: SeatInfo = Depends(seat_not_unit)):
        return {"released": centre.release(seat, order, fence)}

    @app.get("/v1/unit/orders")
    def unit_orders(status: str | None = None, seat: SeatInfo = Depends(seat_of)):
        if not seat.unit:
            raise Forbidden(f"{seat.seat} is not a unit token")  # 403: a token of another kind
        return {"unit": seat.unit, "orders": centre.unit_orders(seat.unit, status)}

    @app.post("/v1/unit/orders/{number}/reply")
    def unit_reply(number: str, body: UnitReply, seat: SeatInfo = Depends(seat_of)):
        return centre.unit_act(seat, number, "unit_replied", {"reply": body.reply}, body.operator)

    @app.post("/v1/unit/orders/{number}/return")
    def unit_return(number: str, body: UnitReturn, seat: SeatInfo = Depends(seat_of)):
        return centre.unit_act(seat, number, "unit_returned", {"reason": body.reason}, body.operator)

    @app.post("/v1/unit/orders/{number}/extension")
    def unit_extension(number: str, body: UnitExtension, seat: SeatInfo = Depends(seat_of)):
        return centre.unit_act(seat, number, "extension_requested", {"days": body.days, "reason": body.reason},
                               body.operator)

    @app.get("/v1/stats")
    def stats(start: datetime = Query(alias="from"), end: datetime = Query(alias="to"),
              at: datetime | None = None, unit: str | None = Query(None, max_length=UNIT_MAX),
              listed: bool = False, seat: SeatInfo = Depends(seat_not_unit)):
        """M-06..M-11 and the month per unit from the rollups, read only (the worker keeps them
        current; a read never takes the write lock), with how far they are behind the log."""
        return stats_answer(centre, start, end, at or clock.now(), unit, listed)

    @app.get("/v1/reference")
    def reference(after: int = Query(0, ge=0), seat: SeatInfo = Depends(seat_of)):
        return centre.reference(after, seat)

    app.include_router(channels_api.router(centre))  # issue 14: message gateways
    app.include_router(open311.router(centre))  # issue 14: Open311 GeoReport v2
    app.include_router(cti_api.router(centre))  # issue 14: the telephone system
    # Outside FastAPI, not one of its middlewares: those run inside Starlette's own (errors,
    # telemetry, body limit), which cost a long poll more than everything it does itself.
    return FastPull(app, tail_of=lambda: getattr(app.state, "tail", None))


def stats_answer(centre: Centre, start: datetime, end: datetime, now: datetime, unit: str | None,
                 listed: bool) -> Response:
    if end <= start:
        return JSONResponse(status_code=422, content={"error": "malformed", "message": "'to' must be after 'from'"})
    rep = rollups.report(centre.engine, start.replace(tzinfo=None), end.replace(tzinfo=None),
                         now.replace(tzinfo=None), unit, listed=listed)
    behind = rollups.lag(centre.engine)
    return _json({"report": report_to_wire(rep), "as_of": behind.as_of, "head": behind.head,
                  "catching_up": None if behind.current else {
                      "done": behind.done, "total": behind.total, "building": behind.building,
                      "message": behind.english()}})


def _json(content: dict) -> Response:
    """Plain JSON values: skip FastAPI's generic encoder, which dominates a 1,000-event pull."""
    return Response(json.dumps(content, ensure_ascii=False, separators=(",", ":")), media_type="application/json")

