"""Open311 GeoReport v2 at the centre (issue 14): a civic app files and follows requests.

  GET  /open311/v2/services.json            the content classes as services (code = the taxonomy's code)
  GET  /open311/v2/requests.json            orders as service requests (filters of the spec; at most 1,000)
  GET  /open311/v2/requests/{id}.json       one order
  POST /open311/v2/requests.json            a new request: kept as a written message for an agent to
                                            take into an order; the answer is a token
  GET  /open311/v2/tokens/{token}.json      the token, with the order's number once there is one

Every call carries an Open311 client's `api_key` (`hotline centre client add NAME --kind open311`);
a missing or unknown key is 401, a key of another kind 403. What the public sees of an order is
decided by console/domain/privacy.py (`public_order`): never a caller's name or phone, nothing of a
confidential caller's order but its class and status. Errors are the spec's [{code, description}].
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime, timedelta
from urllib.parse import parse_qs

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import select

from console.centre import db, messages
from console.centre.clients import authenticate_client
from console.centre.model import CentreError, ClientInfo
from console.clock import CHINA, now
from console.domain.kinds import NOT_OPEN, STATUS_LABELS
from console.domain.order import OrderState
from console.domain.privacy import public_order
from console.domain.schedule import order_deadlines
from console.wire.state import state_from_json

PREFIX = "/open311/v2"
MAX_RESULTS = 1000  # the spec's default cap
DEFAULT_DAYS = 90  # without a date range: the last 90 days (the spec's default)
CHINA_OFFSET = "+08:00"  # stored times are China wall time; the spec wants W3C times with a zone


def _w3c(value: datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat() + CHINA_OFFSET if value is not None else None


def _error(status: int, description: str) -> JSONResponse:
    return JSONResponse(status_code=status, content=[{"code": status, "description": description}])


def _date(raw: str | None, name: str) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise CentreError(f"{name} must be a W3C date-time, e.g. 2026-11-01T00:00:00+08:00") from None
    if value.tzinfo is not None:  # to China wall time, as stored
        value = value.astimezone(CHINA).replace(tzinfo=None)
    return value


class Open311:
    """The answers, from the centre's orders and its published taxonomy."""

    def __init__(self, centre) -> None:
        self.centre = centre

    def services(self) -> list[dict]:
        out = []
        for node in self.centre.taxonomy.walk():
            out.append({"service_code": node.code, "service_name": node.name, "description": node.label,
                        "metadata": False, "type": "realtime", "keywords": node.initials, "group": node.path[0]})
        return out

    def _service(self, path: list[str]) -> tuple[str, str]:
        node = self.centre.taxonomy.find(path) if path else None
        return (node.code, node.name) if node is not None else ("", "")

    def request(self, s: OrderState, units: dict[str, str]) -> dict:
        description, address = public_order(s.description, s.address, s.confidential)
        code, name = self._service(s.content_path)
        closed = s.status in NOT_OPEN
        due = None
        if not closed:
            deadline = order_deadlines(s, self.centre.calendar, self.centre.rules).unit_due
            due = deadline.at if deadline is not None else None
        return {
            "service_request_id": s.number,
            "status": "closed" if closed else "open",
            "status_notes": STATUS_LABELS[s.status] + (f"：{s.close_reason}" if closed and s.close_reason else ""),
            "service_name": name,
            "service_code": code,
            "description": description,
            "agency_responsible": units.get(s.lead_unit, s.lead_unit),
            "service_notice": "",
            "requested_datetime": _w3c(s.created_at),
            "updated_datetime": _w3c(s.updated_at),
            "expected_datetime": _w3c(due),
            "address": address,
            "address_id": "",
            "zipcode": "",
            "lat": None,
            "long": None,
            "media_url": "",
        }

    def requests(self, ids: list[str] | None, service_codes: set[str], statuses: set[str],
                 start: datetime | None, end: datetime | None) -> list[dict]:
        with self.centre.engine.connect() as conn:
            q = select(db.orders.c.number, db.orders.c.state)
            if ids is not None:
                q = q.where(db.orders.c.number.in_(ids[:MAX_RESULTS]))
            states = [state_from_json(r.state) for r in conn.execute(q)]
            units = dict(conn.execute(select(db.units.c.code, db.units.c.name)).all())
        if ids is None and start is None and end is None:  # the spec's default window
            start = now() - timedelta(days=DEFAULT_DAYS)
        out = []
        for s in sorted(states, key=lambda s: s.created_at, reverse=True):
            if (start and s.created_at < start) or (end and s.created_at >= end):
                continue
            answer = self.request(s, units)
            if service_codes and answer["service_code"] not in service_codes:
                continue
            if statuses and answer["status"] not in statuses:
                continue
            out.append(answer)
            if len(out) >= MAX_RESULTS:
                break
        return out


