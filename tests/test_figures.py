"""The figures (DOMAIN.md §7, M-06..M-11) and the per-unit month, from small hand-built histories
recorded through the real store, with the edge cases the definitions turn on (docs/figures.md)."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from calendars import make_2027_provisional
from factories import AGENT, CALLBACK, DISPATCHER, intake, unit

from console.cli import main
from console.domain.order import Kind
from console.stats import period_of_days, report
from console.store import NEW_ORDER, NewEvent, Store

NOV, DEC = datetime(2026, 11, 1), datetime(2027, 1, 1)
NOW = datetime(2026, 12, 20, 12, 0)


def t(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def store(tmp_path):
    make_2027_provisional(tmp_path)
    s = Store.init(tmp_path, "S07")
    yield s
    s.close()


def rec(store, *events):
    result = store.record(list(events))
    assert result.ok, result.reason
    return result.orders[0]


def created(store, at: str, **fields) -> str:
    return rec(store, NewEvent(Kind.CREATED, intake(**fields), AGENT, at=t(at)))


def ev(store, number: str, kind: str, payload: dict, actor, at: str) -> None:
    rec(store, NewEvent(kind, payload, actor, number, at=t(at)))


def test_M06_an_order_dispatched_exactly_at_the_cutoff_is_in_time(store):
    """R-23: created Mon 09:00, due 17:00 the same day; 17:00:00 is in time, 17:01 is late; a
    duplicate merged before dispatch and an order answered at intake are not due."""
    on_time = created(store, "2026-11-23 09:00")
    late = created(store, "2026-11-23 09:05")
    merged = rec(store, NewEvent(Kind.CREATED, intake(), AGENT, at=t("2026-11-23 09:10")),
                 NewEvent(Kind.MERGED_INTO, {"target": on_time}, AGENT, NEW_ORDER, at=t("2026-11-23 09:10")))
    answered = created(store, "2026-11-23 09:20")
    ev(store, answered, Kind.RETURNED_TO_INTAKE, {"reason": "知识库有答复"}, DISPATCHER, "2026-11-23 10:00")
    ev(store, answered, Kind.ANSWERED_DIRECTLY, {"answer": "已按政策答复"}, AGENT, "2026-11-23 10:30")
    ev(store, on_time, Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER, "2026-11-23 17:00:00")
    ev(store, late, Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER, "2026-11-23 17:01")
    m06 = report(store, NOV, DEC, NOW).figures["M-06"]
    assert (m06.numerator, m06.denominator) == (1, 2)
    assert m06.missed == [late] and merged not in m06.orders and answered not in m06.orders
    assert m06.met is False  # 50 % < 90 %


def test_M07_an_extension_approved_after_the_original_deadline_still_moves_it(store):
    """R-26 + R-25: dispatched Mon 11-23, due Mon 11-30; asked on 11-27 for 3 days, approved on
    12-01 (past the original deadline): due 12-03, so a reply on 12-02 is in time. Another unit's
    order with no reply past its deadline counts as late."""
    a = created(store, "2026-11-23 09:00")
    ev(store, a, Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER, "2026-11-23 10:00")
    ev(store, a, Kind.EXTENSION_REQUESTED, {"days": 3, "reason": "需现场勘查"}, unit("U001"), "2026-11-27 10:00")
    ev(store, a, Kind.EXTENSION_DECIDED, {"approve": True}, DISPATCHER, "2026-12-01 09:00")
    ev(store, a, Kind.UNIT_REPLIED, {"reply": "已修复"}, unit("U001"), "2026-12-02 16:00")
    silent = created(store, "2026-11-23 09:30")
    ev(store, silent, Kind.DISPATCHED, {"lead_unit": "U002"}, DISPATCHER, "2026-11-23 10:00")
    rep = report(store, NOV, DEC, NOW)
    m07 = rep.figures["M-07"]
    assert (m07.numerator, m07.denominator, m07.missed) == (1, 2, [silent])
    assert rep.units["U001"].extensions == 1 and rep.units["U001"].replies_in_time == 1
    assert rep.units["U002"].overdue == 1 and rep.units["U002"].handed_over == 1
    # Before the reply is due (now = 11-25) the silent order is not yet decided: left out.
    assert silent not in report(store, NOV, DEC, t("2026-11-25 12:00")).figures["M-07"].orders


def _replied(store, at: str, **fields) -> str:
    n = created(store, at, **fields)
    ev(store, n, Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER, at)
    ev(store, n, Kind.UNIT_REPLIED, {"reply": "已处理完毕"}, unit("U001"), "2026-11-25 10:00")
    ev(store, n, Kind.REPLY_REVIEWED, {"accept": True}, DISPATCHER, "2026-11-25 10:00")
    return n


def test_M08_M09_M11_a_confidential_order_and_one_twice_unreachable_are_left_out(store):
    """R-02: a confidential caller is not called back; R-32: two failed tries close a callback as
    unreachable. Neither counts in M-08, M-09 or M-11; the satisfied caller counts in all three."""
    satisfied = _replied(store, "2026-11-23 09:00")
    secret = _replied(store, "2026-11-23 09:10", confidential=True)
    gone = _replied(store, "2026-11-23 09:20")
    late = _replied(store, "2026-11-23 09:30")
    ev(store, satisfied, Kind.CALLBACK_ATTEMPTED, {"outcome": "reached"}, CALLBACK, "2026-11-26 09:00")
    ev(store, satisfied, Kind.CALLBACK_DONE, {"result": "满意"}, CALLBACK, "2026-11-26 09:01")
    ev(store, gone, Kind.CALLBACK_ATTEMPTED, {"outcome": "no_answer"}, CALLBACK, "2026-11-26 09:00")
    ev(store, gone, Kind.CALLBACK_ATTEMPTED, {"outcome": "busy"}, CALLBACK, "2026-11-26 15:00")
    ev(store, late, Kind.CALLBACK_ATTEMPTED, {"outcome": "reached"}, CALLBACK, "2026-11-29 09:00")
    ev(store, late, Kind.CALLBACK_DONE, {"result": "不满意", "words": "没有修好"}, CALLBACK, "2026-11-29 09:01")
    ev(store, late, Kind.REWORK, {"reason": "没有修好"}, CALLBACK, "2026-11-29 09:02")
    f = report(store, NOV, DEC, NOW).figures
    assert (f["M-08"].numerator, f["M-08"].denominator) == (1, 2)  # satisfied / completed callbacks
    assert secret not in f["M-09"].orders and gone not in f["M-09"].orders
    assert (f["M-09"].numerator, f["M-09"].denominator) == (2, 2)
    assert (f["M-11"].numerator, f["M-11"].denominator, f["M-11"].missed) == (1, 2, [late])  # due 11-28 10:00
    assert (f["M-10"].numerator, f["M-10"].denominator) == (1, 4)  # one rework of four replies


def test_a_units_own_figures_count_only_its_cases(store):
    a = created(store, "2026-11-23 09:00")
    b = created(store, "2026-11-23 09:05")
    ev(store, a, Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER, "2026-11-23 10:00")
    ev(store, b, Kind.DISPATCHED, {"lead_unit": "U002"}, DISPATCHER, "2026-11-23 18:00")
    assert report(store, NOV, DEC, NOW, unit="U001").figures["M-06"].orders == [a]
    assert report(store, NOV, DEC, NOW, unit="U002").figures["M-06"].missed == [b]


def test_the_xlsx_holds_every_number_of_the_json(store, tmp_path, capsys):
    """The monthly report as XLSX (opened with openpyxl): each figure and each unit row equals the
    JSON of `hotline stats figures` and `hotline stats units` for the same month."""
    import openpyxl

    test_M07_an_extension_approved_after_the_original_deadline_still_moves_it(store)
    data = str(store.data_dir)
    assert main(["stats", "figures", "--from", "2026-12-01", "--to", "2027-01-01", "--json", "--data-dir", data]) == 0
    figures = json.loads(capsys.readouterr().out)["figures"]
    assert main(["stats", "units", "--month", "2026-12", "--json", "--data-dir", data]) == 0
    units = json.loads(capsys.readouterr().out)["units"]
    out = tmp_path / "月报.xlsx"
    assert main(["stats", "export", "--month", "2026-12", "--out", str(out), "--data-dir", data]) == 0
    book = openpyxl.load_workbook(out, read_only=True)
    assert book.sheetnames == ["总体指标", "各单位", "分类统计", "超期明细", "退回明细", "典型工单"]

    def table(name: str) -> list[tuple]:
        rows = list(book[name].iter_rows(values_only=True))
        start = next(i for i, r in enumerate(rows) if r[0] in ("指标", "承办单位", "一级分类", "工单编号"))
        return rows[start + 1:]

    got = table("总体指标")
    assert [r[:4] for r in got] == [(f["code"], f["name"], f["numerator"], f["denominator"]) for f in figures]
    assert [r[4] for r in got] == [f["ratio"] for f in figures]
    keys = ("unit", "handed_over", "closed", "close_rate", "callbacks", "satisfied", "satisfaction", "returns",
            "sent_back", "redispatched", "overdue", "extensions", "replies_due", "replies_in_time", "reply_rate", "group", "score",
            "rank")
    assert table("各单位") == [tuple(u[k] for k in keys) for u in units]
    assert [r[0] for r in table("超期明细")] == [f for f in report(
        store, *period_of_days(datetime(2026, 12, 1).date(), datetime(2027, 1, 1).date()), datetime.now()
    ).figures["M-07"].missed]


def test_bad_periods_and_files_are_one_line_errors(store, tmp_path, capsys):
    data = str(store.data_dir)
    assert main(["stats", "units", "--month", "2026-13", "--data-dir", data]) == 2
    assert "bad month '2026-13'" in capsys.readouterr().err
    assert main(["stats", "figures", "--from", "2026-12-01", "--to", "2026-11-01", "--data-dir", data]) == 2
    assert "must be after" in capsys.readouterr().err
    assert main(["stats", "export", "--month", "2026-11", "--out", str(tmp_path / "x.pdf"), "--data-dir", data]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and ".xlsx or .csv" in err


CALLS_CSV = """call_id,seat,operator,offered_at,answered_at,ended_at,rating
C1,S07,A101,2026-11-23 09:00:00,2026-11-23 09:00:15,2026-11-23 09:05:00,满意
C2,S07,A101,2026-11-23 09:10:00,2026-11-23 09:10:16,2026-11-23 09:12:00,不满意
C3,S07,,2026-11-23 09:20:00,,,
C4,S07,A102,not a time,,,
C5,S07,A102,2026-11-23 09:30:00,2026-11-23 09:29:00,,
"""
SMS_CSV = """message_id,received_at,replied_at
M1,2026-11-23 09:00:00,2026-11-23 18:00:00
M2,2026-11-23 22:00:00,2026-11-24 08:00:00
"""


def test_call_and_sms_records_import_by_id_and_give_M01_M02_M03_M05(store, tmp_path, capsys):
    """M-02's 15 s: answered at 15 s is in time, at 16 s is not. A bad row is refused with its line
    number and the rest imported; importing again changes nothing."""
    calls, sms = tmp_path / "calls.csv", tmp_path / "sms.csv"
    calls.write_text(CALLS_CSV, encoding="utf-8")
    sms.write_text(SMS_CSV, encoding="utf-8")
    data = str(store.data_dir)
    for _ in range(2):
        assert main(["calls", "import", str(calls), "--data-dir", data]) == 1
        out, err = capsys.readouterr()
        assert "imported 3 calls records, 2 rows refused" in out
        assert "line 5: offered_at 'not a time'" in err and "line 6: answered_at is before offered_at" in err
    assert main(["sms", "import", str(sms), "--data-dir", data]) == 0
    f = report(store, NOV, DEC, NOW).figures
    assert (f["M-01"].numerator, f["M-01"].denominator) == (2, 3)
    assert (f["M-02"].numerator, f["M-02"].denominator, f["M-02"].missed) == (1, 2, ["C2"])
    assert (f["M-05"].numerator, f["M-05"].denominator) == (1, 2)
    assert (f["M-03"].numerator, f["M-03"].denominator, f["M-03"].missed) == (1, 2, ["M2"])
    assert list(f) == sorted(f)  # M-01 .. M-11 in order


def test_M04_complaints_about_hotline_staff_over_the_valid_calls(store, tmp_path, capsys):
    """M-04 投诉率 (DOMAIN.md §7, ≤ 2 %): orders flagged 投诉话务员 taken in the period / calls
    answered by an agent then. An unflagged order, and a flagged one taken before the period, do
    not count; the flag is in the stored payload and the order's state; a unit's figures have no M-04."""
    calls = tmp_path / "calls.csv"
    calls.write_text(CALLS_CSV, encoding="utf-8")
    data = str(store.data_dir)
    assert main(["calls", "import", str(calls), "--data-dir", data]) == 1  # two bad rows, as above
    capsys.readouterr()
    flagged = created(store, "2026-11-23 09:01", nature="投诉", staff_complaint=True)
    created(store, "2026-11-23 09:11", nature="投诉")
    created(store, "2026-10-30 09:00", nature="投诉", staff_complaint=True)
    state = store.get(flagged)
    assert state is not None and state.staff_complaint is True
    assert store.events_of(flagged)[0]["payload"]["staff_complaint"] is True
    assert main(["stats", "figures", "--from", "2026-11-01", "--to", "2027-01-01", "--json", "--data-dir", data]) == 0
    m04 = next(f for f in json.loads(capsys.readouterr().out)["figures"] if f["code"] == "M-04")
    assert (m04["name"], m04["numerator"], m04["denominator"], m04["ratio"]) == ("投诉率", 1, 2, 0.5)
    assert m04["met"] is False and m04["target"] == 0.02 and m04["at_least"] is False
    assert report(store, NOV, DEC, NOW).figures["M-04"].missed == [flagged]
    assert "M-04" not in report(store, NOV, DEC, NOW, unit="U001").figures


@pytest.mark.parametrize("db_kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_centre_counts_a_seats_orders_exactly_as_the_seat(db_kind, tmp_path, capsys):
    """`hotline centre stats` folds the centre's log through the same definitions: after a seat
    syncs, M-06..M-11 and the month per unit are equal at both (the seat's are marked partial)."""
    from sync_support import CentreThread, centre_db, client, connect, new_centre

    from console.sync.session import sync_once

    with centre_db(db_kind, tmp_path) as url:
        centre = new_centre(url)
        with CentreThread(centre) as server:
            make_2027_provisional(tmp_path / "seat")
            store = Store.init(tmp_path / "seat", "S07")
            connect(store, centre, server.url)
            a = created(store, "2026-11-23 09:00")
            b = created(store, "2026-11-23 09:05")
            ev(store, a, Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER, "2026-11-23 17:00")
            ev(store, b, Kind.DISPATCHED, {"lead_unit": "U002"}, DISPATCHER, "2026-11-23 18:00")
            ev(store, a, Kind.UNIT_REPLIED, {"reply": "已修复"}, DISPATCHER, "2026-11-26 10:00")
            ev(store, a, Kind.REPLY_REVIEWED, {"accept": True}, DISPATCHER, "2026-11-26 10:30")
            ev(store, a, Kind.CALLBACK_ATTEMPTED, {"outcome": "reached"}, CALLBACK, "2026-11-27 09:00")
            ev(store, a, Kind.CALLBACK_DONE, {"result": "基本满意"}, CALLBACK, "2026-11-27 09:01")
            pushed = sync_once(store, client(store))
            assert (pushed.accepted, pushed.rejected) == (8, 0), pushed.reasons
            data = str(store.data_dir)
            store.close()
        seat_args = ["--data-dir", data]
        centre_args = ["--db", url, "--data-dir", data]
        for what in (["figures", "--from", "2026-11-01", "--to", "2027-01-01"], ["units", "--month", "2026-11"]):
            assert main(["stats", *what, "--json", *seat_args]) == 0
            seat = json.loads(capsys.readouterr().out)
            assert main(["centre", "stats", *what, "--json", *centre_args]) == 0
            at_centre = json.loads(capsys.readouterr().out)
            assert seat.pop("partial") is True and at_centre.pop("partial") is False
            if what[0] == "figures":
                seat["figures"] = [f for f in seat["figures"] if f["code"] >= "M-06"]  # calls: seat records only
                assert [f["denominator"] for f in seat["figures"]] == [2, 2, 1, 1, 1, 1]  # b: no reply by 11-30
            assert seat == at_centre
        centre.engine.dispose()


def test_erlang_c_matches_the_tables_and_staffing_reaches_80_percent_in_15_s():
    """Erlang C: C(2 agents, 1 Erlang) = 1/3, C(11, 10) = 0.6821 (published tables); the agents
    needed are the fewest whose service level reaches M-02's 80 % in 15 s."""
    from console.domain.staffing import agents_needed, erlang_c, service_level

    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(11, 10.0) == pytest.approx(0.6821, abs=1e-4)
    n = agents_needed(100, 180)  # 100 calls in half an hour, 3 minutes each: 10 Erlangs
    assert service_level(n, 100, 180) >= 0.80 > service_level(n - 1, 100, 180)
    assert agents_needed(0, 180) == 0


def test_staffing_averages_each_weekday_over_the_month(store, tmp_path, capsys):
    calls = tmp_path / "calls.csv"
    lines = ["call_id,offered_at,answered_at,ended_at"]
    for week, day in enumerate(("2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23", "2026-11-30")):
        for i in range(4 if week < 4 else 0):  # four Mondays with 4 calls at 09:0x, the fifth with none
            lines.append(f"W{week}C{i},{day} 09:0{i}:00,{day} 09:0{i}:05,{day} 09:0{i + 1}:05")
    calls.write_text("\n".join(lines) + "\n", encoding="utf-8")
    data = str(store.data_dir)
    assert main(["calls", "import", str(calls), "--data-dir", data]) == 0
    capsys.readouterr()
    assert main(["stats", "staffing", "--month", "2026-11", "--json", "--data-dir", data]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["handle_seconds"] == 60.0
    assert out["slots"] == [{"weekday": "周一", "start": "09:00", "calls": 3.2, "agents": 1}]  # 16 calls / 5 Mondays


def test_the_documents_print_an_order_and_never_a_confidential_caller(store, tmp_path, capsys):
    """承办单, 工单 and 呈阅件 (the seed's forms): the 承办单 names the unit, the number, the sending
    time, the seats and the deadline; a confidential caller (R-02) is not printed."""
    import openpyxl

    number = created(store, "2026-11-23 09:00", confidential=True)
    ev(store, number, Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER, "2026-11-23 10:00")
    data = str(store.data_dir)
    out = tmp_path / "承办单.xlsx"
    assert main(["orders", "print", number, "--form", "承办单", "--out", str(out), "--data-dir", data]) == 0
    sheet = openpyxl.load_workbook(out).active
    fields = {r[0]: r[1] for r in sheet.iter_rows(min_row=3, values_only=True) if r[0]}
    assert sheet["A1"].value == "承办单"
    assert fields["受理编号"] == number and fields["发出时间"] == "2026-11-23 10:00"
    assert fields["承办单位"] == next(u.name for u in store.unit_directory() if u.code == "U001")
    assert fields["受理座席"] == "S07" and fields["交办座席"] == "D201@S07"
    assert fields["办结时限"] == "2026-11-30 23:59"
    assert fields["来电人"] == fields["联系电话"] == "（来电人要求保密）"
    text = "".join(str(v) for v in fields.values())
    assert "张明" not in text and "13812345678" not in text
    for form in ("工单", "呈阅件"):
        pdf = tmp_path / f"{form}.pdf"
        assert main(["orders", "print", number, "--form", form, "--out", str(pdf), "--data-dir", data]) == 0
        body = pdf.read_bytes()
        assert body.startswith(b"%PDF-") and b"STSong-Light" in body
    assert main(["orders", "print", "20260101-S07-9999", "--form", "工单", "--out", str(pdf), "--data-dir", data]) == 1
    assert "no order 20260101-S07-9999" in capsys.readouterr().err


def test_the_documents_print_the_caller_as_the_printing_role_sees_them(store):
    """The console prints with the caller as its role sees them (a supervisor: 138****5678, the
    privacy policy's mask); a confidential caller (R-02) stays unprinted whatever is passed."""
    from console.domain.privacy import CallerField, shown
    from console.domain.roles import Role
    from console.forms import document

    plain_no = created(store, "2026-11-23 09:00")
    secret = created(store, "2026-11-23 09:05", confidential=True)
    state = store.get(plain_no)
    assert state is not None
    masked = shown(Role.SUPERVISOR, CallerField.PHONE, state.phone, False)
    assert masked != state.phone and "*" in masked
    doc = document(store, plain_no, "工单", caller=("张明先生", masked))
    assert doc is not None and dict(doc[1])["联系电话"] == masked
    doc = document(store, secret, "工单", caller=("张明先生", "13812345678"))
    assert doc is not None and dict(doc[1])["联系电话"] == dict(doc[1])["来电人"] == "（来电人要求保密）"
    assert document(store, "20260101-S07-9999", "工单") is None


def test_units_are_ranked_within_their_peer_group_by_the_weighted_score():
    """考核: a unit is compared with units of its own kind; a figure it has no case for is left out
    and the other weights scaled up; equal scores share a place."""
    from console.domain.figures import UnitMonth
    from console.domain.ranking import rank, score

    weights = {"close_rate": 0.3, "reply_rate": 0.3, "satisfaction": 0.3, "returns": 0.1}
    a = UnitMonth("A", handed_over=10, closed=10, callbacks=10, satisfied=10, replies_due=10, replies_in_time=10)
    b = UnitMonth("B", handed_over=10, closed=5, callbacks=0, replies_due=10, replies_in_time=5, returns=5)
    c = UnitMonth("C", handed_over=10, closed=10, callbacks=10, satisfied=10, replies_due=10, replies_in_time=10)
    street = UnitMonth("S", handed_over=2, closed=1, callbacks=1, satisfied=1, replies_due=1, replies_in_time=1)
    assert score(a, weights) == 100.0
    assert score(b, weights) == round(100 * (0.3 * 0.5 + 0.3 * 0.5 + 0.1 * 0.5) / 0.7, 2)  # no callbacks: 0.3 left out
    places = {r.unit: r for r in rank({"A": a, "B": b, "C": c, "S": street},
                                      {"A": "bureau", "B": "bureau", "C": "bureau", "S": "street"},
                                      weights, {"bureau": "市直部门", "street": "街道"})}
    assert (places["A"].rank, places["C"].rank, places["B"].rank, places["B"].of) == (1, 1, 3, 3)
    assert (places["S"].group, places["S"].rank, places["S"].of) == ("街道", 1, 1)
