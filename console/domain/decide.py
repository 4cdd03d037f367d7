"""decide(): the one place that accepts or rejects an event against an order (R-01..R-34).

The seat calls it before writing; the centre calls it again and its answer is final. Reasons are
Chinese because they are shown to the operator as they are; `code` is for programs.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from console.domain import payloads as pl
from console.domain.calendar import WorkCalendar
from console.domain.call_marks import ended_problem
from console.domain.deadlines import Deadline, extended_due, unit_due
from console.domain.history import import_problems
from console.domain.intake import COMPLEXITIES, intake_problems, value_problems
from console.domain.kinds import AMENDABLE, AWAITING_DISPATCH, STATUS_LABELS, TERMINAL, Kind, Status
from console.domain.limits import envelope_problem, payload_problem
from console.domain.order import (
    CALLBACK_OUTCOMES,
    CALLBACK_RESULTS,
    SUPERVISION_REASONS,
    THREE_WAY_ATTEMPT_OUTCOMES,
    Event,
    OrderState,
)
from console.domain.privacy import REVEAL_REASON_MAX, CallerField, may_reveal
from console.domain.reply_review import SEND_BACK_GROUNDS
from console.domain.review import recording_gaps
from console.domain.roles import ROLE_LABELS, Actor, Role
from console.domain.settings import DEFAULT_RULES, Rules

A, D, L, C, S, U, SYS = Role.AGENT, Role.DISPATCHER, Role.LEAD, Role.CALLBACK, Role.SUPERVISOR, Role.UNIT, Role.SYSTEM

ALLOWED_ROLES: dict[str, frozenset[Role]] = {
    Kind.CREATED: frozenset({A, L, SYS}),
    Kind.AMENDED: frozenset({A, L}),
    Kind.RESUBMITTED: frozenset({A, L}),
    Kind.ANSWERED_DIRECTLY: frozenset({A, L}),
    Kind.RETURNED_TO_INTAKE: frozenset({D, L}),
    Kind.ESCALATED: frozenset({D, L}),
    Kind.REPORTED_TO_LEADER: frozenset({A, L, S}),
    Kind.THREE_WAY_CALL_LOGGED: frozenset({A, L}),
    Kind.DISPATCHED: frozenset({D, L}),
    Kind.UNIT_RETURNED: frozenset({U, D, L}),
    Kind.REDISPATCHED: frozenset({D, L}),
    Kind.EXTENSION_REQUESTED: frozenset({U, D, L}),
    Kind.SUPERVISION_NOTICE: frozenset({S}),
    Kind.EXTENSION_DECIDED: frozenset({D, L}),
    Kind.UNIT_REPLIED: frozenset({U, D, L}),
    Kind.REPLY_REVIEWED: frozenset({D, L}),
    Kind.CALLBACK_ATTEMPTED: frozenset({C, L}),
    Kind.CALLBACK_DONE: frozenset({C, L}),
    Kind.CALLBACK_UNDONE: frozenset({C, L}),
    Kind.REWORK: frozenset({C, D, L, S}),
    Kind.SUPERVISED: frozenset({S, L}),
    Kind.PROGRESS_INQUIRY: frozenset({A, L, C}),
    Kind.MERGED_INTO: frozenset({A, D, L}),
    Kind.UNMERGED: frozenset({A, D, L}),
    Kind.NOTE: frozenset({A, D, L, C, S, U}),
    Kind.REVEALED: frozenset({D, L, C, S}),
    Kind.CLOSED: frozenset({L, S}),
    Kind.IMPORTED: frozenset({L, SYS}),  # `hotline orders import`: history, not an intake
    Kind.TYPICAL_MARKED: frozenset({S, L}),
    Kind.CALL_ENDED: frozenset({A, L}),  # the seat that took the call, as its created
}


@dataclass(frozen=True)
class Decision:
    ok: bool
    reason: str = ""
    code: str = ""
    # No __bool__: checks return a rejection or None and chain as `check() or ACCEPT`;
    # callers read `.ok`.


ACCEPT = Decision(True)


def reject(code: str, reason: str) -> Decision:
    return Decision(False, reason, code)


@dataclass
class Context:
    """What decide() may consult besides the order: all optional, all pure."""

    rules: Rules = DEFAULT_RULES
    calendar: WorkCalendar | None = None  # for deadline checks
    lookup: Callable[[str], OrderState | None] | None = None  # other orders (merge targets)
    unit_codes: frozenset[str] | None = None  # known undertaking units
    valid_content_path: Callable[[list[str]], bool] | None = None  # the taxonomy's check
    lease_fence: Callable[[str], int | None] | None = None  # at the centre: an order's current lease fence
    channels: tuple[str, ...] | None = None  # the configured order channels (None: any name within its limit)
    extra: dict[str, Any] = field(default_factory=dict)


def decide(state: OrderState | None, event: Event, actor: Actor, ctx: Context | None = None) -> Decision:
    ctx = ctx or Context()
    kind = event.kind
    bad = envelope_problem(event.order, kind, actor.operator, actor.seat, actor.unit, event.id)
    if bad:
        return reject(*bad)
    if kind not in ALLOWED_ROLES:
        return reject("unknown_kind", f"未知的事件类型：{kind}")
    if not isinstance(event.payload, pl.PAYLOAD_TYPES[kind]):
        return reject("payload", f"事件内容不是{kind}的格式")
    bad = payload_problem(event.payload)
    if bad:
        return reject(*bad)
    if actor.role not in ALLOWED_ROLES[kind]:
        return reject("role", f"{ROLE_LABELS[actor.role]}无权执行此操作（{kind}）")
    if kind == Kind.CREATED:
        if state is not None:
            return reject("exists", f"工单 {state.number} 已存在")
        return _decide_created(event.payload, ctx)
    if kind == Kind.IMPORTED:
        if state is not None:
            return reject("exists", f"工单 {state.number} 已存在")
        problems = import_problems(event.payload, event.at, ctx.rules.natures, ctx.channels,
                                   ctx.valid_content_path, ctx.unit_codes)
        return reject(*problems[0]) if problems else ACCEPT
    if state is None:
        return reject("no_order", f"工单 {event.order} 不存在")
    handler = _HANDLERS[kind]
    return handler(state, event, actor, ctx)


# -- intake (R-01..R-06, R-10..R-14) ----------------------------------------------------------


def _decide_created(p: pl.Created, ctx: Context) -> Decision:
    problems = intake_problems(p, ctx.rules.natures, ctx.valid_content_path, ctx.channels)
    if problems:
        name, message = problems[0]
        return reject(name, message)
    return ACCEPT


def _amended(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if s.status not in AMENDABLE:
        return reject("state", f"工单{_label(s)}，不能再修改受理内容")
    problems = value_problems(e.payload.given(), ctx.rules.natures, ctx.valid_content_path)
    return reject(*problems[0]) if problems else ACCEPT


def _resubmitted(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if s.status != Status.RETURNED_TO_INTAKE:
        return reject("state", f"工单{_label(s)}，不是退回受理的工单")
    gaps = recording_gaps(s)
    if gaps:  # fixed before it goes back
        return reject("gaps", "记录仍不规范，缺：" + "、".join(gaps))
    return ACCEPT


def _answered_directly(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if s.status not in (Status.RETURNED_TO_INTAKE, Status.PENDING_DISPATCH, Status.THREE_WAY):
        return reject("state", f"工单{_label(s)}，不能直接答复")
    if not e.payload.answer.strip():
        return reject("answer", "请填写答复内容")
    return ACCEPT


def _three_way(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    p: pl.ThreeWayCallLogged = e.payload
    if s.status != Status.THREE_WAY:
        return reject("state", f"工单{_label(s)}，不在三方通话中")
    if ctx.unit_codes is not None and p.unit not in ctx.unit_codes:
        return reject("unit", f"未知的承办单位：{p.unit}")
    for attempt in p.attempts:
        if attempt.get("outcome") not in THREE_WAY_ATTEMPT_OUTCOMES:
            return reject("attempt", "每次拨打须记录结果：接通、占线或无人接听")
    offer = three_way_offer(p.attempts)
    if p.outcome == "resolved":
        if not p.consent:
            return reject("consent", "来电人未同意三方通话，请改为转办（R-14）")
        if not offer.connected:
            return reject("attempt", "未接通承办单位，不能记为三方通话解决")
        return ACCEPT
    if p.outcome != "transfer":
        return reject("outcome", "三方通话结果应为已解决(resolved)或转办(transfer)")
    if p.consent and offer.must_keep_trying:  # two tries before giving up
        return reject("attempt", THREE_WAY_TWO_TRIES)
    return ACCEPT


# -- dispatch (R-20..R-26) ---------------------------------------------------------------------


def _returned_to_intake(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if s.status not in AWAITING_DISPATCH:
        return reject("state", f"工单{_label(s)}，只有待转办的工单可以退回受理")
    p = e.payload
    if not (p.reason.strip() or p.kb_article):
        return reject("reason", "退回受理须写明原因")
    if p.kb_article and not p.department.strip():
        return reject("department", "知识库退回须注明部门（R-21）")
    return ACCEPT


def _escalated(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if e.payload.to_supervision:  # the lead takes it to the supervision office
        if actor.role != Role.LEAD:
            return reject("role", "只有转办负责人可以提交督办室")
        if s.status not in (Status.ESCALATED, Status.UNIT_RETURNED, Status.DISPATCHED):
            return reject("state", f"工单{_label(s)}，不能提交督办室")
        return ACCEPT
    if s.status != Status.PENDING_DISPATCH:
        return reject("state", f"工单{_label(s)}，只有待转办的工单可以提交负责人")
    return ACCEPT


def _reported(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    return _open(s) or ACCEPT


def _check_units(p: pl.Dispatched, ctx: Context) -> Decision | None:
    lead = p.lead_unit.strip()
    if not lead:
        return reject("unit", "请选择主办单位")
    assists = p.assist_units
    if not all(isinstance(u, str) and u for u in assists):
        return reject("unit", "协办单位格式不对")
    if lead in assists:
        return reject("unit", "主办单位不能同时是协办单位")
    if len(set(assists)) != len(assists):
        return reject("unit", "协办单位重复")
    if ctx.unit_codes is not None:
        unknown = [u for u in [lead, *assists] if u not in ctx.unit_codes]
        if unknown:
            return reject("unit", f"未知的承办单位：{', '.join(unknown)}")
    if p.complexity not in ("", *COMPLEXITIES):
        return reject("complexity", "办理类型应为一般(general)或复杂(complex)")
    return None


def _dispatched(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if s.status == Status.DISPATCHED or (s.status not in AWAITING_DISPATCH and s.dispatch_count):
        when = s.dispatched_at.strftime("%m-%d %H:%M") if s.dispatched_at else ""
        return reject(
            "already_dispatched",
            f"工单已于 {when} 由 {s.dispatched_by} 转办给 {s.lead_unit}，当前{_label(s)}",
        )
    if s.status not in AWAITING_DISPATCH:
        return reject("state", f"工单{_label(s)}，不能转办")
    if s.status == Status.ESCALATED and actor.role != Role.LEAD:
        return reject("role", "已提交转办负责人的工单由负责人处理（R-22）")
    gaps = recording_gaps(s)
    if gaps:
        return reject("gaps", "记录不符合规范，请退回受理：缺" + "、".join(gaps))
    return _check_fence(s, e.payload, ctx) or _check_units(e.payload, ctx) or ACCEPT


def _check_fence(s: OrderState, p: pl.Dispatched, ctx: Context) -> Decision | None:
    """A dispatch made under a lease that another dispatcher has since taken over is stale."""
    current = ctx.lease_fence(s.number) if ctx.lease_fence is not None and p.fence else None
    if current is not None and current != p.fence:
        return reject("stale_lease", f"租约已失效（{p.fence}，当前 {current}）：工单已由其他转办坐席领取，请重新打开")
    return None


def _unit_returned(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if s.status != Status.DISPATCHED:
        return reject("state", f"工单{_label(s)}，不能退回")
    return _unit_is_lead(s, actor) or _nonblank(e.payload.reason, "退回须写明原因") or ACCEPT


def _redispatched(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if s.status != Status.UNIT_RETURNED:
        return reject("state", f"工单{_label(s)}，不是单位退回的工单")
    if e.payload.lead_unit == s.lead_unit:  # re-route to the right unit
        return reject("unit", f"{s.lead_unit} 刚退回此单，请改派其他单位")
    return _check_fence(s, e.payload, ctx) or _check_units(e.payload, ctx) or ACCEPT


def unit_deadline(s: OrderState, ctx: Context) -> Deadline | None:
    """The current unit deadline (R-26 plus approved extensions), or None without a calendar."""
    if ctx.calendar is None or s.dispatched_at is None:
        return None
    due = unit_due(s.dispatched_at, s.limit_days, ctx.calendar)
    for days in s.extension_days:
        due = extended_due(due, days, ctx.calendar)
    return due


def _extension_requested(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    p = e.payload
    if s.status != Status.DISPATCHED:
        return reject("state", f"工单{_label(s)}，不能申请延期")
    bad = _unit_is_lead(s, actor) or _nonblank(p.reason, "延期申请须写明原因")
    if bad:
        return bad
    if s.extension_pending:
        return reject("pending", "已有一份延期申请待审批")
    if not 1 <= p.days <= ctx.rules.max_extension_days:
        return reject("days", f"延期天数应为1至{ctx.rules.max_extension_days}天")
    due = unit_deadline(s, ctx)
    if due is not None and requested_late(e.at, due.at):  # apply before the deadline
        return reject("late", f"已超过办理时限（{due.at:%m-%d %H:%M}），不能再申请延期")
    return ACCEPT


def _supervision_notice(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if s.status != Status.DISPATCHED:
        return reject("state", f"工单{_label(s)}，不需要延期通知")
    if not s.extension_days:
        return reject("first", "第一次延期由转办坐席审批，不需要督办室通知")
    if not e.payload.leader_form_signed:
        return reject("form", "第二次延期须附承办单位领导签字的申请表（R-25）")
    return ACCEPT


def _extension_decided(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    p = e.payload
    pending = s.extension_pending
    if not pending or s.status != Status.DISPATCHED:
        return reject("none", "没有待审批的延期申请")
    if not p.approve:
        return _nonblank(p.reason, "驳回延期须写明原因（R-25）") or ACCEPT
    days = p.days or pending["days"]
    if not 1 <= days <= min(pending["days"], ctx.rules.max_extension_days):
        return reject("days", f"批准的延期天数应为1至{min(pending['days'], ctx.rules.max_extension_days)}天")
    n = extension_notice_missing(s)
    if n:  # a second one needs the notice first
        return reject("notice", f"第{n}次延期须先有督办室通知和单位领导签字的申请表（R-25）")
    return ACCEPT


def _unit_replied(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if s.status != Status.DISPATCHED:
        return reject("state", f"工单{_label(s)}，不能回复")
    return _unit_is_lead(s, actor) or _nonblank(e.payload.reply, "请填写办理结果") or ACCEPT


def _reply_reviewed(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    """审核反馈真实性: a reply waiting for review is accepted, or sent back with a ground; "other"
    needs the reviewer's own words."""
    if s.status != Status.REPLY_REVIEW:
        return reject("state", f"工单{_label(s)}，没有待审核的答复")
    p = e.payload
    if p.accept:
        return ACCEPT
    if p.ground not in SEND_BACK_GROUNDS:
        return reject("ground", f"退回答复的理由应为：{'、'.join(SEND_BACK_GROUNDS.values())}")
    if p.ground == "other":
        return _nonblank(p.reason, "退回答复须写明理由") or ACCEPT
    return ACCEPT


