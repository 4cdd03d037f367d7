"""The hotline's wall clock: naive local China time, the time every rule is written in."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import overload

CHINA = timezone(timedelta(hours=8), "CST")  # no DST in China: a fixed offset needs no tzdata


def now() -> datetime:
    return datetime.now(CHINA).replace(tzinfo=None, microsecond=0)


@overload
def iso(value: datetime) -> str: ...
@overload
def iso(value: None) -> None: ...
def iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None
