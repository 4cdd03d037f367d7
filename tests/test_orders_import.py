"""Issue 14: `hotline orders import FILE` brings in historical orders as they were: original
number kept (or prefixed), channel, nature, class, text, address, caller (anonymous allowed),
dates, unit, reply, closed or open; never judged overdue for what happened before it arrived;
idempotent by original id; a bad row reported with its line number and the rest imported."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from screen_helpers import make_store

from console import clock
from console.cli import main
from console.domain.figures import compute
from console.domain.kinds import Kind, Status
from console.domain.roles import Actor, Role
from console.kb import search_similar_orders
from console.orders_import import Importer, parse_map, read_rows
from console.store.store import NewEvent

COLUMNS = ("id", "taken_at", "channel", "nature", "content_class", "title", "description", "address",
           "caller_name", "caller_title", "phone", "anonymous", "unit", "reply", "replied_at", "closed", "closed_at")
GOOD = {"id": "GL-2021-0001", "taken_at": "2021-03-02 09:15:00", "channel": "电话", "nature": "投诉",
        "content_class": "城建环保/环境卫生", "title": "", "description": "幸福家园3栋旁边的河道发黑发臭，已经一个多月了",
        "address": "幸福路88号幸福家园", "caller_name": "王", "caller_title": "女士", "phone": "13700001234",
        "anonymous": "", "unit": "住建局", "reply": "已组织清淤，河道恢复正常。", "replied_at": "2021-03-09 16:00:00",
        "closed": "", "closed_at": ""}


def write_csv(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.DictWriter(fh, COLUMNS)
        out.writeheader()
        for row in rows:
            out.writerow({**dict.fromkeys(COLUMNS, ""), **row})
    return path


def test_a_csv_of_history_imports_as_it_was_and_a_bad_row_is_reported_by_line(tmp_path, capsys):
    """Issue 14 (R-23, R-26, R-32 not applied to history): closed, replied, with a unit, and
    waiting rows become orders of those statuses with no deadline; four bad rows are reported with
    their line numbers in English; the rest are imported; the counts account for every row."""
    store = make_store(tmp_path / "data")
    store.close()
    rows = [
        GOOD,  # line 2: replied, not said closed -> a reply closes a record that does not say
        {**GOOD, "id": "GL-2021-0002", "reply": "已转交街道。", "closed": "否", "phone": "13700005678"},  # 3: replied, open
        {**GOOD, "id": "GL-2021-0003", "reply": "", "replied_at": "", "closed": "false"},  # 4: with the unit
        {**GOOD, "id": "GL-2021-0004", "reply": "", "replied_at": "", "unit": "", "closed": "no",
         "channel": "微信公众号", "anonymous": "true"},  # 5: waiting for dispatch, anonymous, an alias
        {**GOOD, "id": "GL-2021-0005", "taken_at": "2021-13-01"},  # 6: bad month
        {**GOOD, "id": "GL-2021-0006", "channel": "飞鸽"},  # 7: unknown channel
        {**GOOD, "id": "GL-2021-0007", "unit": "不存在的局"},  # 8: unknown unit
        {**GOOD, "id": "GL-2021-0001"},  # 9: the same id again
        {**GOOD, "id": "GL-2021-0008", "replied_at": "2021-03-01 08:00:00"},  # 10: replied before it was taken
    ]
    source = write_csv(tmp_path / "history.csv", rows)
    code = main(["--data-dir", str(tmp_path / "data"), "orders", "import", str(source), "--prefix", "H-"])
    out, err = capsys.readouterr()
    assert code == 1
    assert "read 9 rows: imported 4 orders, 0 already imported, 5 rows refused" in out
    lines = err.strip().splitlines()
    assert len(lines) == 5 and all(line.startswith(f"hotline: {source}, line ") for line in lines)
    assert "line 6: taken_at" in err and "line 7: channel '飞鸽' is not configured" in err
    assert "line 8: unit '不存在的局' is not in the unit directory" in err
    assert "line 9: GL-2021-0001 appears again (first at line 2)" in err
    assert "line 10: replied_at is not a time, is before taken_at" in err
    assert "Traceback" not in err

    store = make_store(tmp_path / "data")
    closed, replied, dispatched, waiting = (store.order_row(f"H-GL-2021-000{i}") for i in (1, 2, 3, 4))
    assert closed["status"] == Status.CLOSED and closed["lead_unit"] == "U001" and closed["imported"]
    assert replied["status"] == Status.REPLIED and dispatched["status"] == Status.DISPATCHED
    assert waiting["status"] == Status.PENDING_DISPATCH and waiting["channel"] == "微信"
    assert waiting["caller_name"] == "" and waiting["phone_norm"] == ""  # anonymous history
    for row in (closed, replied, dispatched, waiting):  # never re-evaluated as overdue
        assert (row["dispatch_due"], row["unit_due"], row["callback_due"]) == (None, None, None)
        assert row["created_at"].startswith("2021-03-02T09:15")
    state = store.get("H-GL-2021-0001")
    assert state.original_id == "GL-2021-0001" and state.closed_at == datetime(2021, 3, 9, 16, 0)
    assert store.events_of("H-GL-2021-0001")[0]["kind"] == Kind.IMPORTED
    assert store.projection_differences() == []
    # the imported orders feed the caller's history and the similar-order search
    assert {r["number"] for r in store.caller_orders("13700001234")} == {"H-GL-2021-0001", "H-GL-2021-0003"}
    similar = search_similar_orders(store, "河道发黑发臭", "幸福路88号幸福家园", open_only=False)
    assert {"H-GL-2021-0001", "H-GL-2021-0002"} <= {s.number for s in similar}
    store.close()

    # idempotent by original id: the same file again adds nothing and changes nothing
    code = main(["--data-dir", str(tmp_path / "data"), "orders", "import", str(source), "--prefix", "H-"])
    out, _err = capsys.readouterr()
    assert "imported 0 orders, 4 already imported, 5 rows refused" in out


def test_an_open_imported_order_worked_here_gets_this_consoles_deadlines(tmp_path):
    """Issue 14, R-26: history is not judged, but a dispatch recorded here starts this console's
    time limit; the unit's reply then starts the callback limit (R-32)."""
    store = make_store(tmp_path)
    source = write_csv(tmp_path / "h.csv", [{**GOOD, "reply": "", "replied_at": "", "unit": "", "closed": "false"}])
    outcome = Importer(store).run(read_rows(source))
    assert outcome.imported == ["GL-2021-0001"] and outcome.accounted()
    number = outcome.imported[0]
    dispatcher = Actor("D01", Role.DISPATCHER)
    rec = store.record([NewEvent(Kind.DISPATCHED, {"lead_unit": "U001"}, dispatcher, order=number)])
    assert rec.ok, rec.reason
    row = store.order_row(number)
    assert row["unit_due"] is not None and row["dispatch_due"] is None
    unit = Actor("U001-1", Role.UNIT, unit="U001")
    rec = store.record([NewEvent(Kind.UNIT_REPLIED, {"reply": "已处理。"}, unit, order=number)])
    assert rec.ok, rec.reason
    assert store.order_row(number)["callback_due"] is None  # the reply waits for the county office's review
    rec = store.record([NewEvent(Kind.REPLY_REVIEWED, {"accept": True}, dispatcher, order=number)])
    assert rec.ok, rec.reason
    assert store.order_row(number)["callback_due"] is not None
    store.close()


