"""HTTP client for the centre: adds the protocol version and seat token to every call, turns
answers into typed errors, and measures the clock offset from the centre's time header."""

from __future__ import annotations

import time
from datetime import datetime

import httpx

from console.errors import HotlineError
from console.wire.protocol import PROTOCOL_HEADER, PROTOCOL_VERSION, PULL_LIMIT, TIME_HEADER


class SyncError(HotlineError):
    retry = True  # worth trying again later with backoff


class Unavailable(SyncError):
    """Network down, centre down or answering 503: nothing advanced; try again (not before
    `retry_after` seconds when the centre said so)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def retry_after_seconds(value: str | None) -> float | None:
    """A Retry-After header in seconds (the centre sends whole seconds; a date form is ignored)."""
    if value and value.strip().isdigit():
        return min(float(value.strip()), 3600.0)
    return None


class Unauthorized(SyncError):
    retry = False


class UpgradeRequired(SyncError):
    retry = False


class GapError(SyncError):
    def __init__(self, message: str, expected: int):
        super().__init__(message)
        self.expected = expected


class Refused(SyncError):
    """The centre refused the request itself (4xx other than the above)."""

    retry = False

    def __init__(self, message: str, status: int, body: dict | None = None):
        super().__init__(message)
        self.status, self.body = status, body or {}


class CentreClient:
    def __init__(self, url: str, token: str, http: httpx.Client | None = None, timeout: float = 30.0):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout
        self._own = http is None
        self.http = http or httpx.Client(base_url=self.url, timeout=timeout)
        self.clock_offset: float | None = None  # seconds the centre is ahead of this machine

    def close(self) -> None:
        if self._own:
            self.http.close()

    def _call(self, method: str, path: str, timeout: float | None = None, **kwargs) -> dict:
        headers = {PROTOCOL_HEADER: str(PROTOCOL_VERSION), "Authorization": f"Bearer {self.token}"}
        t0 = time.time()
        try:
            resp = self.http.request(method, self.url + path, headers=headers,
                                     timeout=timeout or self.timeout, **kwargs)
        except httpx.HTTPError as exc:
            raise Unavailable(f"centre unreachable: {type(exc).__name__}: {exc}") from exc
        t1 = time.time()
        stamp = resp.headers.get(TIME_HEADER)
        if stamp and stamp.isdigit() and t1 - t0 < 5:
            self.clock_offset = int(stamp) / 1000 - (t0 + t1) / 2
        try:
            body = resp.json()
        except ValueError:
            body = {}
        message = body.get("message") if isinstance(body, dict) else None
        status = resp.status_code
        if status < 300:
            return body
        if status == 401:
            raise Unauthorized(message or "seat token refused by the centre")
        if status == 426:
            raise UpgradeRequired(message or "the centre needs a newer seat: upgrade hotline")
        if status == 409 and isinstance(body, dict) and "expected" in body:
            raise GapError(message or "seat_seq gap", int(body["expected"]))
        if status >= 500 or status == 429:
            raise Unavailable(f"centre answered {status}: {message or resp.text[:200]}",
                              retry_after_seconds(resp.headers.get("Retry-After")))
        raise Refused(message or f"centre answered {status}", status, body if isinstance(body, dict) else {})

    # -- seat ------------------------------------------------------------------------------

    def hello(self) -> dict:
        return self._call("GET", "/v1/hello")

    def push(self, events: list[dict]) -> dict:
        return self._call("POST", "/v1/sync/push", json={"events": events})

    def pull(self, after: int, wait: float = 0.0, limit: int = PULL_LIMIT) -> dict:
        return self._call("GET", "/v1/sync/pull", params={"after": after, "wait": wait, "limit": limit},
                          timeout=wait + self.timeout)

    def reference(self, after: int) -> dict:
        return self._call("GET", "/v1/reference", params={"after": after})

    def stats(self, start: datetime, end: datetime, now: datetime, listed: bool = False) -> dict:
        """The centre's figures over [start, end) from its rollups (issue 15), with how far they are
        behind its log: {"report": …, "as_of": seq, "head": seq, "catching_up": None | {…}}."""
        return self._call("GET", "/v1/stats", params={"from": start.isoformat(), "to": end.isoformat(),
                                                       "at": now.isoformat(), "listed": str(listed).lower()})

    def lease(self, order: str, operator: str, ttl: float = 120.0) -> dict:
        return self._call("POST", "/v1/leases", json={"order": order, "operator": operator, "ttl": ttl})

    def release(self, order: str, fence: int) -> dict:
        return self._call("DELETE", f"/v1/leases/{order}", params={"fence": fence})

    # -- undertaking units -----------------------------------------------------------------

    # the centre's queue of written messages (issue 14)
    def messages(self) -> dict:
        return self._call("GET", "/v1/messages")

    def claim_message(self, token: str, operator: str) -> dict:
        return self._call("POST", f"/v1/messages/{token}/claim", json={"operator": operator})

    def release_message(self, token: str, operator: str) -> dict:
        return self._call("POST", f"/v1/messages/{token}/release", json={"operator": operator})

    def message_ordered(self, token: str, operator: str, order: str) -> dict:
        return self._call("POST", f"/v1/messages/{token}/ordered", json={"operator": operator, "order": order})

    def answer_message(self, token: str, operator: str, reply: str) -> dict:
        return self._call("POST", f"/v1/messages/{token}/answer", json={"operator": operator, "reply": reply})

    def cti_calls(self, since: str = "") -> dict:
        """This seat's calls the telephone system reported, changed since `since` (issue 14)."""
        return self._call("GET", "/v1/cti/calls", params={"since": since})

    def unit_orders(self, status: str | None = None) -> dict:
        return self._call("GET", "/v1/unit/orders", params={"status": status} if status else None)

    def unit_reply(self, number: str, reply: str, operator: str = "unit") -> dict:
        return self._call("POST", f"/v1/unit/orders/{number}/reply", json={"reply": reply, "operator": operator})

    def unit_return(self, number: str, reason: str, operator: str = "unit") -> dict:
        return self._call("POST", f"/v1/unit/orders/{number}/return", json={"reason": reason, "operator": operator})

    def unit_extension(self, number: str, days: int, reason: str, operator: str = "unit") -> dict:
        return self._call("POST", f"/v1/unit/orders/{number}/extension",
                          json={"days": days, "reason": reason, "operator": operator})
