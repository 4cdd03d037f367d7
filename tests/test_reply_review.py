"""The review of units' replies (审核反馈真实性, the seed's 业务科 duty; R-30 → R-32): a reply is
accepted on to callback or sent back to the unit with the reason; sent-back replies count against
the unit; the quick check's findings. Through the real store, the CLI, the desk under Pilot."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta

import pytest
from dispatch_support import NOW, SIZE, DeskApp, add_order, data, record, screen_text, settle, stored, table_keys  # noqa: F401
from factories import AGENT, CALLBACK, DISPATCHER, LEAD, event, intake, unit

from console import queues
from console.cli import main
from console.domain.decide import decide
from console.domain.order import Event, Kind, Status, apply, fold
from console.domain.recording import recorded_payload
from console.domain.reply_review import matter_overlap, off_topic, repeats, reply_findings
from console.domain.roles import Role
from console.domain.settings import DEFAULT_RULES
from console.reply_review import findings_for
from console.stats import report
from console.store import NewEvent, Store

T = datetime(2026, 11, 23, 9, 0)


@pytest.fixture
def store(tmp_path):
    s = Store.init(tmp_path, "S07")
    yield s
    s.close()


def rec(store, kind, payload, actor, number="", at=None):
    result = store.record([NewEvent(kind, payload, actor, number, at or T)])
    assert result.ok, result.reason
    return result.orders[0] if result.orders else number


def dispatched(store, unit_code="U001", at=T) -> str:
    number = rec(store, Kind.CREATED, intake(description="幸福路88号小区停水三天了，没有任何通知，请尽快恢复供水。"),
                 AGENT, at=at)
    rec(store, Kind.DISPATCHED, {"lead_unit": unit_code}, DISPATCHER, number, at)
    return number


def test_a_reply_waits_for_review_and_only_an_accepted_one_reaches_the_callback_desk(store):
    """R-32 after 审核反馈真实性: the callback seat cannot call back a reply not yet reviewed; the
    callback queue lists only accepted replies; the callback deadline runs from the acceptance."""
    number = dispatched(store)
    rec(store, Kind.UNIT_REPLIED, {"reply": "已于11月24日更换主管道，恢复供水"}, unit("U001"), number, T + timedelta(days=1))
    assert store.get(number).status == Status.REPLY_REVIEW
    assert number in {r["number"] for r in queues.reply_reviews(store)}
    assert number not in {r["number"] for r in queues.callback_queue(store, limit=500)}
    refused = store.record([NewEvent(Kind.CALLBACK_ATTEMPTED, {"outcome": "reached"}, CALLBACK, number)])
    assert not refused.ok and "待审核答复" in refused.reason
    accepted_at = T + timedelta(days=2)
    rec(store, Kind.REPLY_REVIEWED, {"accept": True}, DISPATCHER, number, accepted_at)
    assert store.get(number).status == Status.REPLIED
    assert number in {r["number"] for r in queues.callback_queue(store, limit=500)}
    assert store.order_row(number)["callback_due"] == (accepted_at + timedelta(days=3)).isoformat()
    assert store.projection_differences() == []


def test_a_sent_back_reply_goes_back_to_the_unit_with_its_reason_and_the_unit_replies_again(store):
    """Sent back (vague, another matter, a visit that did not happen, or typed): the order is with
    the unit again under its deadline; the reply and the reason are kept on the record."""
    number = dispatched(store)
    due = store.order_row(number)["unit_due"]
    rec(store, Kind.UNIT_REPLIED, {"reply": "您的留言已收悉。"}, unit("U001"), number, T + timedelta(days=1))
    rec(store, Kind.REPLY_REVIEWED, {"accept": False, "ground": "vague"}, DISPATCHER, number, T + timedelta(days=1, hours=1))
    state = store.get(number)
    assert state.status == Status.DISPATCHED and state.reply == ""
    assert state.replies_sent_back[0]["ground"] == "vague" and state.replies_sent_back[0]["reply"] == "您的留言已收悉。"
    assert store.order_row(number)["unit_due"] == due  # no new time limit
    rec(store, Kind.UNIT_REPLIED, {"reply": "已恢复供水"}, unit("U001"), number, T + timedelta(days=2))
    rec(store, Kind.REPLY_REVIEWED, {"accept": False, "ground": "other", "reason": "回访来电人称仍未来水"}, LEAD, number,
        T + timedelta(days=2, hours=1))
    assert [b["reason"] for b in store.get(number).replies_sent_back] == ["", "回访来电人称仍未来水"]
    kinds = [e["kind"] for e in store.events_of(number)]
    assert kinds.count("reply_reviewed") == 2 and kinds.count("unit_replied") == 2


@pytest.mark.parametrize("payload, actor, words", [
    ({"accept": False}, DISPATCHER, "退回答复的理由应为"),
    ({"accept": False, "ground": "made_up"}, DISPATCHER, "退回答复的理由应为"),
    ({"accept": False, "ground": "other", "reason": "  "}, DISPATCHER, "须写明理由"),
    ({"accept": True}, CALLBACK, "无权"),
])
def test_a_review_without_its_ground_or_by_another_role_is_refused_and_changes_nothing(store, payload, actor, words):
    """decide(): a send-back names its ground (typed words for "other"); only a dispatcher or a
    lead reviews. A refused review leaves the reply waiting."""
    number = dispatched(store)
    rec(store, Kind.UNIT_REPLIED, {"reply": "已恢复供水"}, unit("U001"), number, T + timedelta(days=1))
    result = store.record([NewEvent(Kind.REPLY_REVIEWED, payload, actor, number)])
    assert not result.ok and words in result.reason
    assert store.get(number).status == Status.REPLY_REVIEW


def test_no_review_without_a_reply_waiting(store):
    number = dispatched(store)
    result = store.record([NewEvent(Kind.REPLY_REVIEWED, {"accept": True}, DISPATCHER, number)])
    assert not result.ok and "没有待审核的答复" in result.reason


def test_a_reply_recorded_before_the_review_existed_still_folds_straight_to_callback():
    """payloads v1 → v2: an old unit_replied (no "v") went to callback at once and folds so on every
    side; one recorded now carries v 2 and waits for review."""
    created = event(Kind.CREATED, intake(), AGENT, T)
    sent = event(Kind.DISPATCHED, {"lead_unit": "U001", "limit_days": 5}, DISPATCHER, T)
    old = Event.of(Kind.UNIT_REPLIED, created.order, {"reply": "已处理"}, T, unit("U001"))
    assert fold([created, sent, old]).status == Status.REPLIED
    state = fold([created, sent])
    new_payload = recorded_payload(Kind.UNIT_REPLIED, state, {"reply": "已处理"}, DEFAULT_RULES)
    assert new_payload["v"] == 2
    new = Event.of(Kind.UNIT_REPLIED, created.order, new_payload, T, unit("U001"))
    assert decide(state, new, unit("U001")).ok
    assert apply(state, new).status == Status.REPLY_REVIEW


def test_sent_back_replies_count_against_the_unit_and_the_reply_that_holds_decides_M07(store):
    """The month per unit: 答复退回数 counts each reply sent back; M-07 counts the unit's reply that
    was not sent back (a sent-back reply on time does not make the order replied in time)."""
    number = dispatched(store, "U002")
    rec(store, Kind.UNIT_REPLIED, {"reply": "已收悉"}, unit("U002"), number, T + timedelta(days=1))
    rec(store, Kind.REPLY_REVIEWED, {"accept": False, "ground": "vague"}, DISPATCHER, number, T + timedelta(days=1))
    rec(store, Kind.UNIT_REPLIED, {"reply": "已收悉，会处理"}, unit("U002"), number, T + timedelta(days=2))
    rec(store, Kind.REPLY_REVIEWED, {"accept": False, "ground": "other_matter"}, DISPATCHER, number, T + timedelta(days=2))
    now = T + timedelta(days=20)
    rep = report(store, datetime(2026, 11, 1), datetime(2026, 12, 1), now)
    assert rep.units["U002"].sent_back == 2
    assert rep.figures["M-07"].missed == [number]  # still with the unit past its deadline: late
    assert rep.figures["M-10"].denominator == 0  # no reply that holds yet
    rec(store, Kind.UNIT_REPLIED, {"reply": "已更换水管"}, unit("U002"), number, T + timedelta(days=3))
    rec(store, Kind.REPLY_REVIEWED, {"accept": True}, DISPATCHER, number, T + timedelta(days=3))
    rep = report(store, datetime(2026, 11, 1), datetime(2026, 12, 1), now)
    m07 = rep.figures["M-07"]
    assert (m07.numerator, m07.denominator) == (1, 1)  # the third reply, in time, counted once
    assert rep.units["U002"].sent_back == 2 and rep.units["U002"].replies_due == 1


# -- the quick check -----------------------------------------------------------------------------

ORDER = "幸福路88号小区停水三天了，没有任何通知，请尽快恢复供水。"


def test_the_quick_check_names_what_the_reviewer_should_look_at():
    """Findings, each with the send-back ground it points to: too short, another matter, the unit's
    boilerplate, a claimed visit to verify; a specific answer gives none."""
    good = "经查，幸福路88号小区停水系主管道破裂所致，已于11月24日完成抢修，小区恢复供水，已电话告知来电人。"
    assert reply_findings(ORDER, good) == []
    codes = {f.code: f.ground for f in reply_findings(ORDER, "您好，留言已收悉。", ["留言已收悉！", "您好！留言已收悉"])}
    assert codes == {"short": "vague", "off_topic": "other_matter", "boilerplate": "vague"}
    other = "关于学校周边交通拥堵的问题，交警大队已在上下学时段增派警力疏导，并设置了临时停车区域。"
    assert [f.code for f in reply_findings(ORDER, other)] == ["off_topic"]
    visit = reply_findings(ORDER, "工作人员已上门核实，幸福路88号小区停水系主管道破裂，已抢修完毕恢复供水。")
    assert [(f.code, f.ground) for f in visit] == [("visit_claim", "no_visit")] and "上门" in visit[0].text


def test_the_check_separates_real_replies_from_replies_to_other_messages(shared_data):
    """Measured on the 2,816 real tipdm message/reply pairs: most real replies share the matter's
    words; a reply paired with another message almost never does. Boilerplate is found among the
    real replies (the board's stock "留言已收悉")."""
    rows = [json.loads(line) for line in (shared_data / "tipdm-messages-with-replies.jsonl").open(encoding="utf-8")]
    shuffled = rows[:]
    random.Random(1).shuffle(shuffled)
    real = sum(off_topic(r["title"], r["reply"]) for r in rows) / len(rows)
    other = sum(off_topic(r["title"], s["reply"]) for r, s in zip(rows, shuffled, strict=True)) / len(rows)
    assert real < 0.3 and other > 0.9, (real, other)  # measured: 23.6 % and 97.0 %
    assert matter_overlap(rows[0]["title"], rows[0]["reply"]) > matter_overlap(rows[0]["title"], shuffled[0]["reply"])
    stock = [r["reply"] for r in rows if r["reply"].startswith("网友：您好！留言已收悉")]
    assert len(stock) >= 20 and repeats(stock[0], stock[1:]) >= len(stock) // 2


def test_the_store_compares_with_the_units_own_earlier_replies(store):
    """The boilerplate check reads the unit's replies on its other orders, not other units'."""
    for code in ("U001", "U001", "U002"):
        n = dispatched(store, code)
        rec(store, Kind.UNIT_REPLIED, {"reply": "您的留言已收悉，我们将尽快处理。"}, unit(code), n, T + timedelta(hours=2))
    mine = dispatched(store, "U002")
    rec(store, Kind.UNIT_REPLIED, {"reply": "您的留言已收悉，我们将尽快处理。"}, unit("U002"), mine, T + timedelta(hours=3))
    assert "boilerplate" not in {f.code for f in findings_for(store, store.get(mine))}  # U002 used it once before
    ours = dispatched(store, "U001")
    rec(store, Kind.UNIT_REPLIED, {"reply": "您的留言已收悉，我们将尽快处理！"}, unit("U001"), ours, T + timedelta(hours=3))
    boiler = [f for f in findings_for(store, store.get(ours)) if f.code == "boilerplate"]
    assert boiler and "此前 2 条" in boiler[0].text


# -- the CLI -------------------------------------------------------------------------------------


def test_cli_lists_shows_sends_back_and_accepts(store, capsys):
    """`hotline orders reviews|review`: English lines, the findings, a bad request one line."""
    data = str(store.data_dir)
    number = dispatched(store)
    rec(store, Kind.UNIT_REPLIED, {"reply": "已收悉"}, unit("U001"), number, T + timedelta(days=1))
    store.close()
    assert main(["orders", "reviews", "--json", "--data-dir", data]) == 0
    listed = json.loads(capsys.readouterr().out.splitlines()[0])
    assert listed["number"] == number and {f["code"] for f in listed["findings"]} >= {"short", "off_topic"}
    assert main(["orders", "review", number, "--data-dir", data]) == 0
    assert "suggests --send-back vague" in capsys.readouterr().out
    assert main(["orders", "review", number, "--send-back", "vague", "--data-dir", data]) == 2
    assert capsys.readouterr().err.strip() == "hotline: --operator is required to accept or send back a reply"
    assert main(["orders", "review", number, "--send-back", "vague", "--operator", "D201", "--data-dir", data]) == 0
    assert "sent back to the unit (vague)" in capsys.readouterr().out
    assert main(["orders", "review", number, "--accept", "--operator", "D201", "--data-dir", data]) == 1
    err = capsys.readouterr().err
    assert err.startswith("hotline: refused (state)") and len(err.strip().splitlines()) == 1
    s = Store.open(data)
    try:
        rec(s, Kind.UNIT_REPLIED, {"reply": "已恢复供水"}, unit("U001"), number, T + timedelta(days=2))
    finally:
        s.close()
    assert main(["orders", "review", number, "--accept", "--operator", "L301", "--role", "lead", "--data-dir", data]) == 0
    assert main(["orders", "show", number, "--json", "--data-dir", data]) == 0
    shown = json.loads(capsys.readouterr().out.splitlines()[-1])
    assert shown["order"]["status"] == "replied"


# -- the desk ------------------------------------------------------------------------------------


async def test_the_review_view_sends_a_boilerplate_reply_back_and_accepts_a_real_one(data):
    """Dispatch view 5 答复审核: the check's marks in the list and its findings in the panel; b with
    Enter sends back on the ground the findings point to; a with Enter accepts, and the order
    appears on the callback desk's list."""
    from screens.callback import CallbackScreen
    from screens.dispatch import DispatchScreen
    from screens.dispatch_replies import ReplyReviewScreen

    vague = add_order(data, at=NOW - timedelta(days=2))
    record(data, vague, Kind.DISPATCHED, {"lead_unit": "U001"}, Role.DISPATCHER, at=NOW - timedelta(days=2))
    record(data, vague, Kind.UNIT_REPLIED, {"reply": "您的留言已收悉。"}, Role.UNIT, unit="U001",
           at=NOW - timedelta(days=2))
    real = add_order(data, at=NOW - timedelta(days=2))
    record(data, real, Kind.DISPATCHED, {"lead_unit": "U001"}, Role.DISPATCHER, at=NOW - timedelta(days=2))
    record(data, real, Kind.UNIT_REPLIED, {"reply": "经查，幸福路88号小区停水系主管道破裂，已抢修完毕，小区恢复供水。"},
           Role.UNIT, unit="U001", at=NOW - timedelta(days=1))
    app = DeskApp(data, DispatchScreen)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReplyReviewScreen)
        keys = table_keys(screen)
        assert vague in keys and real in keys
        assert "简短" in str(screen.table.get_cell(vague, "marks"))
        assert str(screen.table.get_cell(real, "marks")) == ""
        screen.table.move_cursor(row=keys.index(vague))
        await settle(pilot)
        assert "答复内容过于简短" in screen_text(screen, "#rv-findings")
        assert screen_text(screen, "#rv-reply") == "您的留言已收悉。"
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert vague not in table_keys(app.screen)
        assert screen_text(app.screen, "#desk-status") == f"{vague} 答复已退回单位：答复笼统，未说明办理结果"
        screen = app.screen
        screen.table.move_cursor(row=table_keys(screen).index(real))
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert real not in table_keys(app.screen)
    back = stored(data, vague)
    assert back.status == Status.DISPATCHED and back.replies_sent_back[0]["ground"] == "vague"
    assert stored(data, real).status == Status.REPLIED
    app = DeskApp(data, CallbackScreen, role=Role.CALLBACK)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert real in table_keys(app.screen) and vague not in table_keys(app.screen)
