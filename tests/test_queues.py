"""console.queues: the desks' work lists in SQL (issue 5)."""

from datetime import datetime, timedelta

import pytest
from dispatch_support import NOW, add_order, demo_dir, record

from console import queues
from console.domain.order import Kind
from console.domain.roles import Role
from console.store import Store


@pytest.fixture
def data(tmp_path):
    return demo_dir(tmp_path)


@pytest.fixture
def store(data):
    s = Store.open(data)
    yield s
    s.close()


def test_queue_puts_urgent_and_leader_orders_first_then_by_cutoff(store):
    rows = queues.dispatch_queue(store, now=NOW, limit=500)
    assert rows and {r["status"] for r in rows} <= {"pending_dispatch", "escalated"}
    prio = [bool(r["urgent"] or r["leader_day"] or r["leader_report"]) for r in rows]
    assert prio == sorted(prio, reverse=True)
    rest = [r["dispatch_due"] for r in rows if not (r["urgent"] or r["leader_day"] or r["leader_report"])]
    assert rest == sorted(rest)


def test_queue_pages_do_not_overlap_and_cover_the_queue(store):
    total = queues.dispatch_count(store)
    pages = [queues.dispatch_queue(store, limit=5, offset=o) for o in range(0, total, 5)]
    numbers = [r["number"] for page in pages for r in page]
    assert len(numbers) == total == len(set(numbers))


def test_filters_and_search_are_sql(data, store):
    overdue = queues.dispatch_queue(store, queues.QueueQuery(filter="overdue"), now=NOW)
    assert overdue and all(r["dispatch_due"] < NOW.isoformat() for r in overdue)
    escalated = queues.dispatch_queue(store, queues.QueueQuery(filter="escalated"), now=NOW)
    assert escalated and all(r["status"] == "escalated" for r in escalated)
    number = add_order(data, description="东风路100%的路灯都坏了，晚上一片漆黑很危险。")
    found = queues.dispatch_queue(store, queues.QueueQuery(search="100%"), now=NOW)
    assert [r["number"] for r in found] == [number]
    assert queues.dispatch_count(store, queues.QueueQuery(search="_"), now=NOW) == 0  # no wildcard leak


def test_header_counts_split_the_queue_by_cutoff(store):
    c = queues.queue_counts(store, NOW)
    rows = queues.dispatch_queue(store, now=NOW, limit=1000)
    assert c.total == len(rows)
    assert c.overdue == sum(r["dispatch_due"] < NOW.isoformat() for r in rows)
    assert c.due_noon == sum(r["dispatch_due"] == "2026-11-27T12:00:00" for r in rows)
    assert c.due_evening == sum(r["dispatch_due"] == "2026-11-27T17:00:00" for r in rows)
    assert c.next_cutoff == datetime(2026, 11, 27, 12, 0)


@pytest.mark.parametrize("now, expected", [
    (datetime(2026, 11, 27, 8, 0), datetime(2026, 11, 27, 12, 0)),
    (datetime(2026, 11, 27, 12, 0), datetime(2026, 11, 27, 17, 0)),
    (datetime(2026, 11, 27, 17, 0), datetime(2026, 11, 28, 12, 0)),
])
def test_next_cutoff(now, expected):
    assert queues.next_cutoff(now) == expected


def test_countdown_words_and_levels():
    assert queues.countdown(NOW + timedelta(hours=1, minutes=30), NOW) == ("剩 1:30:00", "ok")
    assert queues.countdown(NOW + timedelta(minutes=5), NOW) == ("剩 0:05:00", "soon")
    assert queues.countdown(NOW - timedelta(hours=17, minutes=30), NOW) == ("超 17时30分", "late")
    assert queues.countdown(NOW - timedelta(days=2, hours=3), NOW) == ("超 2天3时", "late")
    assert queues.countdown(None, NOW) == ("-", "none")


def test_unit_returns_with_reason_and_monthly_counts(data, store):
    number = add_order(data)
    record(data, number, Kind.DISPATCHED, {"lead_unit": "U001"}, Role.DISPATCHER)
    record(data, number, Kind.UNIT_RETURNED, {"reason": "不属于本局职责"}, Role.UNIT, unit="U001",
           at=NOW + timedelta(minutes=5))
    rows = {r["number"]: r for r in queues.unit_returns(store, limit=500)}
    assert rows[number]["returned_by"] == "U001" and rows[number]["return_reason"] == "不属于本局职责"
    assert not rows[number]["bounced"]
    before = dict(queues.monthly_returns(store, "2026-11"))
    record(data, number, Kind.REDISPATCHED, {"lead_unit": "U002"}, Role.DISPATCHER, at=NOW + timedelta(minutes=6))
    record(data, number, Kind.UNIT_RETURNED, {"reason": "也不归我们"}, Role.UNIT, unit="U002",
           at=NOW + timedelta(minutes=7))
    after = dict(queues.monthly_returns(store, "2026-11"))
    assert after["U002"] == before.get("U002", 0) + 1 and after["U001"] == before["U001"]
    bounced = {r["number"]: r for r in queues.unit_returns(store, limit=500)}[number]
    assert bounced["bounced"] and bounced["returns"] == 2
    assert queues.unit_returns(store, limit=1)[0]["number"] == number  # bounced orders first
    assert queues.monthly_returns(store, "2026-10") == [] or "U002" not in dict(queues.monthly_returns(store, "2026-10"))


def test_extension_requests_list_pending_ones(store):
    rows = queues.extension_requests(store, limit=500)
    assert rows and queues.extension_count(store) == len(rows)
    assert all(r["ext_days"] and r["ext_reason"] and r["ext_n"] == 1 for r in rows)


def test_callback_queue_by_due_time_without_confidential(data, store):
    rows = queues.callback_queue(store, limit=500)
    assert rows and [r["callback_due"] for r in rows] == sorted(r["callback_due"] for r in rows)
    secret = add_order(data, confidential=True)
    record(data, secret, Kind.DISPATCHED, {"lead_unit": "U001"}, Role.DISPATCHER)
    record(data, secret, Kind.UNIT_REPLIED, {"reply": "已处理"}, Role.UNIT, unit="U001")
    assert secret not in {r["number"] for r in queues.callback_queue(store, limit=500)}
    assert all(not r["confidential"] for r in queues.callback_queue(store, limit=500))


def test_intake_inbox_by_seat(store):
    rows = queues.intake_inbox(store)
    assert rows and all(r["returned_reason"] for r in rows)
    assert queues.intake_inbox_count(store, "S07") == len(rows)
    assert queues.intake_inbox(store, "S99") == []


def test_supervision_list_has_overdue_and_sensitive_orders(store):
    rows = queues.supervision_list(store, NOW, limit=500)
    assert rows and queues.supervision_count(store, NOW) == len(rows)
    late = [r for r in rows if r["late_due"] and r["late_due"] < NOW.isoformat()]
    assert late and rows[: len(late)] == late  # overdue first
    assert all(r["supervised"] or r["leader_report"] or r["needs_notice"] for r in rows if r not in late)
