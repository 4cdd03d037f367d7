"""Revealing a masked phone on a desk: a reason (a standard one or typed), then a `revealed`
event on the order (who, when, which field, why) that syncs to the centre like any other; the
phone shows whole for this operator once the store has recorded it."""

from __future__ import annotations

from console.domain.order import Kind
from console.domain.privacy import REVEAL_REASON_MAX, REVEAL_REASONS, CallerField, may_reveal
from console.store import NewEvent
from screens.caller_view import is_revealed, mark_revealed, role_of
from screens.widgets.dispatch_reason import ReasonModal


def may_reveal_here(app) -> bool:
    """The key applies to roles that see phones masked (dispatcher, lead, callback, supervisor)."""
    return may_reveal(role_of(app), CallerField.PHONE, confidential=False)


def ask_reveal(desk) -> None:
    """`desk` is a DeskScreen: its current row, its record() and say()."""
    row = desk.current_row()
    if row is None:
        return
    number = row["number"]
    if not may_reveal(role_of(desk.app), CallerField.PHONE, bool(row.get("confidential"))):
        desk.say("来电人信息保密，不能查看电话（R-02）" if row.get("confidential") else "此岗位无需查看号码", error=True)
        return
    if is_revealed(desk.app, number):
        desk.say(f"{number} 的来电电话已显示")
        return

    def submit(reason: str):
        if not reason.strip():
            return _Refused("请选择或填写查看原因")
        if len(reason) > REVEAL_REASON_MAX:
            return _Refused(f"查看原因不超过 {REVEAL_REASON_MAX} 字")
        pending = desk.record([NewEvent(Kind.REVEALED, {"field": CallerField.PHONE.value, "reason": reason},
                                        desk.actor, number)], f"已显示 {number} 的来电电话（查看已记录）")
        return pending.then(lambda result: mark_revealed(desk.app, number) if result.ok else None)

    desk.app.push_screen(ReasonModal(f"查看 {number} 的来电电话：请说明原因（将记录在工单上）", REVEAL_REASONS, submit))


class _Refused:
    """A reason refused before it reaches the store: the dialog stays open and says why."""

    ok = False

    def __init__(self, reason: str) -> None:
        self.reason = reason
