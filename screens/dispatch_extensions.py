"""Dispatch view 3 — extension requests (R-25): approve with the new deadline shown first, or
reject with the reason; a second request needs the supervision office's notice, and says so."""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from console import queues
from console.domain.deadlines import extended_due
from console.domain.decide import Context, extension_notice_missing, extension_timing, requested_late, unit_deadline
from console.domain.order import Kind, OrderState
from console.store import NewEvent
from screens.desk import DeskScreen, Page
from screens.dispatch_common import REJECT_EXTENSION_REASONS, VIEW_BINDINGS, switch_view, unit_name
from screens.safe import clip, content, labelled, plain
from screens.widgets.dispatch_reason import ConfirmModal, ReasonModal


def extension_preview(store, state, now: datetime) -> tuple[str, str]:
    """(text, warning): the request's date, the current and the new deadline if approved, and
    R-25's rules (asked before the deadline; a second one needs the notice)."""
    pending = state.extension_pending or {}
    days = int(pending.get("days") or 0)
    ctx = Context(calendar=store.calendar)
    current = unit_deadline(state, ctx)
    asked = str(pending.get("at") or "")[:16].replace("T", " ")
    lines = [f"申请延期 {days} 个工作日（第{pending.get('n', 1)}次），申请时间 {asked}：{pending.get('reason', '')}"]
    if current is not None and days:
        new = extended_due(current, days, store.calendar)
        mark = "（预估）" if new.provisional else ""
        lines.append(f"当前办结时限 {current.at:%Y-%m-%d %H:%M}")
        lines.append(f"批准后办结时限 {new.at:%Y-%m-%d %H:%M}{mark}")
    warnings = [extension_timing(state, ctx, now)]
    n = int(pending.get("n") or 1)
    if extension_notice_missing(state):
        warnings.append(f"第{n}次延期：须先有督办室通知和承办单位领导签字的申请表（R-25），督办室尚未通知，不能批准")
    elif n >= 2:
        warnings.append(f"第{n}次延期：督办室已通知，可以审批")
    return "\n".join(lines), "\n".join(w for w in warnings if w)


class ExtensionsScreen(DeskScreen):
    TITLE_TEXT = "延期申请"
    HEADER_IDS = ("total", "view")
    COLUMNS = (
        # the deadline and the request's date first: never cut off at 100 columns (issue 17, R-25)
        ("due", "当前时限", 11), ("asked", "申请时间", 11), ("number", "工单编号", 17), ("days", "天数", 4),
        ("n", "次数", 5), ("unit", "承办单位", 12), ("reason", "申请理由", 24),
    )
    BINDINGS = [
        Binding("a", "approve", "批准", id="extensions.approve"),
        Binding("x", "reject", "驳回", id="extensions.reject"),
        *VIEW_BINDINGS,
    ]

    def compose_detail(self) -> ComposeResult:
        yield Static("", id="ext-order")
        yield Static("延期申请（R-25）", classes="detail-heading")
        yield Static("", id="ext-request")
        yield Static("", id="ext-warning", classes="detail-warning")

    def fetch_page(self, offset: int, limit: int) -> Page:
        rows = queues.extension_requests(self.store, limit=limit, offset=offset)
        return Page(rows, queues.extension_count(self.store), offset)

    def row_cells(self, row: dict) -> dict:
        t = self.table
        n = row["ext_n"] or 1
        return {
            "number": plain(row["number"]),
            "unit": plain(unit_name(self.store, row["lead_unit"])),
            "n": t.styled(f"第{n}次", "queue--late" if n >= 2 else "queue--ok"),
            "days": plain(f"{row['ext_days']}天"),
            "asked": self._asked_cell(row),
            "due": plain((row["unit_due"] or "")[5:16].replace("T", " ")),
            "reason": plain(clip(row["ext_reason"] or "", 48)),
        }

    def _asked_cell(self, row: dict):
        asked, due = row["ext_at"] or "", row["unit_due"] or ""
        text = asked[5:16].replace("T", " ")
        if asked and due and requested_late(datetime.fromisoformat(asked), datetime.fromisoformat(due)):
            return self.table.styled(f"{text} 逾期", "queue--late")  # asked after the deadline
        return plain(text)

    def header_values(self) -> dict[str, tuple[str, str]]:
        return {"total": (f"待审批 {self.page_total}", "-soon" if self.page_total else ""),
                "view": (self.page_label(), "-muted")}

    def render_detail(self, row: dict | None, state: OrderState | None) -> None:
        if row is None or state is None:
            for name in ("order", "request", "warning"):
                self.query_one(f"#ext-{name}", Static).update("")
            return
        self.query_one("#ext-order", Static).update(labelled(
            state.number, f"{unit_name(self.store, state.lead_unit)}承办｜{state.description}"))
        text, warning = extension_preview(self.store, state, self.now())
        self.query_one("#ext-request", Static).update(content(text))
        self.query_one("#ext-warning", Static).update(content(warning))

    def action_view(self, view: str) -> None:
        switch_view(self, view)

    def action_approve(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]

        def open_with(state: OrderState) -> None:
            text, warning = extension_preview(self.store, state, self.now())
            days = int((state.extension_pending or {}).get("days") or 0)

            def submit():
                return self.record([NewEvent(Kind.EXTENSION_DECIDED, {"approve": True, "days": days}, self.actor, number)],
                                   f"{number} 已批准延期 {days} 个工作日")

            preview = text + (f"\n{warning}" if warning else "") + "\n\n回车确认批准，Esc 取消"
            self.app.push_screen(ConfirmModal(f"批准延期 {number}", preview, submit))

        self.with_state(number, open_with)

    def action_reject(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]

        def submit(reason: str):
            return self.record([NewEvent(Kind.EXTENSION_DECIDED, {"approve": False, "reason": reason}, self.actor, number)],
                               f"{number} 已驳回延期：{reason}")

        self.app.push_screen(ReasonModal(f"驳回延期 {number}（R-25）", REJECT_EXTENSION_REASONS, submit))
