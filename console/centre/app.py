"""The centre's HTTP API (FastAPI). Thin: checks the protocol version and the seat token on every
call, then hands over to console.centre.service.Centre."""

from __future__ import annotations

import asyncio
import json
import time
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI, Header, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError

from console.centre import channels_api, cti_api, open311
from console.centre.body_limit import BodyLimit
from console.centre.model import Forbidden
from console.centre.rollups import RollupWorker
from console.centre.service import Centre, CentreError, SeatInfo
from console.domain.limits import ID_MAX, OPERATOR_MAX, ORDER_MAX
from console.wire.events import storable
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


class _Waker:
    """Wakes long polls when a push commits; created on the server's loop, poked from threads."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop = loop
        self.event = asyncio.Event()

    def poke(self, _head: int) -> None:
        self.loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        self.event.set()
        self.event = asyncio.Event()


def create_app(centre: Centre, docs: bool = False) -> FastAPI:
    """`docs`: serve /docs and /openapi.json (`hotline centre serve --docs`); off by default, the
    API's map is not for whoever reaches the port."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.waker = _Waker(asyncio.get_running_loop())
        centre.on_commit(app.state.waker.poke)
        rollups = RollupWorker(centre).start()  # the figures kept current off the push path (issue 15)
        yield
        rollups.stop()

    app = FastAPI(title="12345 hotline centre", version=str(PROTOCOL_VERSION), lifespan=lifespan,
                  docs_url="/docs" if docs else None, redoc_url=None,
                  openapi_url="/openapi.json" if docs else None)
    app.state.centre = centre
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES)

    @app.middleware("http")
    async def protocol_and_clock(request: Request, call_next):
        if request.url.path.startswith("/v1/"):
            raw = request.headers.get(PROTOCOL_HEADER)
            version = int(raw) if raw and raw.isascii() and raw.isdigit() else 0
            if version < MIN_PROTOCOL or version > PROTOCOL_VERSION:
                return _stamp(JSONResponse(status_code=426, content={
                    "error": "upgrade",
                    "message": (f"protocol {raw or 'missing'} not supported: this centre speaks "
                                f"{MIN_PROTOCOL}..{PROTOCOL_VERSION}; upgrade the seat (its outbox is kept)"),
                    "protocol": PROTOCOL_VERSION}))
        return _stamp(await call_next(request))

    @app.exception_handler(DBAPIError)
    async def unavailable(_request: Request, exc: DBAPIError):
        # Temporary trouble (database locked, restarting, unreachable): the transaction rolled
        # back, nothing was advanced; the seat retries with backoff.
        return _stamp(JSONResponse(status_code=503, content={"error": "unavailable", "message": str(exc)[:200]}))

    @app.exception_handler(RequestValidationError)
    async def malformed(_request: Request, exc: RequestValidationError):
        # Named by place and problem only: the input as sent may hold what JSON cannot encode.
        where = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors()[:5])
        return _stamp(JSONResponse(status_code=422, content={"error": "malformed", "message": storable(where, 500)}))

    @app.exception_handler(CentreError)
    async def centre_error(_request: Request, exc: CentreError):
        return _stamp(JSONResponse(status_code=exc.status, content={
            "error": type(exc).__name__.lower(), "message": str(exc), **exc.extra}))

    async def seat_of(authorization: str | None = Header(default=None)) -> SeatInfo:
        token = authorization[7:] if authorization and authorization.startswith("Bearer ") else None
        return await run_in_threadpool(centre.authenticate, token)

    async def seat_not_unit(seat: SeatInfo = Depends(seat_of)) -> SeatInfo:
        """The seats' log (every unit's orders, every caller) is for seats: a unit has its own feed."""
        if seat.unit:
            raise Forbidden(f"{seat.seat} is a unit token: use /v1/unit/orders")
        return seat

    @app.get("/healthz")
    def healthz():
        return {"ok": True, "head": centre.head(), "protocol": PROTOCOL_VERSION}

    @app.get("/v1/hello")
    def hello(seat: SeatInfo = Depends(seat_of)):
        return {"seat": seat.seat, "roles": sorted(seat.roles), "unit": seat.unit, "protocol": PROTOCOL_VERSION,
                "head": centre.head()}

    @app.post("/v1/sync/push")
    def push(body: PushRequest, seat: SeatInfo = Depends(seat_not_unit)):
        outcome = centre.push(seat, [e.model_dump() for e in body.events])
        return _json({"results": outcome.results, "head": outcome.head})

    @app.get("/v1/sync/pull")
    async def pull(after: int = Query(0, ge=0), wait: float = Query(0, ge=0, le=60),
                   limit: int = Query(PULL_LIMIT, ge=1, le=5000), seat: SeatInfo = Depends(seat_not_unit)):
        deadline = time.monotonic() + wait
        waker: _Waker = app.state.waker
        while True:
            pending = waker.event  # taken before reading: a commit in between still wakes us
            events = await run_in_threadpool(centre.pull, after, limit)
            remaining = deadline - time.monotonic()
            if events or remaining <= 0:
                head = events[-1]["seq"] if events else after
                reference = await run_in_threadpool(centre.reference_version)
                return _json({"events": events, "head": head, "reference": reference})
            # Poll at least once a second too: another centre process may have committed.
            try:
                await asyncio.wait_for(pending.wait(), timeout=min(remaining, 1.0))
            except TimeoutError:
                pass

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

    @app.get("/v1/reference")
    def reference(after: int = Query(0, ge=0), seat: SeatInfo = Depends(seat_of)):
        return centre.reference(after, seat)

    app.include_router(channels_api.router(centre))  # issue 14: message gateways
    app.include_router(open311.router(centre))  # issue 14: Open311 GeoReport v2
    app.include_router(cti_api.router(centre))  # issue 14: the telephone system
    return app


def _json(content: dict) -> Response:
    """Plain JSON values: skip FastAPI's generic encoder, which dominates a 1,000-event pull."""
    return Response(json.dumps(content, ensure_ascii=False, separators=(",", ":")), media_type="application/json")


def _stamp(response):
    response.headers[TIME_HEADER] = str(int(time.time() * 1000))
    return response
