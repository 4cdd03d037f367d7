"""The centre's tables for its outside clients (issue 14): the tokens of message gateways,
telephone systems and Open311 clients, and the written messages they bring in. Their own
MetaData, created where the centre creates its schema (db.create_all)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Integer, MetaData, String, Table, Text, UniqueConstraint
from sqlalchemy.engine import Connection

from console.domain import limits as lim
from console.domain.channels import CHANNEL_MAX

CLIENT_NAME_MAX = 64
client_metadata = MetaData()

clients = Table(
    "c_clients", client_metadata,
    Column("name", String(CLIENT_NAME_MAX), primary_key=True),
    Column("kind", String(16), nullable=False),  # console.centre.model.CLIENT_KINDS
    Column("channel", String(CHANNEL_MAX), nullable=False, server_default=""),  # what an Open311 client files as
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("revoked", Boolean, nullable=False, default=False),
    Column("enrolled_at", String(lim.STAMP_MAX), nullable=False),
)

messages = Table(
    "c_channel_messages", client_metadata,
    Column("n", Integer, primary_key=True, autoincrement=True),  # arrival order
    Column("token", String(40), nullable=False, unique=True),  # what the sender follows it by
    Column("client", String(CLIENT_NAME_MAX), nullable=False),
    Column("channel", String(CHANNEL_MAX), nullable=False),
    Column("message_id", String(lim.LINE_TEXT["channel_message_id"]), nullable=False),
    Column("received_at", String(lim.STAMP_MAX), nullable=False),
    Column("sender_name", String(lim.LINE_TEXT["caller_name"]), nullable=False, server_default=""),
    Column("sender_phone", String(lim.LINE_TEXT["phone"]), nullable=False, server_default=""),
    Column("address", String(lim.LINE_TEXT["address"]), nullable=False, server_default=""),
    Column("service_code", String(64), nullable=False, server_default=""),
    Column("text", Text, nullable=False),
    Column("status", String(16), nullable=False),  # waiting | claimed | ordered | answered
    Column("claimed_by", String(lim.SEAT_MAX + lim.OPERATOR_MAX + 1)),  # operator@seat
    Column("claimed_at", String(lim.STAMP_MAX)),
    Column("order_no", String(lim.ORDER_MAX)),
    Column("reply", Text),
    Column("replied_at", String(lim.STAMP_MAX)),
    UniqueConstraint("client", "channel", "message_id", name="uq_c_channel_messages_id"),
)


cti_calls = Table(  # a call as the telephone system reports it (console/centre/cti.py)
    "c_cti_calls", client_metadata,
    Column("call_id", String(64), primary_key=True),
    Column("system", String(CLIENT_NAME_MAX), nullable=False),
    Column("seat", String(lim.SEAT_MAX), nullable=False, index=True),  # where it rings or is talked on now
    Column("caller", String(lim.LINE_TEXT["phone"]), nullable=False, server_default=""),
    Column("state", String(16), nullable=False),  # ringing | answered | held | ended
    Column("offered_at", String(lim.STAMP_MAX), nullable=False),
    Column("answered_at", String(lim.STAMP_MAX)),
    Column("ended_at", String(lim.STAMP_MAX)),
    Column("transferred_from", String(lim.SEAT_MAX)),
    Column("updated_at", String(lim.STAMP_MAX), nullable=False, index=True),
)

cti_events = Table(  # the events applied, for idempotency: the same event again changes nothing
    "c_cti_events", client_metadata,
    Column("system", String(CLIENT_NAME_MAX), primary_key=True),
    Column("event_id", String(128), primary_key=True),
    Column("call_id", String(64), nullable=False),
)


def create_client_tables(conn: Connection) -> None:
    client_metadata.create_all(conn)
