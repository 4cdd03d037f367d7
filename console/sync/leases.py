"""Queue claims: while online, a dispatcher opening an order asks the centre for a lease so two
dispatchers do not work the same order. Offline, work proceeds without one and the centre's
decide() settles any conflict when the events arrive."""

from __future__ import annotations

from dataclasses import dataclass

from console.sync.client import SyncError
from console.sync.session import client_for


@dataclass(frozen=True)
class Claim:
    granted: bool | None  # None: no answer (offline or not connected): go ahead, the centre decides later
    holder: str = ""  # operator@seat holding the lease
    fence: int = 0  # fencing number: grows with every new holder
    expires_at: int = 0  # epoch ms


def claim(store, number: str, operator: str, ttl: float = 120.0, client=None) -> Claim:
    """Take or renew the lease on `number`; never raises for network trouble."""
    try:
        answer = _ask(store, client, lambda cl: cl.lease(number, operator, ttl))
    except SyncError:
        return Claim(None)
    return Claim(answer["granted"], answer["holder"], answer["fence"], answer["expires_at"])


def release(store, number: str, fence: int, client=None) -> bool:
    try:
        return bool(_ask(store, client, lambda cl: cl.release(number, fence))["released"])
    except SyncError:
        return False


def _ask(store, client, call):
    if client is not None:
        return call(client)
    own = client_for(store)
    try:
        return call(own)
    finally:
        own.close()
