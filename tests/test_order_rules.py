"""decide() and the fold, one named test per rule of DOMAIN.md (R-01..R-34) the core enforces."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from factories import AGENT, CALLBACK, DISPATCHER, LEAD, SUPERVISOR, event, intake, unit

from console.calendar_source import load_calendar
from console.domain.decide import Context, Decision, decide
from console.domain.order import Kind, OrderState, PayloadError, Status, apply
from console.domain.roles import Actor, Role

T0 = datetime(2026, 11, 23, 9, 15)  # a Monday
CAL = load_calendar()
CTX = Context(calendar=CAL, unit_codes=frozenset({"U001", "U002", "U003"}))


class Order:
    """Runs events through decide() then apply(), like the store does, without a database."""

    def __init__(self, **intake_overrides):
        self.state: OrderState | None = None
        self.t = T0
        self.ok(Kind.CREATED, intake(**intake_overrides), AGENT)

    def try_(self, kind, payload, actor, minutes=10):
        self.t += timedelta(minutes=minutes)
        try:
            e = event(kind, payload, actor, self.t)
        except PayloadError as exc:  # the shape is checked where the event is made, seat and centre alike
            return Decision(False, exc.reason, exc.code)
        decision = decide(self.state, e, actor, CTX)
        if decision.ok:
            self.state = apply(self.state, e)
        return decision

    def ok(self, kind, payload, actor, minutes=10):
        decision = self.try_(kind, payload, actor, minutes)
        assert decision.ok, decision.reason
        return self.state

    def no(self, kind, payload, actor, minutes=10) -> str:
        before = self.state
        decision = self.try_(kind, payload, actor, minutes)
        assert not decision.ok, f"{kind} should have been rejected"
        assert self.state is before  # a rejected event changes nothing
        assert decision.reason
        return decision.reason

    def dispatched(self, unit_code="U001"):
        self.ok(Kind.DISPATCHED, {"lead_unit": unit_code}, DISPATCHER)
        return self


def created_decision(**overrides):
    e = event(Kind.CREATED, intake(**overrides), AGENT, T0)
    return decide(None, e, AGENT, CTX)


# -- intake -------------------------------------------------------------------------------------


def test_R01_transfer_needs_caller_phone_description_and_classes():
    assert created_decision().ok
    assert "问题描述" in created_decision(description="  ").reason
    assert "联系电话" in created_decision(phone="").reason
    assert "姓名" in created_decision(caller_name="").reason
    assert "内容分类" in created_decision(content_path=[]).reason
    assert "手机号码应为11位" in created_decision(phone="1381234").reason


def test_R01_reply_wanted_needs_how():
    assert "回复方式" in created_decision(reply_wanted=True, reply_method="").reason


def test_R01_an_order_number_is_created_once():
    order = Order()
    assert order.no(Kind.CREATED, intake(), AGENT).startswith("工单")


def test_R02_confidential_order_closes_on_reply_without_callback():
    order = Order(confidential=True).dispatched()
    state = order.ok(Kind.UNIT_REPLIED, {"reply": "已处理"}, unit("U001"))
    assert state.status == Status.CLOSED and "免回访" in state.close_reason


def test_R03_nature_must_be_configured():
    assert created_decision(nature="举报").ok
    assert "性质分类" in created_decision(nature="闲聊").reason
    narrow = Context(rules=CTX.rules.__class__(natures=("咨询", "求助", "建议", "投诉")))
    e = event(Kind.CREATED, intake(nature="举报"), AGENT, T0)
    assert not decide(None, e, AGENT, narrow).ok


def test_R04_content_class_checked_against_the_taxonomy():
    from console.taxonomy_source import load_taxonomy

    ctx = Context(valid_content_path=load_taxonomy().is_valid_path)
    good = event(Kind.CREATED, intake(content_path=["城建环保", "供水"]), AGENT, T0)
    bad = event(Kind.CREATED, intake(content_path=["城建环保", "火星移民"]), AGENT, T0)
    assert decide(None, good, AGENT, ctx).ok
    assert "不在分类表中" in decide(None, bad, AGENT, ctx).reason


def test_R05_urgent_is_kept_on_the_order():
    assert Order(urgent=True).state.urgent is True


def test_R06_not_accepted_needs_a_reason_and_is_still_an_order():
    assert "原因" in created_decision(disposition="not_accepted").reason
    order = Order(disposition="not_accepted", reason="属于司法诉讼程序")
    assert order.state.status == Status.NOT_ACCEPTED
    assert order.state.not_accepted_reason == "属于司法诉讼程序"


def test_R10_direct_answer_needs_the_answer_or_article():
    assert "答复" in created_decision(disposition="direct_answer").reason
    order = Order(disposition="direct_answer", kb_article="KB-0007")
    assert order.state.status == Status.ANSWERED and order.state.kb_article == "KB-0007"


def test_R11_progress_inquiry_recorded_even_on_a_closed_order():
    order = Order(disposition="direct_answer", answer="已答复")
    state = order.ok(Kind.PROGRESS_INQUIRY, {"note": "来电询问办理进度"}, AGENT)
    assert state.inquiries == 1 and state.last_inquiry_at == order.t


def test_R12_transfer_goes_to_the_dispatch_queue():
    assert Order().state.status == Status.PENDING_DISPATCH


def test_R13_report_to_leader_flags_the_order():
    order = Order(disposition="report")
    assert order.state.leader_report and order.state.status == Status.PENDING_DISPATCH
    state = order.ok(Kind.REPORTED_TO_LEADER, {"instruction": "请住建局三日内处理"}, LEAD)
    assert state.supervised and "leader" in state.supervision_reasons


def test_R14_refused_three_way_call_becomes_a_transfer():
    order = Order(disposition="three_way")
    assert "未同意" in order.no(Kind.THREE_WAY_CALL_LOGGED, {"unit": "U001", "consent": False, "outcome": "resolved"}, AGENT)
    state = order.ok(Kind.THREE_WAY_CALL_LOGGED, {"unit": "U001", "consent": False, "outcome": "transfer"}, AGENT)
    assert state.status == Status.PENDING_DISPATCH and state.disposition == "transfer"


def test_R14_two_failed_tries_before_a_transfer():
    order = Order(disposition="three_way")
    one = [{"at": "2026-11-23T09:20:00", "number": "0123-1", "outcome": "busy"}]
    assert "两次" in order.no(Kind.THREE_WAY_CALL_LOGGED, {"unit": "U001", "consent": True, "attempts": one, "outcome": "transfer"}, AGENT)
    two = one + [{"at": "2026-11-23T09:22:00", "number": "0123-1", "outcome": "no_answer"}]
    assert order.ok(Kind.THREE_WAY_CALL_LOGGED, {"unit": "U001", "consent": True, "attempts": two, "outcome": "transfer"}, AGENT).status == Status.PENDING_DISPATCH


def test_R14_connected_three_way_call_resolves_the_order():
    order = Order(disposition="three_way")
    attempts = [{"at": "2026-11-23T09:20:00", "number": "0123-1", "outcome": "connected"}]
    state = order.ok(Kind.THREE_WAY_CALL_LOGGED, {"unit": "U001", "consent": True, "attempts": attempts, "outcome": "resolved", "notes": "供水公司答复今晚恢复"}, AGENT)
    assert state.status == Status.ANSWERED and state.three_way_unit == "U001"


# -- dispatch -----------------------------------------------------------------------------------


def test_R20_incomplete_order_cannot_be_dispatched_and_goes_back_with_a_reason():
    # The intake check refuses such an order at the form and at decide() (test_intake_problems_*);
    # one amended to it (or from an older seat) is what the dispatcher's review still catches.
    order = Order(disposition="transfer")
    order.ok(Kind.AMENDED, {"address": "", "description": "停水"}, AGENT)  # too short, no address
    reason = order.no(Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER)
    assert "问题描述" in reason and "单位或地址" in reason
    assert "原因" in order.no(Kind.RETURNED_TO_INTAKE, {"reason": " "}, DISPATCHER)
    order.ok(Kind.RETURNED_TO_INTAKE, {"reason": "请补充地址和具体诉求"}, DISPATCHER)
    assert "仍不规范" in order.no(Kind.RESUBMITTED, {}, AGENT)
    order.ok(Kind.AMENDED, {"address": "幸福路88号", "description": "幸福家园3栋停水三天，没有任何通知"}, AGENT)
    assert order.ok(Kind.RESUBMITTED, {}, AGENT).status == Status.PENDING_DISPATCH
    assert order.ok(Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER).status == Status.DISPATCHED


def test_R21_kb_return_carries_the_fixed_note():
    order = Order(nature="咨询")
    assert "部门" in order.no(Kind.RETURNED_TO_INTAKE, {"kb_article": "KB-0012"}, DISPATCHER)
    state = order.ok(Kind.RETURNED_TO_INTAKE, {"kb_article": "KB-0012", "department": "市住建局"}, DISPATCHER)
    assert state.returned_reason == "市住建局知识库已有明确答复"
    assert order.ok(Kind.ANSWERED_DIRECTLY, {"answer": "已按知识库答复", "kb_article": "KB-0012"}, AGENT).status == Status.ANSWERED


def test_R22_hard_case_goes_to_the_lead_then_supervision():
    order = Order()
    order.ok(Kind.ESCALATED, {"reason": "涉及多个部门"}, DISPATCHER)
    assert "负责人" in order.no(Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER)
    assert "负责人" in order.no(Kind.ESCALATED, {"reason": "无法决定", "to_supervision": True}, DISPATCHER)
    state = order.ok(Kind.ESCALATED, {"reason": "无法决定", "to_supervision": True}, LEAD)
    assert state.supervised
    assert order.ok(Kind.DISPATCHED, {"lead_unit": "U001"}, LEAD).status == Status.DISPATCHED


def test_R20_second_dispatch_says_who_when_and_to_whom():
    order = Order().dispatched("U002")
    reason = order.no(Kind.DISPATCHED, {"lead_unit": "U001"}, Actor("D999", Role.DISPATCHER, "S09"))
    assert "D201@S07" in reason and "U002" in reason and "11-23" in reason


def test_R20_lead_and_assisting_units_are_checked():
    order = Order()
    assert "协办" in order.no(Kind.DISPATCHED, {"lead_unit": "U001", "assist_units": ["U001"]}, DISPATCHER)
    assert "未知" in order.no(Kind.DISPATCHED, {"lead_unit": "U999"}, DISPATCHER)
    state = order.ok(Kind.DISPATCHED, {"lead_unit": "U001", "assist_units": ["U002", "U003"]}, DISPATCHER)
    assert state.assist_units == ["U002", "U003"]


def test_R24_unit_return_and_redispatch_to_another_unit():
    order = Order().dispatched("U001")
    assert "主办单位" in order.no(Kind.UNIT_RETURNED, {"reason": "不是我们的"}, unit("U002"))
    order.ok(Kind.UNIT_RETURNED, {"reason": "不属于本单位职责"}, unit("U001"))
    assert "改派" in order.no(Kind.REDISPATCHED, {"lead_unit": "U001"}, DISPATCHER)
    state = order.ok(Kind.REDISPATCHED, {"lead_unit": "U002"}, DISPATCHER)
    assert state.status == Status.DISPATCHED and state.dispatch_count == 2


def test_R24_pushed_between_units_goes_to_supervision():
    order = Order().dispatched("U001")
    order.ok(Kind.UNIT_RETURNED, {"reason": "不属于本单位"}, unit("U001"))
    order.ok(Kind.REDISPATCHED, {"lead_unit": "U002"}, DISPATCHER)
    assert not order.state.bounced
    state = order.ok(Kind.UNIT_RETURNED, {"reason": "应由U001处理"}, unit("U002"))
    assert state.bounced and state.supervised and "bounced" in state.supervision_reasons


def test_R25_one_extension_of_at_most_seven_days_by_the_dispatcher():
    order = Order().dispatched()
    assert "1至7天" in order.no(Kind.EXTENSION_REQUESTED, {"days": 8, "reason": "需现场核查"}, unit("U001"))
    order.ok(Kind.EXTENSION_REQUESTED, {"days": 5, "reason": "需现场核查"}, unit("U001"))
    assert "待审批" in order.no(Kind.EXTENSION_REQUESTED, {"days": 2, "reason": "再等等"}, unit("U001"))
    assert "原因" in order.no(Kind.EXTENSION_DECIDED, {"approve": False}, DISPATCHER)
    state = order.ok(Kind.EXTENSION_DECIDED, {"approve": True}, DISPATCHER)
    assert state.extension_days == [5] and state.extension_pending is None


def test_R25_second_extension_needs_the_supervision_notice_and_signed_form():
    order = Order().dispatched()
    order.ok(Kind.EXTENSION_REQUESTED, {"days": 3, "reason": "需现场核查"}, unit("U001"))
    order.ok(Kind.EXTENSION_DECIDED, {"approve": True}, DISPATCHER)
    order.ok(Kind.EXTENSION_REQUESTED, {"days": 7, "reason": "需等待检测"}, unit("U001"))
    assert "督办室通知" in order.no(Kind.EXTENSION_DECIDED, {"approve": True}, DISPATCHER)
    assert "签字" in order.no(Kind.SUPERVISION_NOTICE, {"notice_no": "督-2026-12", "leader_form_signed": False}, SUPERVISOR)
    assert "无权" in order.no(Kind.SUPERVISION_NOTICE, {"notice_no": "督-2026-12", "leader_form_signed": True}, DISPATCHER)
    order.ok(Kind.SUPERVISION_NOTICE, {"notice_no": "督-2026-12", "leader_form_signed": True}, SUPERVISOR)
    assert order.ok(Kind.EXTENSION_DECIDED, {"approve": True}, DISPATCHER).extension_days == [3, 7]


def test_R25_extension_must_be_asked_before_the_deadline():
    order = Order().dispatched()  # Mon 2026-11-23, 5 working days: due Mon 11-30 23:59:59
    assert "超过办理时限" in order.no(Kind.EXTENSION_REQUESTED, {"days": 3, "reason": "太忙"}, unit("U001"), minutes=60 * 24 * 8)


def test_R26_limit_depends_on_complexity():
    assert Order().dispatched().state.limit_days == 5
    order = Order()
    assert order.ok(Kind.DISPATCHED, {"lead_unit": "U001", "complexity": "complex"}, DISPATCHER).limit_days == 10


def test_R30_only_the_lead_unit_replies():
    order = Order().dispatched("U001")
    assert "主办单位" in order.no(Kind.UNIT_REPLIED, {"reply": "已处理"}, unit("U003"))
    assert order.ok(Kind.UNIT_REPLIED, {"reply": "已处理"}, unit("U001")).status == Status.REPLIED


def test_R31_supervision_flags_with_a_known_reason():
    order = Order().dispatched()
    assert "督办原因" in order.no(Kind.SUPERVISED, {"reason": "心情"}, SUPERVISOR)
    state = order.ok(Kind.SUPERVISED, {"reason": "media"}, SUPERVISOR)
    assert state.supervised and state.supervision_reasons == ["media"]


def test_R32_two_failed_callbacks_mean_unreachable():
    order = Order().dispatched()
    order.ok(Kind.UNIT_REPLIED, {"reply": "已处理"}, unit("U001"))
    assert order.ok(Kind.CALLBACK_ATTEMPTED, {"outcome": "no_answer"}, CALLBACK).status == Status.REPLIED
    state = order.ok(Kind.CALLBACK_ATTEMPTED, {"outcome": "busy"}, CALLBACK, minutes=30)
    assert state.status == Status.CLOSED and state.unreachable


def test_R32_a_second_failed_try_within_the_gap_is_not_a_second_attempt():
    order = Order().dispatched()
    order.ok(Kind.UNIT_REPLIED, {"reply": "已处理"}, unit("U001"))
    order.ok(Kind.CALLBACK_ATTEMPTED, {"outcome": "no_answer"}, CALLBACK)
    state = order.ok(Kind.CALLBACK_ATTEMPTED, {"outcome": "busy"}, CALLBACK, minutes=0)
    assert state.status == Status.REPLIED and state.callback_failures == 1 and not state.unreachable
    state = order.ok(Kind.CALLBACK_ATTEMPTED, {"outcome": "busy"}, CALLBACK, minutes=29)
    assert state.callback_failures == 1  # 29 minutes after the one that counted
    state = order.ok(Kind.CALLBACK_ATTEMPTED, {"outcome": "off"}, CALLBACK, minutes=1)
    assert state.status == Status.CLOSED and state.unreachable


def test_R32_satisfied_callback_closes_the_order():
    order = Order().dispatched()
    order.ok(Kind.UNIT_REPLIED, {"reply": "已处理"}, unit("U001"))
    assert "无权" in order.no(Kind.CALLBACK_DONE, {"result": "满意"}, AGENT)
    state = order.ok(Kind.CALLBACK_DONE, {"result": "基本满意"}, CALLBACK)
    assert state.status == Status.CLOSED and state.callback_result == "基本满意"


def test_R33_unsatisfied_caller_sends_it_back_for_rework():
    order = Order().dispatched()
    order.ok(Kind.UNIT_REPLIED, {"reply": "已处理"}, unit("U001"))
    assert "未表示不满意" in order.no(Kind.REWORK, {"reason": "再看看"}, CALLBACK)
    assert "意见" in order.no(Kind.CALLBACK_DONE, {"result": "不满意"}, CALLBACK)
    order.ok(Kind.CALLBACK_DONE, {"result": "不满意", "words": "水还是没来"}, CALLBACK)
    assert "退回重办" in order.no(Kind.CALLBACK_DONE, {"result": "满意"}, CALLBACK)
    state = order.ok(Kind.REWORK, {"reason": "水还是没来"}, CALLBACK)
    assert state.status == Status.DISPATCHED and state.rework_count == 1 and state.lead_unit == "U001"
    assert state.dispatched_at == order.t  # a new time limit from the rework


def test_R34_closed_order_takes_no_more_work_but_keeps_its_history():
    order = Order(disposition="direct_answer", answer="已答复")
    assert "已结束" in order.no(Kind.CLOSED, {"reason": "重复"}, LEAD)
    assert "不能转办" in order.no(Kind.DISPATCHED, {"lead_unit": "U001"}, DISPATCHER)
    assert order.ok(Kind.NOTE, {"text": "归档备注"}, SUPERVISOR).event_count == 2


# -- roles, links, payloads ---------------------------------------------------------------------


@pytest.mark.parametrize("kind,payload,actor", [
    (Kind.DISPATCHED, {"lead_unit": "U001"}, AGENT),
    (Kind.DISPATCHED, {"lead_unit": "U001"}, CALLBACK),
    (Kind.CLOSED, {"reason": "结束"}, DISPATCHER),
    (Kind.RETURNED_TO_INTAKE, {"reason": "缺地址"}, AGENT),
])
def test_decide_checks_the_role(kind, payload, actor):
    assert "无权" in Order().no(kind, payload, actor)


def test_duplicate_link_and_undo():
    target = Order()
    target.state.number = "20261128-S07-0001"
    ctx = Context(lookup=lambda n: target.state if n == target.state.number else None)
    dup = Order()
    dup.state.number = "20261128-S07-0002"
    e = event(Kind.MERGED_INTO, {"target": "20261128-S07-0009"}, AGENT, T0, order=dup.state.number)
    assert "不存在" in decide(dup.state, e, AGENT, ctx).reason
    e = event(Kind.MERGED_INTO, {"target": target.state.number}, AGENT, T0, order=dup.state.number)
    assert decide(dup.state, e, AGENT, ctx).ok
    merged = apply(dup.state, e)
    assert merged.status == Status.MERGED and merged.merged_into == target.state.number
    undo = event(Kind.UNMERGED, {}, AGENT, T0, order=dup.state.number)
    assert decide(merged, undo, AGENT, ctx).ok
    assert apply(merged, undo).status == Status.PENDING_DISPATCH


def test_a_newer_seats_optional_field_is_accepted_and_wrong_types_are_rejected():
    """A field this code does not know is what a newer seat adds: accepted (the stored JSON keeps
    it). A misspelt required field is still a missing one."""
    order = Order()
    assert "缺少字段：lead_unit" in order.no(Kind.DISPATCHED, {"lead_untt": "U001"}, DISPATCHER)
    assert order.ok(Kind.DISPATCHED, {"lead_unit": "U001", "priority_hint": "x"}, DISPATCHER).lead_unit == "U001"
    assert "整数" in Order().dispatched().no(Kind.EXTENSION_REQUESTED, {"days": True, "reason": "x"}, unit("U001"))


def test_intake_problems_are_one_list_for_the_form_and_decide():
    """R-01/R-06/R-10/R-20: what the form refuses, decide() refuses too (events apply, other seats)."""
    from console.domain.intake import intake_problems
    from console.domain.payloads import parse_payload

    bad = intake(address="", description="停水")
    problems = intake_problems(parse_payload(Kind.CREATED, bad), ("求助",))
    assert [name for name, _ in problems] == ["address", "description"]
    order = Order.__new__(Order)
    order.state, order.t = None, T0
    reason = order.no(Kind.CREATED, bad, AGENT)
    assert reason == problems[0][1] == "请填写单位或地址"
    # not accepted needs a reason but no caller; a direct answer needs the answer
    assert "原因" in order.no(Kind.CREATED, intake(disposition="not_accepted", caller_name=""), AGENT)
    assert "答复" in order.no(Kind.CREATED, intake(disposition="direct_answer"), AGENT)


def test_an_old_payload_is_read_through_its_upcasters(monkeypatch):
    """A kind whose payload changed shape reads its old events as the new shape: version 1 of this
    (test) change named the field `unit`, version 2 names it `lead_unit`; a v2 payload says "v": 2."""
    from console.domain import payloads

    monkeypatch.setitem(payloads.PAYLOAD_VERSIONS, Kind.DISPATCHED, 2)
    monkeypatch.setitem(payloads.UPCASTERS, (Kind.DISPATCHED, 1),
                        lambda d: {**{k: v for k, v in d.items() if k != "unit"}, "lead_unit": d["unit"]})
    old = payloads.parse_payload(Kind.DISPATCHED, {"unit": "U002"})
    new = payloads.parse_payload(Kind.DISPATCHED, {"v": 2, "lead_unit": "U002"})
    assert old == new and old.lead_unit == "U002"
    with pytest.raises(PayloadError):
        payloads.parse_payload(Kind.DISPATCHED, {"v": 0, "lead_unit": "U002"})


def test_R25_an_extension_asked_after_the_deadline_is_named_late():
    from console.domain.decide import extension_timing, requested_late, unit_deadline

    order = Order().dispatched()
    order.ok(Kind.EXTENSION_REQUESTED, {"days": 3, "reason": "需协调多部门"}, unit("U001"))
    state = order.state
    due = unit_deadline(state, CTX)
    assert due is not None and extension_timing(state, CTX, state.updated_at) == ""
    late = dict(state.extension_pending, at=(due.at + timedelta(hours=1)).isoformat())
    state.extension_pending = late  # as a request recorded where no calendar could check it arrives
    assert requested_late(due.at + timedelta(hours=1), due.at)
    assert "晚于办理时限" in extension_timing(state, CTX, state.updated_at)


def test_R32_each_callback_result_can_be_taken_back_until_something_else_happens():
    order = Order().dispatched()
    order.ok(Kind.UNIT_REPLIED, {"reply": "已处理"}, unit("U001"))
    assert "没有可撤销" in order.no(Kind.CALLBACK_UNDONE, {}, CALLBACK)
    order.ok(Kind.CALLBACK_ATTEMPTED, {"outcome": "no_answer"}, CALLBACK)
    state = order.ok(Kind.CALLBACK_ATTEMPTED, {"outcome": "busy"}, CALLBACK, minutes=30)
    assert state.status == Status.CLOSED and state.unreachable
    state = order.ok(Kind.CALLBACK_UNDONE, {}, CALLBACK)  # the second failure was a wrong key
    assert state.status == Status.REPLIED and not state.unreachable and state.callback_failures == 1
    assert state.closed_at is None and state.close_reason == ""
    order.ok(Kind.CALLBACK_ATTEMPTED, {"outcome": "reached"}, CALLBACK)
    state = order.ok(Kind.CALLBACK_DONE, {"result": "满意"}, CALLBACK)
    assert state.status == Status.CLOSED
    state = order.ok(Kind.CALLBACK_UNDONE, {}, CALLBACK)
    assert state.status == Status.REPLIED and state.callback_result == "" and state.callback_failures == 1
    state = order.ok(Kind.CALLBACK_UNDONE, {}, CALLBACK)  # and the first failure too
    assert state.callback_failures == 0 and state.callback_failed_at is None
    order.ok(Kind.CALLBACK_ATTEMPTED, {"outcome": "reached"}, CALLBACK)
    order.ok(Kind.CALLBACK_DONE, {"result": "不满意", "words": "没人来过"}, CALLBACK)
    order.ok(Kind.REWORK, {"reason": "没人来过"}, CALLBACK)
    assert "没有可撤销" in order.no(Kind.CALLBACK_UNDONE, {}, CALLBACK)  # it has gone back to the unit