def test_jsonl_with_a_broken_line_and_a_column_map(tmp_path):
    """Issue 14: JSON Lines, another layout read through the column map, a line that is not
    JSON reported by its number and the rest imported; no id and no --derive-ids is refused."""
    store = make_store(tmp_path)
    lines = [json.dumps({"no": "A1", "when": "2019-05-06", "via": "网站", "text": "路灯不亮", "done": True,
                         "answer": "已修复"}, ensure_ascii=False),
             "{not json",
             json.dumps({"no": "", "when": "2019-05-07", "via": "网站", "text": "井盖缺失"}, ensure_ascii=False)]
    source = tmp_path / "h.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    mapping = parse_map(["id=no", "taken_at=when", "channel=via", "description=text", "closed=done",
                         "reply=answer"])
    outcome = Importer(store, mapping).run(read_rows(source))
    assert outcome.imported == ["A1"] and outcome.accounted()
    assert [line for line, _why in outcome.errors] == [2, 3]
    assert "bad JSON" in outcome.errors[0][1] and "--derive-ids" in outcome.errors[1][1]
    assert store.order_row("A1")["status"] == Status.CLOSED and store.order_row("A1")["channel"] == "网站"
    store.close()


def test_the_fuzhou_records_all_accounted_for(tmp_path, shared_data):
    """Issue 14 acceptance: the 1,203 real Fuzhou records import with every row accounted for,
    channels mapped to the configured list, none overdue (M-06, M-07, M-11 count none of them),
    and a second import adds nothing."""
    store = make_store(tmp_path)
    source = shared_data / "fuzhou-12345-orders.jsonl"
    mapping = parse_map(["taken_at=created", "description=content", "address=district,river"])
    outcome = Importer(store, mapping, prefix="FZ-", derive_ids=True).run(read_rows(source))
    records = [json.loads(line) for line in source.open(encoding="utf-8")]
    assert outcome.rows == len(records) == 1203 and outcome.accounted()
    assert outcome.errors == []  # identical records would be reported as appearing again
    assert store.count_orders() == len(outcome.imported) == 1203
    channels = Counter(r["channel"] for r in store.list_orders(limit=None))
    source_channels = Counter(r["channel"] for r in records)
    assert channels["网站"] == source_channels["网站"] and channels["电话"] == source_channels["电话"]
    assert channels["手机APP"] == source_channels["e福州app"] + source_channels["12345app"]
    assert sum(channels.values()) == 1203
    statuses = Counter(r["status"] for r in store.list_orders(limit=None))
    assert statuses[Status.CLOSED] == sum(1 for r in records if r["reply"])
    assert all(r["dispatch_due"] is None and r["callback_due"] is None for r in store.list_orders(limit=None))
    now = clock.now()
    report = compute(store.histories(), store.calendar, store.rules, datetime(2016, 1, 1), now + timedelta(days=1), now)
    assert all(f.denominator == 0 for f in report.figures.values())  # history is not judged here
    again = Importer(store, mapping, prefix="FZ-", derive_ids=True).run(read_rows(source))
    assert len(again.already) == 1203 and again.imported == [] and again.accounted()
    store.close()


