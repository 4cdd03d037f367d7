"""The channel message API (issue 14): a gateway posts the written messages of its channel and
asks after each one (its status, the order made of it, the reply to deliver). Gateway tokens
only (console/centre/clients.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Header
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from console.centre import messages
from console.centre.clients import authenticate_client
from console.centre.model import ClientInfo, NotFound
from console.domain.limits import FREE_TEXT, LINE_TEXT, OPERATOR_MAX, ORDER_MAX


class PostedMessage(BaseModel):
    message_id: str = Field(min_length=1, max_length=LINE_TEXT["channel_message_id"])
    text: str = Field(min_length=1, max_length=FREE_TEXT["channel_text"])
    sender_name: str = Field(default="", max_length=LINE_TEXT["caller_name"])
    sender_phone: str = Field(default="", max_length=LINE_TEXT["phone"])
    address: str = Field(default="", max_length=LINE_TEXT["address"])


class Claim(BaseModel):
    operator: str = Field(min_length=1, max_length=OPERATOR_MAX)


class Ordered(Claim):
    order: str = Field(min_length=1, max_length=ORDER_MAX)


class Answer(Claim):
    reply: str = Field(min_length=1, max_length=FREE_TEXT["reply"])


def seat_view(m: dict) -> dict:
    """A message as the seats' queue shows it (the sender's number goes to the agent who answers:
    the intake role sees a caller in full, console/domain/privacy.py)."""
    return {"token": m["token"], "channel": m["channel"], "message_id": m["message_id"],
            "received_at": m["received_at"], "reply_due": messages.reply_due(m), "sender_name": m["sender_name"],
            "sender_phone": m["sender_phone"], "address": m["address"], "service_code": m["service_code"],
            "text": m["text"], "status": m["status"], "claimed_by": m["claimed_by"], "order": m["order_no"]}


def _answer(m: dict, duplicate: bool | None = None) -> dict:
    out = {"message_id": m["message_id"], "channel": m["channel"], "token": m["token"], "status": m["status"],
           "received_at": m["received_at"], "reply_due": messages.reply_due(m), "order": m["order_no"],
           "reply": m["reply"], "replied_at": m["replied_at"]}
    if duplicate is not None:
        out["duplicate"] = duplicate
    return out


def router(centre) -> APIRouter:
    api = APIRouter()

    async def gateway(authorization: str | None = Header(default=None)) -> ClientInfo:
        token = authorization[7:] if authorization and authorization.startswith("Bearer ") else None
        return await run_in_threadpool(authenticate_client, centre.engine, token, "gateway")

    @api.post("/v1/channels/{channel}/messages")
    def post_message(channel: str, body: PostedMessage, client: ClientInfo = Depends(gateway)):
        stored, new = messages.receive(centre.engine, client.name, channel, body.message_id, body.text,
                                       sender_name=body.sender_name, sender_phone=body.sender_phone,
                                       address=body.address)
        return JSONResponse(status_code=201 if new else 200, content=_answer(stored, duplicate=not new))

    @api.get("/v1/channels/{channel}/messages/{message_id}")
    def get_message(channel: str, message_id: str, client: ClientInfo = Depends(gateway)):
        found = messages.by_id(centre.engine, client.name, messages.written_channel(channel), message_id)
        if found is None:
            raise NotFound(f"no message {message_id} on {channel} from {client.name}")
        return _answer(found)

    # -- the seats' message queue (seat tokens, not units) --------------------------------

    async def seat(authorization: str | None = Header(default=None)):
        from console.centre.model import Forbidden

        token = authorization[7:] if authorization and authorization.startswith("Bearer ") else None
        info = await run_in_threadpool(centre.authenticate, token)
        if info.unit:
            raise Forbidden(f"{info.seat} is a unit token: the message queue is for seats")
        return info

    @api.get("/v1/messages")
    def queue(who=Depends(seat)):
        return {"messages": [seat_view(m) for m in messages.queue(centre.engine)]}

    @api.post("/v1/messages/{token}/claim")
    def claim(token: str, body: Claim, who=Depends(seat)):
        return seat_view(messages.claim(centre.engine, token, f"{body.operator}@{who.seat}"))

    @api.post("/v1/messages/{token}/release")
    def release(token: str, body: Claim, who=Depends(seat)):
        return seat_view(messages.release(centre.engine, token, f"{body.operator}@{who.seat}"))

    @api.post("/v1/messages/{token}/ordered")
    def ordered(token: str, body: Ordered, who=Depends(seat)):
        return seat_view(messages.ordered(centre.engine, token, f"{body.operator}@{who.seat}", body.order))

    @api.post("/v1/messages/{token}/answer")
    def answer(token: str, body: Answer, who=Depends(seat)):
        return seat_view(messages.answered(centre.engine, token, f"{body.operator}@{who.seat}", body.reply))

    return api
