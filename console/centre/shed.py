"""Load shedding: at most so many requests of a kind at once and so many waiting; beyond that the
centre answers 503 with Retry-After at once instead of queueing without bound (a city's seats
coming back together after an outage spread out on their own jittered backoff)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from console.centre.model import CentreError


class Busy(CentreError):
    status = 503

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class Gate:
    def __init__(self, what: str, size: int, queue: int, retry: tuple[int, int] = (1, 5)):
        self.what, self.size, self.queue, self.retry = what, size, queue, retry
        self._slots = asyncio.Semaphore(size)
        self.waiting = 0
        self.shed = 0  # requests answered 503 so far

    @asynccontextmanager
    async def enter(self) -> AsyncIterator[None]:
        if self.waiting >= self.queue:
            self.shed += 1
            # Spread the retries: seats sent away together must not all come back together.
            raise Busy(f"centre busy: {self.waiting} {self.what} waiting; retry later",
                       retry_after=random.randint(*self.retry))
        self.waiting += 1
        try:
            await self._slots.acquire()
        finally:
            self.waiting -= 1
        try:
            yield
        finally:
            self._slots.release()
