"""SyncWorker: two plain threads beside the console (no textual here).

- the pusher drains the outbox whenever woken by `notify()` (after a local write) and in any
  case every `interval` seconds, so a failed push is retried on a timer, not on the next write;
  failures back off with jitter;
- the puller long-polls the centre and refreshes reference data now and then.
Both record online/offline in the store, where `read_status()` finds it.
"""

from __future__ import annotations

import threading
import time

from console.log import log
from console.sync import state as sync_state
from console.sync.backoff import Backoff
from console.sync.client import CentreClient, SyncError, Unavailable
from console.sync.session import client_for, pull, push_pending, sync_reference
from console.sync.status import SyncStatus, read_status


class SyncWorker:
    def __init__(self, store, client: CentreClient | None = None, interval: float = 2.0, pull_wait: float = 10.0,
                 reference_every: float = 300.0, backoff_cap: float = 30.0):
        self.store = store
        self.client = client
        self.interval, self.pull_wait, self.reference_every = interval, pull_wait, reference_every
        self.backoff_cap = backoff_cap
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._threads: list[threading.Thread] = []
        self.errors: list[str] = []  # the latest few, for logs and tests

    @property
    def _client(self) -> CentreClient:
        """The client the loops use: set by start() before any loop runs."""
        if self.client is None:
            raise RuntimeError("the sync worker was not started")
        return self.client

    # -- control -------------------------------------------------------------------------

    def start(self) -> SyncWorker:
        if self._threads:
            return self
        if self.client is None:
            self.client = client_for(self.store)
        self._stop.clear()
        for name, target in (("sync-push", self._push_loop), ("sync-pull", self._pull_loop)):
            t = threading.Thread(target=target, name=name, daemon=True)
            t.start()
            self._threads.append(t)
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        deadline = time.monotonic() + timeout
        for t in self._threads:
            t.join(max(0.0, deadline - time.monotonic()))
        self._threads = []

    def notify(self) -> None:
        """A local write happened: push soon."""
        self._wake.set()

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    def status(self) -> SyncStatus:
        return read_status(self.store)

    # -- loops ---------------------------------------------------------------------------

    def _failed(self, exc: Exception, backoff: Backoff) -> float:
        self.errors = (self.errors + [str(exc)])[-20:]
        if isinstance(exc, SyncError):  # the network or the centre: expected, no traceback
            log("sync").warning("sync failed: %s", exc)
        else:
            log("sync").error("sync failed unexpectedly", exc_info=exc)
        try:
            sync_state.set_online(self.store, False, str(exc), self._client.clock_offset)
        except Exception:  # noqa: BLE001 - the store is busy or closing: the next round records it
            log("sync").warning("could not record the offline state", exc_info=True)
        if isinstance(exc, SyncError) and not exc.retry:
            return max(self.backoff_cap, 30.0)  # token or version problem: a person must act
        return backoff.next(exc.retry_after if isinstance(exc, Unavailable) else None)

    def _push_loop(self) -> None:
        backoff = Backoff(cap=self.backoff_cap)
        while not self._stop.is_set():
            self._wake.clear()
            try:
                if push_pending(self.store, self._client).pushed:  # an empty outbox proves nothing
                    sync_state.set_online(self.store, True, clock_offset=self._client.clock_offset)
                backoff.reset()
                delay = self.interval
            except Exception as exc:  # noqa: BLE001 - keep the thread alive whatever happens; the outbox is safe
                delay = self._failed(exc, backoff)
            self._wake.wait(delay)

    def _pull_loop(self) -> None:
        backoff = Backoff(cap=self.backoff_cap)
        next_reference = 0.0
        while not self._stop.is_set():
            try:
                if time.monotonic() >= next_reference:
                    sync_reference(self.store, self._client)
                    next_reference = time.monotonic() + self.reference_every
                pull(self.store, self._client, wait=self.pull_wait)
                sync_state.set_online(self.store, True, clock_offset=self._client.clock_offset)
                backoff.reset()
            except Exception as exc:  # noqa: BLE001 - as the push loop: logged by _failed, retried
                self._stop.wait(self._failed(exc, backoff))
