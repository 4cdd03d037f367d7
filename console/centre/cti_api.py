"""The CTI API (issue 14): `POST /v1/cti/events` for a telephone system's token; `GET /v1/cti/calls`
for a seat, which pops a ringing call and records the ended ones (console/centre/cti.py)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Header, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from console.centre import cti
from console.centre.clients import authenticate_client
from console.centre.model import ClientInfo, Forbidden
from console.domain.limits import SEAT_MAX, STAMP_MAX


class CtiEvent(BaseModel):
    call_id: str = Field(min_length=1, max_length=64)
    event: str = Field(min_length=1, max_length=16)
    at: datetime | None = None  # China wall time; with a zone, converted
    caller: str = Field(default="", max_length=40)
    seat: str = Field(default="", max_length=SEAT_MAX)
    to_seat: str = Field(default="", max_length=SEAT_MAX)
    event_id: str = Field(default="", max_length=128)


def _wall(at: datetime | None) -> datetime | None:
    if at is None or at.tzinfo is None:
        return at
    from console.clock import CHINA

    return at.astimezone(CHINA).replace(tzinfo=None)


def router(centre) -> APIRouter:
    api = APIRouter()

    async def telephone_system(authorization: str | None = Header(default=None)) -> ClientInfo:
        token = authorization[7:] if authorization and authorization.startswith("Bearer ") else None
        return await run_in_threadpool(authenticate_client, centre.engine, token, "cti")

    async def seat(authorization: str | None = Header(default=None)):
        token = authorization[7:] if authorization and authorization.startswith("Bearer ") else None
        info = await run_in_threadpool(centre.authenticate, token)
        if info.unit:
            raise Forbidden(f"{info.seat} is a unit token: calls ring at seats")
        return info

    @api.post("/v1/cti/events")
    def post_event(body: CtiEvent, system: ClientInfo = Depends(telephone_system)):
        call, new = cti.apply_event(centre.engine, system.name, body.call_id, body.event, _wall(body.at),
                                    caller=body.caller, seat=body.seat, to_seat=body.to_seat, event_id=body.event_id)
        return {"call": call, "duplicate": not new}

    @api.get("/v1/cti/calls")
    def calls(since: str = Query("", max_length=STAMP_MAX), who=Depends(seat)):
        return {"calls": cti.calls_of(centre.engine, who.seat, since)}

    return api
