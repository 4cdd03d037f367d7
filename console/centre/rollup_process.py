"""The rollups kept current in a process of their own (`hotline centre serve` on PostgreSQL).

Folding is Python work: in the serving process it takes the interpreter from the pushes and the
long polls (measured under 50 pushers and 1,000 waiting seats: a fifth of the interpreter's
time, and the pushes' waits for it grew with it). Here it has its own interpreter, woken by the
log's NOTIFY from every centre process (console/centre/listen.py) instead of by a commit in the
same process; it folds in the same bounded transactions, so stopping it at any moment loses
nothing (the next one goes on from the marks). SQLite keeps the worker in the serving process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from console.log import log

_CHECK_PARENT = 1.0  # seconds: a process left behind by a killed centre ends itself
_DB_ENV, _DIR_ENV, _PARENT_ENV = "HOTLINE_ROLLUPS_DB", "HOTLINE_ROLLUPS_DATA_DIR", "HOTLINE_ROLLUPS_PARENT"


class Folder:
    """The rollups' process of one `hotline centre serve`, started again if it ends."""

    def __init__(self, db_url: str, data_dir: Path, check: float = 5.0):
        self.db_url, self.data_dir, self.check = db_url, data_dir, check
        self.proc: subprocess.Popen | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="centre-rollups-watch", daemon=True)

    def start(self) -> Folder:
        self.proc = self._spawn()
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Ask it to stop between two chunks; kill it if it does not within `timeout`."""
        self._stop.set()
        self._thread.join(self.check + 1)
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()  # SIGTERM: _main stops the worker between two transactions
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)

    def _spawn(self) -> subprocess.Popen:
        """The database's address goes in the process's environment, not on a command line
        anyone can list."""
        env = dict(os.environ, **{_DB_ENV: self.db_url, _DIR_ENV: str(self.data_dir), _PARENT_ENV: str(os.getpid())})
        return subprocess.Popen([sys.executable, "-m", "console.centre.rollup_process"], env=env,
                                stdin=subprocess.DEVNULL)

    def _watch(self) -> None:
        while not self._stop.wait(self.check):
            assert self.proc is not None
            code = self.proc.poll()
            if code is not None and not self._stop.is_set():
                log("centre").warning("figures: the rollups' process ended (exit %s); starting it again", code)
                self.proc = self._spawn()


def _main(db_url: str, data_dir: str, parent: int) -> None:
    from console.centre import rollups
    from console.centre.db import make_engine
    from console.centre.listen import Listener
    from console.centre.service import Centre
    from console.log import setup_logging

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the centre stops us
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    setup_logging(Path(data_dir), "centre")
    rollups.YIELD = False  # no push in this process to hand the interpreter to
    centre = Centre(make_engine(db_url))
    worker = rollups.RollupWorker(centre).start()
    listener = Listener(centre.engine, worker.poke).start()  # every process's commits, its own none
    log("centre").info("figures: the rollups' process started (pid %s)", os.getpid())
    try:
        while not done.wait(_CHECK_PARENT):
            if os.getppid() != parent:
                log("centre").warning("figures: the centre process is gone; the rollups' process ends")
                break
    finally:
        listener.stop()
        worker.stop()
        centre.engine.dispose()


if __name__ == "__main__":
    _main(os.environ[_DB_ENV], os.environ[_DIR_ENV], int(os.environ[_PARENT_ENV]))
