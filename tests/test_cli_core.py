"""The `hotline` command-line contracts of the core: init, demo, orders, events apply, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from calendars import make_2027_provisional

from console.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(capsys, *args):
    code = main([str(a) for a in args])
    out, err = capsys.readouterr()
    return code, out, err


def test_init_creates_a_store_for_the_seat(tmp_path, capsys):
    code, out, _ = run(capsys, "init", "--seat", "S07", "--data-dir", tmp_path)
    assert code == 0 and "S07" in out and (tmp_path / "seat.db").exists()
    code, _, err = run(capsys, "init", "--seat", "S08", "--data-dir", tmp_path)
    assert code == 1 and "already belongs to seat S07" in err


def test_init_rejects_a_bad_seat_code(tmp_path, capsys):
    code, _, err = run(capsys, "init", "--seat", "s 7", "--data-dir", tmp_path)
    assert code == 2 and err.startswith("hotline: bad seat code") and "Traceback" not in err


def test_data_dir_from_environment(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("HOTLINE_DATA_DIR", str(tmp_path / "env"))
    assert run(capsys, "init", "--seat", "S01")[0] == 0
    assert (tmp_path / "env" / "seat.db").exists()


def test_demo_fills_every_state_and_refuses_to_overwrite(tmp_path, capsys):
    code, out, _ = run(capsys, "demo", "--data-dir", tmp_path, "--seed", "3")
    assert code == 0 and "(360 in every state" in out
    calls = int(out.split("in every state, ", 1)[1].split()[0])  # the consultations on the month's calls
    code, out, _ = run(capsys, "orders", "list", "--limit", "0", "--json", "--data-dir", tmp_path)
    rows = [json.loads(line) for line in out.splitlines()]
    assert calls > 100 and len(rows) == 360 + calls
    statuses = {r["status"] for r in rows}
    assert {"pending_dispatch", "dispatched", "unit_returned", "replied", "closed", "answered",
            "not_accepted", "returned_to_intake", "escalated", "merged", "three_way"} <= statuses
    code, _, err = run(capsys, "demo", "--data-dir", tmp_path)
    assert code == 1 and "--reset" in err
    code, out, _ = run(capsys, "demo", "--if-empty", "--data-dir", tmp_path)
    assert code == 0 and "left as it is" in out
    assert run(capsys, "demo", "--reset", "--orders", "300", "--data-dir", tmp_path)[0] == 0


def test_demo_has_overdue_extension_and_soon_due_work(tmp_path, capsys):
    from console import clock
    from console.store import Store

    run(capsys, "demo", "--data-dir", tmp_path, "--seed", "5")
    store = Store.open(tmp_path)
    now = clock.now().isoformat()
    rows = store.list_orders(limit=None)
    states = [json.loads(r["state"]) for r in rows]
    assert any(r["status"] == "dispatched" and r["unit_due"] < now for r in rows)  # overdue
    assert any(s["extension_pending"] for s in states)  # extension requests waiting
    assert any(r["status"] == "replied" and r["callback_due"] for r in rows)  # callbacks due
    within_hour = (clock.now() + timedelta(hours=1)).isoformat()
    assert any(r["callback_due"] and now < r["callback_due"] <= within_hour for r in rows)  # due within the hour
    store.close()


def test_orders_show_lists_events_and_every_deadline(tmp_path, capsys):
    run(capsys, "init", "--seat", "S07", "--data-dir", tmp_path)
    make_2027_provisional(tmp_path)  # tests/calendars.py: 2027 estimated, whatever the library knows
    lines = [
        {"kind": "created", "at": "2026-12-28T10:00:00", "actor": {"operator": "A101", "role": "agent"},
         "payload": {"caller_name": "王芳", "caller_title": "女士", "phone": "13800001111", "address": "人民路1号",
                     "description": "小区门口路灯坏了一周，晚上很危险", "nature": "求助",
                     "content_path": ["城建环保", "路灯"], "disposition": "transfer"}},
        {"kind": "dispatched", "order": "20261228-S07-0001", "at": "2026-12-28T11:00:00",
         "actor": {"operator": "D201", "role": "dispatcher"}, "payload": {"lead_unit": "U001"}},
    ]
    src = tmp_path / "events.jsonl"
    src.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    assert run(capsys, "events", "apply", src, "--data-dir", tmp_path)[0] == 0
    code, out, _ = run(capsys, "orders", "show", "20261228-S07-0001", "--json", "--data-dir", tmp_path)
    shown = json.loads(out)
    assert [e["kind"] for e in shown["events"]] == ["created", "dispatched"]
    assert shown["deadlines"]["dispatch_due"] == "2026-12-28T17:00:00"
    assert shown["deadlines"]["unit_due"].startswith("2027-01-")
    assert shown["deadlines"]["unit_due_provisional"] is True  # 2027 has no official schedule
    code, out, _ = run(capsys, "orders", "show", "20261228-S07-0001", "--data-dir", tmp_path)
    assert "预估" in out and "dispatched" in out


def test_events_apply_reports_each_line_and_exits_1_on_any_rejection(tmp_path, capsys):
    run(capsys, "init", "--seat", "S07", "--data-dir", tmp_path)
    good = {"kind": "created", "actor": {"operator": "A1", "role": "agent"},
            "payload": {"description": "咨询公积金提取", "nature": "咨询", "content_path": ["城建环保", "住房公积金"],
                        "disposition": "direct_answer", "answer": "按统一口径答复"}}
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join([
        json.dumps(good, ensure_ascii=False),
        "{not json",
        json.dumps({**good, "actor": {"operator": "A1", "role": "janitor"}}),
        json.dumps({"kind": "dispatched", "order": "NOPE", "actor": {"operator": "D", "role": "dispatcher"},
                    "payload": {"lead_unit": "U001"}}),
        json.dumps(good, ensure_ascii=False),
    ]), encoding="utf-8")
    code, out, _ = run(capsys, "events", "apply", src, "--data-dir", tmp_path)
    results = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [r["ok"] for r in results] == [True, False, False, False, True]
    assert [r["line"] for r in results] == [1, 2, 3, 4, 5]
    assert "line 2: bad JSON" in results[1]["reason"]
    assert "unknown role" in results[2]["reason"]
    assert "不存在" in results[3]["reason"]
    assert results[4]["order"].endswith("-S07-0002")


def test_events_apply_from_stdin(tmp_path):
    subprocess.run([sys.executable, "-m", "console", "init", "--seat", "S07", "--data-dir", str(tmp_path)], check=True,
                   cwd=ROOT, capture_output=True)
    line = json.dumps({"kind": "created", "actor": {"operator": "A1", "role": "agent"},
                       "payload": {"description": "咨询低保", "nature": "咨询", "content_path": ["司法民政", "低保"],
                                   "disposition": "direct_answer", "answer": "已答复"}}, ensure_ascii=False)
    proc = subprocess.run([sys.executable, "-m", "console", "events", "apply", "-", "--data-dir", str(tmp_path)],
                          input=line, text=True, capture_output=True, cwd=ROOT)
    assert proc.returncode == 0 and json.loads(proc.stdout)["status"] == "accepted"


@pytest.mark.parametrize("args,message", [
    (["orders", "list"], "no store at"),
    (["orders", "show", "20261128-S07-0001"], "no store at"),
    (["events", "apply", "-"], "no store at"),
])
def test_missing_store_is_one_line(tmp_path, capsys, args, message):
    code, _, err = run(capsys, *args, "--data-dir", tmp_path / "none")
    assert code != 0 and message in err and len(err.strip().splitlines()) == 1


def test_corrupt_store_unknown_order_bad_status_bad_file(tmp_path, capsys):
    (tmp_path / "seat.db").write_bytes(b"garbage" * 1000)
    code, _, err = run(capsys, "orders", "list", "--data-dir", tmp_path)
    assert code == 1 and "not a SQLite database" in err
    good = tmp_path / "good"
    run(capsys, "init", "--seat", "S07", "--data-dir", good)
    code, _, err = run(capsys, "orders", "show", "20990101-S07-9999", "--data-dir", good)
    assert code == 1 and "no order" in err
    code, _, err = run(capsys, "orders", "list", "--status", "sleeping", "--data-dir", good)
    assert code == 2 and "unknown status" in err
    code, _, err = run(capsys, "events", "apply", tmp_path / "missing.jsonl", "--data-dir", good)
    assert code == 2 and "no such file" in err


def test_python_dash_m_console_is_the_same_command():
    proc = subprocess.run([sys.executable, "-m", "console", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0 and "orders" in proc.stdout and "calendar" in proc.stdout
