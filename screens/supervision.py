"""F7 — supervision (R-31): overdue, leader-instructed, media-exposed, hot and bounced orders, with
how late they are and who holds them; the office marks an order as supervised, issues the notice a
second extension needs (R-25), and lists an order among the month's typical cases (x)."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from console import queues
from console.domain.decide import extension_notice_missing
from console.domain.order import STATUS_LABELS, Kind, OrderState, Status
from console.store import NewEvent
from screens.desk import DeskScreen, Page
from screens.dispatch_common import unit_name
from screens.safe import clip, content, labelled, plain
from screens.widgets.dispatch_reason import ConfirmModal, ReasonModal
from screens.widgets.keys_help import bound_key
from screens.widgets.reveals_list import RevealsList

SUPERVISE_REASONS = ("overdue", "leader", "media", "hot", "bounced", "other")


def whose(store, row: dict) -> str:
    """Who holds the order now: its lead unit, or the desk that has to act."""
    status = row["status"]
    if status in (Status.DISPATCHED, Status.UNIT_RETURNED):
        name = unit_name(store, row["lead_unit"])
        return f"{name}（单位已退回，待改派）" if status == Status.UNIT_RETURNED else name
    if status == Status.ESCALATED:
        return "转办负责人"
    if status == Status.PENDING_DISPATCH:
        return "转办坐席"
    if status == Status.REPLIED:
        return "回访坐席"
    return STATUS_LABELS.get(Status(status), status)


def reasons_of(row: dict, now: datetime) -> list[str]:
    import json

    codes = json.loads(row["reasons"] or "[]")
    labels = [queues.SUPERVISION_LABELS.get(c, c) for c in codes]
    if row["late_due"] and row["late_due"] < now.isoformat() and "逾期" not in labels:
        labels.insert(0, "逾期")
    if row.get("needs_notice"):
        labels.append("待延期通知")
    if row["leader_report"] and "领导批示" not in labels:
        labels.append("呈报领导")
    return labels


class SupervisionScreen(DeskScreen):
    TITLE_TEXT = "督办"
    HEADER_IDS = ("total", "view")
    COLUMNS = (
        # the overdue time and the deadline first: never cut off at 100 columns (issue 17)
        ("late", "逾期", 12), ("due", "时限", 11), ("number", "工单编号", 17), ("why", "督办原因", 16),
        ("status", "状态", 10), ("whose", "责任方", 16), ("desc", "诉求", 24),
    )
    BINDINGS = [
        Binding("m", "supervise", "督办", id="supervision.supervise"),
        Binding("t", "notice", "延期通知", id="supervision.notice"),
        Binding("l", "reveals", "查看记录", id="supervision.reveals"),
        Binding("x", "typical", "典型工单", id="supervision.typical"),
    ]

    def action_reveals(self) -> None:
        self.app.push_screen(RevealsList(self.store))

    def compose_detail(self) -> ComposeResult:
        yield Static("", id="sup-order")
        yield Static("", id="sup-why", classes="detail-warning")
        yield Static("", id="sup-history")

    def fetch_page(self, offset: int, limit: int) -> Page:
        now = self.now()
        rows = queues.supervision_list(self.store, now, limit=limit, offset=offset)
        return Page(rows, queues.supervision_count(self.store, now), offset)

    def row_cells(self, row: dict) -> dict:
        t = self.table
        label, level = queues.countdown(row["late_due"], self.now())
        return {
            "why": t.styled("、".join(reasons_of(row, self.now())), "queue--priority"),
            "number": plain(row["number"]),
            "status": plain(STATUS_LABELS[Status(row["status"])]),
            "whose": plain(whose(self.store, row)),
            "due": plain((row["late_due"] or "")[5:16].replace("T", " ")),
            "late": t.deadline(label, level),
            "desc": plain(clip(row["description"] or "", 24)),
        }

    def header_values(self) -> dict[str, tuple[str, str]]:
        return {"total": (f"督办事项 {self.page_total}", "-late" if self.page_total else ""),
                "view": (self.page_label(), "-muted")}

    def render_detail(self, row: dict | None, state: OrderState | None) -> None:
        if row is None or state is None:
            for name in ("order", "why", "history"):
                self.query_one(f"#sup-{name}", Static).update("")
            return
        self.query_one("#sup-order", Static).update(labelled(
            state.number, f"{STATUS_LABELS[state.status]}｜责任方：{whose(self.store, row)}\n{state.description}"))
        label, _level = queues.countdown(row["late_due"], self.now())
        why = "、".join(reasons_of(row, self.now()))
        extra = ""
        n = extension_notice_missing(state)  # R-25, as decide() judges it
        if n:
            extra = f"\n第{n}次延期待督办室通知（按 {bound_key(self.app, 'supervision.notice', 't')}）"
        self.query_one("#sup-why", Static).update(content(f"{why}｜{label}{extra}"))
        notes = []
        if state.leader_instruction:
            notes.append(f"领导批示：{state.leader_instruction}")
        for r in state.unit_returns:
            notes.append(f"{r['at'][5:16].replace('T', ' ')} {unit_name(self.store, r['unit'])} 退回：{r['reason']}")
        if state.escalated_reason:
            notes.append(f"提交负责人：{state.escalated_reason}")
        self.query_one("#sup-history", Static).update(content("\n".join(notes)))

    def action_supervise(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]
        labels = [queues.SUPERVISION_LABELS[code] for code in SUPERVISE_REASONS]
        code_of = {label: code for code, label in zip(SUPERVISE_REASONS, labels, strict=True)}

        def submit(value: str):
            value = value.strip()
            code = code_of.get(value, "other" if value else "")  # a reason typed in words: 其他, with the words
            payload = {"reason": code, "note": "" if value in code_of else value}
            return self.record([NewEvent(Kind.SUPERVISED, payload, self.actor, number)],
                               f"{number} 已列入督办：{queues.SUPERVISION_LABELS.get(code, code)}")

        self.app.push_screen(ReasonModal(f"督办 {number}（R-31）", labels, submit, value=labels[0]))

    def action_typical(self) -> None:
        """每月典型工单: list the order with why, or (listed already) take it off."""
        from screens.widgets.order_view import TYPICAL_REASONS

        row = self.current_row()
        if row is None:
            return
        number = row["number"]
        state = self.store.get(number)
        if state is not None and state.typical:
            self.app.push_screen(ConfirmModal(
                f"取消典型工单 {number}", f"典型说明：{state.typical_note}\n\n回车确认从本月典型工单中取消，Esc 返回",
                lambda: self.record([NewEvent(Kind.TYPICAL_MARKED, {"typical": False}, self.actor, number)],
                                    f"{number} 已从典型工单中取消")))
            return

        def submit(note: str):
            return self.record([NewEvent(Kind.TYPICAL_MARKED, {"note": note.strip(), "typical": True}, self.actor,
                                         number)], f"{number} 已列为本月典型工单：{note.strip()}")

        self.app.push_screen(ReasonModal(f"列为典型工单 {number}（每月典型工单处置总结）", TYPICAL_REASONS, submit,
                                         placeholder="写明典型在哪里，或用↑↓选择后回车"))

    def action_notice(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]
        notice_no = f"督延-{number}"

        def submit():
            return self.record([NewEvent(Kind.SUPERVISION_NOTICE, {"notice_no": notice_no, "leader_form_signed": True},
                                         self.actor, number)], f"{number} 已发延期通知 {notice_no}")

        self.app.push_screen(ConfirmModal(
            f"延期通知 {number}（R-25）",
            f"通知编号 {notice_no}\n确认已收到承办单位领导签字的延期申请表？\n\n回车确认，Esc 取消", submit))
