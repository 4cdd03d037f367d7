"""On a SQLite centre every writer takes the write lock up front (BEGIN IMMEDIATE): a gateway's
message stored while another writer holds the lock waits for it, instead of failing at once with
"database is locked" (a read-then-write in a deferred transaction cannot wait), which the gateway
saw as a 503 under load (issue 14's channel API beside issue 15's rollup worker)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text
from sync_support import new_centre

from console.centre import messages


def test_a_message_waits_for_another_writer_instead_of_failing(tmp_path):
    centre = new_centre(str(tmp_path / "centre.db"))
    holder = centre.engine.connect()
    holder.info["immediate"] = True
    tx = holder.begin()  # another writer holds the lock, as the rollup worker or a push does
    holder.execute(text("UPDATE c_counter SET value = value WHERE name = 'seq'"))
    outcome: dict = {}

    def gateway() -> None:
        try:
            outcome["row"] = messages.receive(centre.engine, "sms-gw", "短信", "m-1", "路灯坏了三天")
        except Exception as exc:  # the failure under test: shown in the assertion below
            outcome["error"] = repr(exc)

    worker = threading.Thread(target=gateway)
    worker.start()
    time.sleep(0.5)  # the gateway's write is waiting now
    tx.commit()
    holder.close()
    worker.join(15)
    assert "error" not in outcome, outcome.get("error")
    row, stored = outcome["row"]
    assert stored and row["status"] == "waiting"
    centre.engine.dispose()
