"""Identifiers made without the centre: UUIDv7 event ids and hybrid logical clock stamps."""

from __future__ import annotations

import os
import time
import uuid


def uuid7() -> str:
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version
    value |= ((rand >> 68) & 0xFFF) << 64
    value |= 0b10 << 62  # variant
    value |= rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=value))


def next_hlc(last: str | None, wall_ms: int | None = None) -> str:
    """Hybrid logical clock: never goes backwards even when the wall clock does."""
    wall_ms = time.time_ns() // 1_000_000 if wall_ms is None else wall_ms
    if last:
        last_ms, last_logical = (int(x) for x in last.split(":"))
        if wall_ms <= last_ms:
            return f"{last_ms:013d}:{last_logical + 1:05d}"
    return f"{wall_ms:013d}:{0:05d}"