def router(centre) -> APIRouter:
    api = APIRouter(prefix=PREFIX)
    answers = Open311(centre)

    async def client_of(key: str | None) -> ClientInfo:
        return await run_in_threadpool(authenticate_client, centre.engine, key, "open311")

    async def guarded(key: str | None, work):
        try:
            await client_of(key)
            return await run_in_threadpool(work)
        except CentreError as exc:
            return _error(exc.status, str(exc))

    @api.get("/services.json")
    async def services(request: Request):
        return await guarded(request.query_params.get("api_key"), answers.services)

    @api.get("/requests.json")
    async def list_requests(request: Request):
        q = request.query_params

        def work():
            ids = [i.strip() for i in q["service_request_id"].split(",") if i.strip()] \
                if q.get("service_request_id") else None
            codes = {c.strip() for c in (q.get("service_code") or "").split(",") if c.strip()}
            statuses = {c.strip() for c in (q.get("status") or "").split(",") if c.strip()}
            if statuses - {"open", "closed"}:
                raise CentreError("status must be open, closed or both")
            return answers.requests(ids, codes, statuses, _date(q.get("start_date"), "start_date"),
                                    _date(q.get("end_date"), "end_date"))

        return await guarded(q.get("api_key"), work)

    @api.get("/requests/{number}.json")
    async def one_request(number: str, request: Request):
        def work():
            found = answers.requests([number], set(), set(), None, None)
            if not found:
                return _error(404, f"no service request {number[:64]}")
            return found

        return await guarded(request.query_params.get("api_key"), work)

    @api.post("/requests.json")
    async def post_request(request: Request):
        fields = await _form(request)
        key = fields.get("api_key") or request.query_params.get("api_key")
        try:
            client = await client_of(key)
        except CentreError as exc:
            return _error(exc.status, str(exc))

        def work():
            code = fields.get("service_code", "")
            node = centre.taxonomy.find(code) if code else None
            if node is None or node.code != code:
                raise CentreError(f"service_code {code[:40]!r} is not one of services.json")
            description = fields.get("description", "").strip()
            if not description:
                raise CentreError("description is required: the request is read by an agent")
            where = fields.get("address_string", "").strip() or (
                f"{fields['lat']},{fields['long']}" if fields.get("lat") and fields.get("long") else "")
            if not where and not fields.get("address_id"):
                raise CentreError("a location is required: lat and long, address_string or address_id")
            name = f"{fields.get('last_name', '')}{fields.get('first_name', '')}".strip()
            stored, _new = messages.receive(
                centre.engine, client.name, client.channel, "o311-" + secrets.token_hex(8), description,
                sender_name=name, sender_phone=fields.get("phone", "").strip(), address=where, service_code=code)
            return JSONResponse(status_code=201, content=[{"token": stored["token"], "service_notice":
                                                           "已收到，工作人员受理后生成工单编号", "account_id": None}])

        try:
            return await run_in_threadpool(work)
        except CentreError as exc:
            return _error(exc.status, str(exc))

    @api.get("/tokens/{token}.json")
    async def token(token: str, request: Request):
        def work():
            found = messages.by_token(centre.engine, token)
            if found is None:
                return _error(404, f"no token {token[:40]}")
            out = {"token": token}
            if found["order_no"]:
                out["service_request_id"] = found["order_no"]
            return [out]

        return await guarded(request.query_params.get("api_key"), work)

    return api


async def _form(request: Request) -> dict[str, str]:
    """The POST's fields: form-encoded as the spec says, or a JSON object."""
    body = await request.body()
    kind = request.headers.get("content-type", "")
    try:
        if kind.startswith("application/json"):
            data = json.loads(body or b"{}")
            return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
        return {k: v[0] for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items()}
    except (ValueError, UnicodeDecodeError):
        return {}