# -- callback (R-32, R-33) ---------------------------------------------------------------------


def _callback_common(s: OrderState) -> Decision | None:
    if s.confidential:
        return reject("confidential", "来电人要求保密，不进行回访（R-02）")
    if s.status != Status.REPLIED:
        return reject("state", f"工单{_label(s)}，不在待回访状态")
    if s.callback_result == "不满意":
        return reject("rework_pending", "已记录不满意，请退回重办（R-33）")
    return None


def _callback_attempted(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    bad = _callback_common(s)
    if bad:
        return bad
    if e.payload.outcome not in CALLBACK_OUTCOMES:
        return reject("outcome", f"回访结果应为：{', '.join(CALLBACK_OUTCOMES)}")
    return ACCEPT


def _callback_done(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    bad = _callback_common(s)
    if bad:
        return bad
    result = e.payload.result
    if result not in CALLBACK_RESULTS:
        return reject("result", "满意度应为满意、基本满意或不满意")
    if result == "不满意" and not e.payload.words.strip():
        return reject("words", "不满意须记录来电人的意见（R-33）")
    return ACCEPT


def _callback_undone(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if not s.callback_undo:
        return reject("nothing_to_undo", "没有可撤销的回访结果（已退回重办或已有其他处理）")
    return ACCEPT


def _rework(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if s.status != Status.REPLIED:
        return reject("state", f"工单{_label(s)}，不能退回重办")
    if actor.role == Role.CALLBACK and s.callback_result != "不满意":
        return reject("not_unsatisfied", "来电人未表示不满意，不能退回重办（R-33）")
    return _nonblank(e.payload.reason, "退回重办须写明来电人意见") or ACCEPT


# -- supervision, links, notes, close ----------------------------------------------------------


def _supervised(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if e.payload.reason not in SUPERVISION_REASONS:
        return reject("reason", f"督办原因应为：{', '.join(SUPERVISION_REASONS)}")
    return _open(s) or ACCEPT


def _progress_inquiry(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    return ACCEPT  # asking about an order is always recorded, even after it closed


def _merged_into(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    target = e.payload.target
    if s.status == Status.MERGED:
        return reject("state", f"工单已并入 {s.merged_into}")
    if target == s.number:
        return reject("target", "不能并入自身")
    bad = _open(s)
    if bad:
        return bad
    if ctx.lookup is not None:
        other = ctx.lookup(target)
        if other is None:
            return reject("target", f"工单 {target} 不存在")
        if other.status == Status.MERGED:
            return reject("target", f"工单 {target} 已并入 {other.merged_into}，请并入该单")
    return ACCEPT


def _unmerged(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if s.status != Status.MERGED:
        return reject("state", "工单未并单")
    return ACCEPT


def _note(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    # a unit notes only the orders it handles (lead or assist), never another unit's
    if actor.role == Role.UNIT and actor.unit != s.lead_unit and actor.unit not in s.assist_units:
        return reject("unit", f"此单的承办单位是 {s.lead_unit or '（未转办）'}")
    return _nonblank(e.payload.text, "备注不能为空") or ACCEPT


def _revealed(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    p = e.payload
    if p.field not in {f.value for f in CallerField}:
        return reject("field", f"不能查看的字段：{p.field}")
    if not may_reveal(actor.role, CallerField(p.field), s.confidential):
        return reject("privacy", "来电人信息保密，不能查看（R-02）" if s.confidential else "此岗位可直接查看，无需申请")
    if len(p.reason.strip()) > REVEAL_REASON_MAX:
        return reject("too_long", f"查看原因不超过 {REVEAL_REASON_MAX} 字")
    return _nonblank(p.reason, "查看号码须写明原因") or ACCEPT


def _closed(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    if s.status == Status.MERGED:
        return reject("state", "已并单的工单随主单办结")
    return _open(s) or _nonblank(e.payload.reason, "办结须写明原因") or ACCEPT


def _typical_marked(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    """每月典型工单: any order, open or closed, with why it is typical; taking it off needs it on."""
    p = e.payload
    if not p.typical:
        return ACCEPT if s.typical else reject("state", "此单未列为典型工单")
    if s.typical:
        return reject("state", f"此单已列为典型工单：{s.typical_note}")
    return _nonblank(p.note, "列为典型工单须写明典型在哪里") or ACCEPT


def _call_ended(s: OrderState, e: Event, actor: Actor, ctx: Context) -> Decision:
    """What the console saw of the call after the save: any order (an answered one is terminal at
    once), marks well formed and within the call's length; it changes no state."""
    problem = ended_problem(e.payload.seconds, e.payload.marks)
    return reject("marks", problem) if problem else ACCEPT


# -- small checks ------------------------------------------------------------------------------


def _label(s: OrderState) -> str:
    return f"当前为“{STATUS_LABELS[s.status]}”"


def _open(s: OrderState) -> Decision | None:
    if s.status in TERMINAL:
        return reject("closed", f"工单{_label(s)}，已结束")
    return None


def _nonblank(text: str, message: str) -> Decision | None:
    return None if text.strip() else reject("blank", message)


def _unit_is_lead(s: OrderState, actor: Actor) -> Decision | None:
    if actor.role == Role.UNIT and actor.unit != s.lead_unit:
        return reject("unit", f"此单的主办单位是 {s.lead_unit}")
    return None


_HANDLERS: dict[str, Callable[[OrderState, Event, Actor, Context], Decision]] = {
    Kind.AMENDED: _amended,
    Kind.RESUBMITTED: _resubmitted,
    Kind.ANSWERED_DIRECTLY: _answered_directly,
    Kind.RETURNED_TO_INTAKE: _returned_to_intake,
    Kind.ESCALATED: _escalated,
    Kind.REPORTED_TO_LEADER: _reported,
    Kind.THREE_WAY_CALL_LOGGED: _three_way,
    Kind.DISPATCHED: _dispatched,
    Kind.UNIT_RETURNED: _unit_returned,
    Kind.REDISPATCHED: _redispatched,
    Kind.EXTENSION_REQUESTED: _extension_requested,
    Kind.SUPERVISION_NOTICE: _supervision_notice,
    Kind.EXTENSION_DECIDED: _extension_decided,
    Kind.UNIT_REPLIED: _unit_replied,
    Kind.REPLY_REVIEWED: _reply_reviewed,
    Kind.CALLBACK_ATTEMPTED: _callback_attempted,
    Kind.CALLBACK_DONE: _callback_done,
    Kind.CALLBACK_UNDONE: _callback_undone,
    Kind.REWORK: _rework,
    Kind.SUPERVISED: _supervised,
    Kind.PROGRESS_INQUIRY: _progress_inquiry,
    Kind.MERGED_INTO: _merged_into,
    Kind.UNMERGED: _unmerged,
    Kind.NOTE: _note,
    Kind.REVEALED: _revealed,
    Kind.CLOSED: _closed,
    Kind.TYPICAL_MARKED: _typical_marked,
    Kind.CALL_ENDED: _call_ended,
}


# -- rules the screens ask as well ---------------------------------------------------------------

THREE_WAY_TWO_TRIES = "承办单位占线或无人接听须尝试两次后方可转为转办（R-14）"


@dataclass(frozen=True)
class ThreeWayOffer:
    """R-14 from the attempts so far: connected, failed tries, and whether a transfer is allowed
    (always when the caller refused; after two failed tries otherwise)."""

    connected: bool
    failed: int

    @property
    def may_transfer(self) -> bool:
        """The caller agreed, the unit never answered, and it was tried twice."""
        return not self.connected and self.failed >= 2

    @property
    def must_keep_trying(self) -> bool:
        """A transfer now would give up on a consenting caller before the second try."""
        return not self.connected and self.failed < 2


def three_way_offer(attempts: Sequence[Mapping[str, object]]) -> ThreeWayOffer:
    connected = any(a.get("outcome") == "connected" for a in attempts)
    return ThreeWayOffer(connected, sum(1 for a in attempts if a.get("outcome") != "connected"))


def requested_late(asked: datetime, due: datetime) -> bool:
    """R-25: an extension is asked for before the unit deadline; asked after it, it is late."""
    return asked > due


def extension_timing(s: OrderState, ctx: Context, now: datetime) -> str:
    """R-25: why approving the pending extension now would break "apply before the deadline"
    ("" when nothing does): asked after the deadline (recorded where no calendar could check it),
    or the deadline it would give has already passed."""
    pending = s.extension_pending
    due = unit_deadline(s, ctx)
    if not pending or due is None or ctx.calendar is None:
        return ""
    asked = datetime.fromisoformat(pending["at"])
    if requested_late(asked, due.at):
        return f"申请于 {asked:%m-%d %H:%M}，晚于办理时限 {due.at:%m-%d %H:%M}：R-25 须在时限前申请"
    new = extended_due(due, int(pending.get("days") or 0), ctx.calendar)
    if new.at < now:
        return f"批准后的办结时限 {new.at:%m-%d %H:%M} 也已过去"
    return ""


def extension_notice_missing(s: OrderState) -> int:
    """R-25: the number of the pending extension request when it still waits for the supervision
    office's notice (a second or later request needs one per earlier extension), else 0."""
    pending = s.extension_pending
    if not pending or s.status != Status.DISPATCHED:
        return 0
    n = int(pending.get("n") or 1)
    return n if n >= 2 and s.supervision_notices < n - 1 else 0