@pytest.mark.parametrize("bad", ["closed=", "colour=x", "id"])
def test_a_bad_column_map_is_one_line(tmp_path, capsys, bad):
    """Issue 14: a misspelt --map is refused in one English line, nothing imported."""
    make_store(tmp_path).close()
    source = write_csv(tmp_path / "h.csv", [GOOD])
    assert main(["--data-dir", str(tmp_path), "orders", "import", str(source), "--map", bad]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--map" in err and "FIELD=COLUMN" in err


@pytest.mark.parametrize("roles, accepted", [("all,system", True), ("all", False)])
def test_imported_orders_reach_the_centre_only_from_a_seat_enrolled_for_it(tmp_path, roles, accepted):
    """Issue 14 at a loopback centre: a seat enrolled with the system role pushes its imported
    orders and the centre folds the same state; without it the centre refuses them (seat_role)
    and the seat shows the rejections (docs/import.md, At the centre)."""
    from sync_support import CentreThread, assert_converged, client, make_seat, new_centre

    from console.sync.session import sync_once
    from console.sync.status import read_status

    centre = new_centre(str(tmp_path / "centre.db"))
    try:
        with CentreThread(centre) as server:
            seat = make_seat(tmp_path, "SA", centre, server.url, roles=roles)
            source = write_csv(tmp_path / "h.csv", [GOOD, {**GOOD, "id": "GL-2021-0002", "closed": "false",
                                                           "reply": "", "replied_at": ""}])
            outcome = Importer(seat).run(read_rows(source))
            assert len(outcome.imported) == 2
            sync_once(seat, client(seat))
            states = centre.order_states()
            if accepted:
                assert set(states) == {"GL-2021-0001", "GL-2021-0002"}
                assert states["GL-2021-0002"].status == Status.DISPATCHED and states["GL-2021-0002"].original_id
                assert_converged(centre, [seat])
            else:
                assert states == {}
                rejected = read_status(seat, rejected_limit=10).rejected
                assert len(rejected) == 2 and all(r["code"] == "seat_role" for r in rejected)
            seat.close()
    finally:
        centre.engine.dispose()


def test_the_tipdm_messages_with_replies_all_accounted_for(tmp_path, shared_data):
    """Issue 14: the 2,816 real messages with their official replies (a message board: one
    channel, given with --channel; times written 2019/4/25 9:32:09) import as closed orders with
    their reply times; the rows whose reply is over the 4,000-character limit (limits.py) are
    refused by line, and every row is accounted for."""
    store = make_store(tmp_path)
    source = shared_data / "tipdm-messages-with-replies.jsonl"
    mapping = parse_map(["taken_at=created", "description=content", "replied_at=replied"])
    outcome = Importer(store, mapping, prefix="TD-", channel="领导信箱").run(read_rows(source))
    records = [json.loads(line) for line in source.open(encoding="utf-8")]
    assert outcome.rows == len(records) and outcome.accounted()
    too_long = {i for i, r in enumerate(records, start=1) if len(r["reply"] or "") > 4000}
    assert {line for line, _why in outcome.errors} == too_long and all("reply" in why for _l, why in outcome.errors)
    first = records[0]
    state = store.get("TD-" + first["id"])
    assert state.status == Status.CLOSED and state.channel == "领导信箱"
    assert state.created_at == datetime(2019, 4, 25, 9, 32, 9) and state.replied_at == datetime(2019, 5, 10, 14, 56, 53)
    store.close()
