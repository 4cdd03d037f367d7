"""The centre's errors (each with its HTTP status) and the small records its parts share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy.engine import Connection, Engine

from console.domain.calendar import WorkCalendar
from console.domain.decide import Context
from console.domain.order import OrderState
from console.domain.settings import Rules


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


class Conflict(CentreError):
    """Someone else holds it, or it is finished (a channel message another agent took)."""

    status = 409


class Refused(CentreError):
    """A unit's action that decide() refused (units call the API directly: nothing is queued)."""

    status = 422


@dataclass(frozen=True)
class SeatInfo:
    seat: str
    roles: frozenset[str]
    unit: str | None


# The centre's outside clients (issue 14), each with its own token and its own endpoints: a
# message gateway (/v1/channels), a telephone system (/v1/cti), an Open311 client (/open311/v2).
CLIENT_KINDS = ("gateway", "cti", "open311")


@dataclass(frozen=True)
class ClientInfo:
    name: str
    kind: str
    channel: str = ""  # an Open311 client's requests arrive on this channel


@dataclass
class _Batch:
    """Order states read and changed inside one write transaction."""

    states: dict[str, OrderState | None] = field(default_factory=dict)
    stored: set[str] = field(default_factory=set)  # numbers that already have a c_orders row
    dirty: set[str] = field(default_factory=set)
    operators: dict[str, tuple[bool, frozenset[str]]] | None = None  # id -> (active, roles), read once
    leases_ended: set[str] = field(default_factory=set)  # orders dispatched in the batch: their leases go


@dataclass
class PushOutcome:
    results: list[dict] = field(default_factory=list)
    head: int = 0


class CentreCore(Protocol):
    """What the centre's parts (leases, reference data, the units' actions) use of the Centre they
    are mixed into: the type their methods' `self` has."""

    engine: Engine
    _taxonomy: Any
    _rules: Any
    _calendar: Any
    _unit_codes: frozenset[str] | None

    @property
    def rules(self) -> Rules: ...
    @property
    def calendar(self) -> WorkCalendar: ...
    def _write(self) -> Connection: ...
    def published_rules(self) -> dict[str, Any] | None: ...
    def published_calendar(self) -> dict[str, Any] | None: ...
    def _lock_counter(self, conn: Connection, name: str) -> int: ...
    def _set_counter(self, conn: Connection, name: str, value: int) -> None: ...
    def _notify(self, head: int, rows: list[dict[str, Any]] | None = None) -> None: ...
    def _context(self, conn: Connection, states: _Batch, reference: int | None = None) -> Context: ...
    @staticmethod
    def _read_operators(conn: Connection) -> dict[str, tuple[bool, frozenset[str]]]: ...
    def _state(self, conn: Connection, number: str, states: _Batch) -> OrderState | None: ...
    def _decide(self, conn: Connection, seat: SeatInfo, ev: dict[str, Any], states: _Batch,
                ctx: Context) -> tuple[str, str, str]: ...
    def _save_states(self, conn: Connection, states: _Batch, seq: int) -> None: ...
    def append_events(self, conn: Connection, rows: list[dict[str, Any]], states: _Batch,
                      seat: tuple[str, int, str], commit: bool = False) -> int: ...
    def _locked(self, query: Any, *of: Any) -> Any: ...
