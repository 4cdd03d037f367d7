"""The console's routing worker: a daemon thread that retrains the routing models when the
store's history has grown (console.routing.history.stale), START_DELAY after start-up and then
every POLL seconds. A failure is logged and retried at the next look."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

log = logging.getLogger("hotline.routing")

START_DELAY = 30.0
POLL = 600.0


class RoutingWorker:
    def __init__(self, store_path: str | Path, start_delay: float = START_DELAY, poll: float = POLL) -> None:
        self.store_path = Path(store_path)
        self.start_delay, self.poll = start_delay, poll
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error = ""

    def start(self) -> RoutingWorker:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="routing", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 1.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        wait = self.start_delay
        while not self._stop.wait(wait):
            self.run_once()
            wait = self.poll

    def run_once(self) -> dict[str, int]:
        from console.routing.history import retrain, stale

        try:
            return retrain(self.store_path).trained if stale(self.store_path) else {}
        except Exception as exc:  # noqa: BLE001 -- the worker must survive to retry; the reason is logged
            self.error = f"{type(exc).__name__}: {exc}"
            log.warning("routing retrain failed: %s", self.error)
            return {}
