"""The names the rules speak in: event kinds, order statuses, dispositions, and the status groups
that the queues' SQL is built from. Pure constants."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    PENDING_DISPATCH = "pending_dispatch"
    RETURNED_TO_INTAKE = "returned_to_intake"
    ESCALATED = "escalated"
    THREE_WAY = "three_way"
    DISPATCHED = "dispatched"
    UNIT_RETURNED = "unit_returned"
    REPLY_REVIEW = "reply_review"  # the unit replied; the county office checks it before callback
    REPLIED = "replied"
    ANSWERED = "answered"
    NOT_ACCEPTED = "not_accepted"
    CLOSED = "closed"
    MERGED = "merged"


STATUS_LABELS = {
    Status.PENDING_DISPATCH: "待转办",
    Status.RETURNED_TO_INTAKE: "退回受理",
    Status.ESCALATED: "待班长处理",
    Status.THREE_WAY: "三方通话中",
    Status.DISPATCHED: "办理中",
    Status.UNIT_RETURNED: "单位退回",
    Status.REPLY_REVIEW: "待审核答复",
    Status.REPLIED: "待回访",
    Status.ANSWERED: "已答复",
    Status.NOT_ACCEPTED: "不予受理",
    Status.CLOSED: "已办结",
    Status.MERGED: "已并单",
}

# Finished: nothing more is done with the order (a merged order follows its main order instead).
TERMINAL = frozenset({Status.ANSWERED, Status.NOT_ACCEPTED, Status.CLOSED})
# Not open for work or for duplicate matching: finished, or merged into another order.
NOT_OPEN = TERMINAL | {Status.MERGED}
AWAITING_DISPATCH = frozenset({Status.PENDING_DISPATCH, Status.ESCALATED})
# The intake seat may still change what was recorded (R-20 corrections).
AMENDABLE = frozenset({Status.RETURNED_TO_INTAKE, Status.PENDING_DISPATCH, Status.ESCALATED, Status.THREE_WAY})


class Disposition(StrEnum):  # R-10..R-14, R-06
    DIRECT_ANSWER = "direct_answer"
    TRANSFER = "transfer"
    REPORT = "report"
    THREE_WAY = "three_way"
    NOT_ACCEPTED = "not_accepted"


# In the order the intake form lists them.
DISPOSITION_LABELS: dict[str, str] = {
    Disposition.TRANSFER: "转办",
    Disposition.DIRECT_ANSWER: "直接答复",
    Disposition.REPORT: "呈报领导",
    Disposition.THREE_WAY: "三方通话",
    Disposition.NOT_ACCEPTED: "不予受理",
}
# Worked on after the call, so the caller must be reachable.
NEEDS_CALLER = frozenset({Disposition.TRANSFER, Disposition.REPORT, Disposition.THREE_WAY})


class Kind(StrEnum):
    CREATED = "created"
    AMENDED = "amended"
    RESUBMITTED = "resubmitted"
    ANSWERED_DIRECTLY = "answered_directly"
    RETURNED_TO_INTAKE = "returned_to_intake"
    ESCALATED = "escalated"
    REPORTED_TO_LEADER = "reported_to_leader"
    THREE_WAY_CALL_LOGGED = "three_way_call_logged"
    DISPATCHED = "dispatched"
    UNIT_RETURNED = "unit_returned"
    REDISPATCHED = "redispatched"
    EXTENSION_REQUESTED = "extension_requested"
    SUPERVISION_NOTICE = "supervision_notice"
    EXTENSION_DECIDED = "extension_decided"
    UNIT_REPLIED = "unit_replied"
    REPLY_REVIEWED = "reply_reviewed"  # 审核反馈真实性: accepted to callback, or sent back to the unit
    CALLBACK_ATTEMPTED = "callback_attempted"
    CALLBACK_DONE = "callback_done"
    CALLBACK_UNDONE = "callback_undone"
    REWORK = "rework"
    SUPERVISED = "supervised"
    PROGRESS_INQUIRY = "progress_inquiry"
    MERGED_INTO = "merged_into"
    UNMERGED = "unmerged"
    NOTE = "note"
    REVEALED = "revealed"  # a masked caller field shown, with the reason (the audit of who saw it)
    TYPICAL_MARKED = "typical_marked"  # the month's typical cases (每月典型工单), or taken off that list
    CLOSED = "closed"
    IMPORTED = "imported"  # an order brought in from another system's history, as it was (issue 14)
    CALL_ENDED = "call_ended"  # what the console saw of the call after its order was saved (issue 16)


# What an event is called on screen (the order's history): the kind's id is for files and the wire.
KIND_LABELS: dict[str, str] = {
    Kind.CREATED: "受理", Kind.AMENDED: "修改", Kind.RESUBMITTED: "重新提交", Kind.ANSWERED_DIRECTLY: "直接答复",
    Kind.RETURNED_TO_INTAKE: "退回受理", Kind.ESCALATED: "提交负责人", Kind.REPORTED_TO_LEADER: "呈报领导",
    Kind.THREE_WAY_CALL_LOGGED: "三方通话", Kind.DISPATCHED: "转办", Kind.UNIT_RETURNED: "单位退回",
    Kind.REDISPATCHED: "改派", Kind.EXTENSION_REQUESTED: "申请延期", Kind.SUPERVISION_NOTICE: "督办室通知",
    Kind.EXTENSION_DECIDED: "延期审批", Kind.UNIT_REPLIED: "单位答复", Kind.REPLY_REVIEWED: "答复审核",
    Kind.CALLBACK_ATTEMPTED: "回访拨打",
    Kind.CALLBACK_DONE: "回访结果", Kind.CALLBACK_UNDONE: "撤销回访结果", Kind.REWORK: "退回重办",
    Kind.SUPERVISED: "列入督办", Kind.PROGRESS_INQUIRY: "进度查询", Kind.MERGED_INTO: "并单",
    Kind.UNMERGED: "撤销并单", Kind.NOTE: "备注", Kind.CLOSED: "办结", Kind.IMPORTED: "历史导入",
    Kind.TYPICAL_MARKED: "典型工单", Kind.CALL_ENDED: "通话结束",
}
CALLBACK_OUTCOME_LABELS: dict[str, str] = {
    "reached": "接通", "no_answer": "无人接听", "busy": "占线", "off": "关机", "wrong_number": "号码错误",
}


def event_brief(payload: object) -> str:
    """An event's gist in a history line (40 characters): its reply, answer, reason, unit or result,
    never a caller field."""
    if not isinstance(payload, dict):
        return ""
    for key in ("reply", "answer", "reason", "note", "notes", "lead_unit", "target", "result", "text", "outcome"):
        if payload.get(key):
            value = str(payload[key])
            return CALLBACK_OUTCOME_LABELS.get(value, value)[:40] if key == "outcome" else value[:40]
    return ""
