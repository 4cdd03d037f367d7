"""`hotline centre orders show NUMBER --json` prints the centre's state of an order in the shape of
the seat's `hotline orders show --json`, so the two can be compared field by field."""

from __future__ import annotations

import json

from sync_support import client, create_order, dispatch, make_seat, note

from console.cli import main
from console.sync.session import sync_once


def _show(argv: list[str], capsys) -> dict:
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_the_centre_shows_an_order_as_the_seat_does(served_centre, tmp_path, capsys):
    centre, server, url = served_centre
    store = make_seat(tmp_path, "S01", centre, server.url)
    number = create_order(store)
    assert dispatch(store, number, "U001").ok and note(store, number).ok
    sync_once(store, client(store))
    store.close()
    seat = _show(["--data-dir", str(tmp_path / "S01"), "orders", "show", number, "--json"], capsys)
    at_centre = _show(["centre", "orders", "show", number, "--json", "--db", url], capsys)
    assert set(at_centre) == {"order", "deadlines", "events"}
    assert at_centre["order"] == seat["order"] and at_centre["order"]["lead_unit"] == "U001"
    assert at_centre["deadlines"] == seat["deadlines"] and at_centre["deadlines"]["unit_due"]
    assert at_centre["events"] == seat["events"]
    assert [e["kind"] for e in at_centre["events"]] == ["created", "dispatched", "note"]
    assert all(e["sync_status"] == "accepted" for e in at_centre["events"])
    main(["centre", "orders", "show", number, "--db", url])  # the text form
    assert f"工单 {number}" in capsys.readouterr().out


def test_an_unknown_order_is_one_line(served_centre, capsys):
    _, _, url = served_centre
    assert main(["centre", "orders", "show", "20261127-S09-0001", "--db", url]) == 1
    assert capsys.readouterr().err.strip() == "hotline: no order '20261127-S09-0001' at the centre"
