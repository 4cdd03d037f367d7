"""Other centre processes' commits, learnt from PostgreSQL LISTEN/NOTIFY: every transaction that
moves a counter the seats follow sends NOTIFY on the centre's channel (db.announce, db.channel); PostgreSQL delivers it at
commit, and this thread pokes the process's tail, which then reads the log once for all its seats.

A lost connection is retried with backoff; meanwhile the tail's timer still reads once a second.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

from sqlalchemy.engine import Engine

from console.centre.db import channel
from console.log import log


class Listener:
    def __init__(self, engine: Engine, on_notice: Callable[[int], None], origin: str = ""):
        """`origin`: this centre's name in the notices of its own appends, which it ignores
        (the committing thread hands those rows to the tail itself: console/centre/append.py)."""
        self.engine, self.on_notice, self.origin = engine, on_notice, origin
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="centre-listen", daemon=True)
        self.listening = threading.Event()  # set while LISTEN is in force (tests wait for it)

    def start(self) -> Listener:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(3)

    def _run(self) -> None:
        failures = 0
        while not self._stop.is_set():
            try:
                self._listen()
                failures = 0
            except Exception as exc:  # noqa: BLE001 - database away: the tail's timer covers; retried
                self.listening.clear()
                failures += 1
                log("centre").warning("LISTEN lost (%s: %s); retrying", type(exc).__name__, exc)
                self._stop.wait(random.uniform(0, min(10.0, 0.5 * 2 ** min(failures, 8))))  # jittered

    def _listen(self) -> None:
        import psycopg
        from psycopg.conninfo import make_conninfo

        url = self.engine.url.set(drivername="postgresql")
        options = url.query.get("options")  # e.g. the search_path of a schema-per-test database
        conninfo = url.set(query={}).render_as_string(hide_password=False)
        if isinstance(options, str):
            conninfo = make_conninfo(conninfo, options=options)
        with self.engine.connect() as sa_conn:
            name = channel(sa_conn)  # the one this centre's transactions notify on
        with psycopg.connect(conninfo, autocommit=True) as conn:
            conn.execute(f"LISTEN {name}")
            self.listening.set()
            self.on_notice(0)  # anything committed before LISTEN took effect
            while not self._stop.is_set():
                for notice in conn.notifies(timeout=1.0, stop_after=1):
                    head, _, origin = notice.payload.partition(":")
                    if origin and origin == self.origin:
                        continue
                    self.on_notice(int(head) if head.isdigit() else 0)
