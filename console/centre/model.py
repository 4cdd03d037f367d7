"""The centre's errors (each with its HTTP status) and the small records its parts share."""

from __future__ import annotations

from dataclasses import dataclass, field

from console.domain.order import OrderState


class CentreError(Exception):
    status = 400

    def __init__(self, message: str, **extra):
        super().__init__(message)
        self.extra = extra


class Unauthorized(CentreError):
    status = 401


class Forbidden(CentreError):
    status = 403


class Gap(CentreError):
    """The first new event is not the next seat_seq the centre expects."""

    status = 409


class NotFound(CentreError):
    status = 404


class Refused(CentreError):
    """A unit's action that decide() refused (units call the API directly: nothing is queued)."""

    status = 422


@dataclass(frozen=True)
class SeatInfo:
    seat: str
    roles: frozenset[str]
    unit: str | None


@dataclass
class _Batch:
    """Order states read and changed inside one write transaction."""

    states: dict[str, OrderState | None] = field(default_factory=dict)
    stored: set[str] = field(default_factory=set)  # numbers that already have a c_orders row
    dirty: set[str] = field(default_factory=set)


@dataclass
class PushOutcome:
    results: list[dict] = field(default_factory=list)
    head: int = 0
