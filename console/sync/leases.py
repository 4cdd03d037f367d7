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


def claim_many(store, numbers: list[str], operator: str, ttl: float = 120.0,
               timeout: float = 2.0) -> dict[str, Claim]:
    """Leases for the orders a dispatcher is about to work, asked with a short timeout: a centre that
    does not answer quickly counts as offline (work proceeds, the centre decides later)."""
    from console.sync.client import CentreClient
    from console.sync.state import read_all

    values = read_all(store)
    if not values.get("centre_url") or not values.get("token"):
        return {n: Claim(None) for n in numbers}
    client = CentreClient(values["centre_url"], values["token"], timeout=timeout)
    try:
        claims = {}
        for number in numbers:
            claims[number] = claim(store, number, operator, ttl, client=client)
            if claims[number].granted is None:  # no answer: do not wait again for each order
                claims.update({n: Claim(None) for n in numbers if n not in claims})
                break
        return claims
    finally:
        client.close()
