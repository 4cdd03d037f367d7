"""The wire format shared by the seat and the centre (protocol version 1).

Every call carries `X-Hotline-Protocol` and `Authorization: Bearer <seat token>`. The centre
answers 426 to a protocol it does not speak; the seat then stops syncing and keeps its outbox.
"""

from __future__ import annotations

PROTOCOL_VERSION = 1
MIN_PROTOCOL = 1  # the oldest seat protocol the centre still accepts
PROTOCOL_HEADER = "X-Hotline-Protocol"
TIME_HEADER = "X-Hotline-Time"  # the centre's wall clock (epoch ms) on every answer: clock offset
PUSH_BATCH = 500
PULL_LIMIT = 250  # per pull and per local transaction: a console write never waits long
# The largest request body the centre reads (413 above it): a full push batch of events at their
# limits (console/domain/limits.py: payload 16,000 characters, up to 3 bytes each) fits under it.
MAX_BODY_BYTES = 32 * 1024 * 1024
