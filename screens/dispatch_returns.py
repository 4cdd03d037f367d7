"""Dispatch view 2 — unit returns (R-24): orders a unit sent back with its reason, redispatched at
once to the right unit; the month's returns per unit; orders pushed between units (推诿) flagged."""

from __future__ import annotations

import re

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from console import queues
from console.domain.order import Kind, OrderState
from console.store import NewEvent
from screens.desk import DeskScreen, Page
from screens.dispatch_common import ESCALATE_REASONS, VIEW_BINDINGS, directory, switch_view, unit_name
from screens.safe import clip, content, labelled, plain
from screens.widgets.dispatch_reason import ReasonModal
from screens.widgets.unit_picker_dispatch import UnitPickerModal

ORDER_NUMBER = re.compile(r"\d{8}-[A-Za-z0-9]+-\d{4}")  # as the store numbers orders: day-seat-n


class ReturnsScreen(DeskScreen):
    TITLE_TEXT = "单位退回"
    HEADER_IDS = ("total", "month", "view")
    COLUMNS = (
        ("flag", "推诿", 4), ("number", "工单编号", 17), ("unit", "退回单位", 12), ("reason", "退回原因", 28),
        ("at", "退回时间", 11), ("n", "退回次数", 8), ("klass", "分类", 18),
    )
    BINDINGS = [
        Binding("d", "redispatch", "改派", id="returns.redispatch"),
        Binding("e", "to_supervision", "提交督办室", id="returns.escalate"),
        Binding("m", "merge", "并单", id="returns.merge"),
        *VIEW_BINDINGS,
    ]

    def compose_detail(self) -> ComposeResult:
        yield Static("", id="ret-order", classes="detail-text")
        yield Static("退回记录", classes="detail-heading")
        yield Static("", id="ret-history")
        yield Static("", id="ret-bounced", classes="detail-warning")
        yield Static("本月各单位退回数（R-24）", classes="detail-heading")
        yield Static("", id="ret-monthly")

    def fetch_page(self, offset: int, limit: int) -> Page:
        month = self.now().strftime("%Y-%m")
        rows = queues.unit_returns(self.store, limit=limit, offset=offset)
        return Page(rows, queues.unit_returns_count(self.store), offset,
                    {"monthly": queues.monthly_returns(self.store, month), "month": month})

    def row_cells(self, row: dict) -> list:
        t = self.table
        return [
            t.styled("推诿" if row["bounced"] else "", "queue--late"),
            plain(row["number"]),
            plain(unit_name(self.store, row["returned_by"])),
            plain(clip(row["return_reason"] or "", 28)),
            plain((row["returned_at"] or "")[5:16].replace("T", " ")),
            plain(row["returns"] or 0),
            plain(row["content_class"]),
        ]

    def header_values(self) -> dict[str, tuple[str, str]]:
        monthly = self.page_extra.get("monthly", [])
        top = "、".join(f"{unit_name(self.store, u)} {n}" for u, n in monthly[:3])
        return {
            "total": (f"待改派 {self.page_total}", "-soon" if self.page_total else ""),
            "month": (f"本月退回 {sum(n for _, n in monthly)}：{top}", "-muted"),
            "view": (self.page_label(), "-muted"),
        }

    def render_detail(self, row: dict | None, state: OrderState | None) -> None:
        monthly = self.page_extra.get("monthly", [])
        self.query_one("#ret-monthly", Static).update(content(
            "\n".join(f"{unit_name(self.store, u)}（{u}）：{n} 次" for u, n in monthly) or "本月无退回"))
        if row is None or state is None:
            for name in ("order", "history", "bounced"):
                self.query_one(f"#ret-{name}", Static).update("")
            return
        self.query_one("#ret-order", Static).update(labelled(
            state.number, f"{state.nature}｜{'/'.join(state.content_path)}\n{state.description}\n地址：{state.address}"))
        history = [f"{r['at'][5:16].replace('T', ' ')} {unit_name(self.store, r['unit'])}：{r['reason']}"
                   for r in state.unit_returns]
        self.query_one("#ret-history", Static).update(content("\n".join(history)))
        bounced = "此单已在单位间推诿，已提示转办负责人和督办室（R-24）" if state.bounced else ""
        self.query_one("#ret-bounced", Static).update(content(bounced))

    def action_view(self, view: str) -> None:
        switch_view(self, view)

    def action_redispatch(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]

        def open_with(state: OrderState) -> None:

            def submit(choice):
                event = NewEvent(Kind.REDISPATCHED, {"lead_unit": choice.lead, "assist_units": list(choice.assists),
                                                     "complexity": choice.complexity}, self.actor, number)
                return self.record([event], f"{number} 已改派给 {unit_name(self.store, choice.lead)}")

            self.app.push_screen(UnitPickerModal(
                [state], directory(self.store), self.store.rules, self.store.calendar, self.now(), submit,
                title=f"改派 {number}（{unit_name(self.store, state.lead_unit)} 已退回）", exclude=[state.lead_unit],
            ))

        self.with_state(number, open_with)

    def action_merge(self) -> None:
        """A unit returned it with "请并单": merge it into the order it repeats (the number the unit
        named is filled in); the domain checks the target."""
        row = self.current_row()
        if row is None:
            return
        number, reason = row["number"], row["return_reason"] or ""
        named = ORDER_NUMBER.search(reason)

        def submit(target: str):
            target = target.strip()
            payload = {"target": target, "note": f"单位退回：{reason}"}
            return self.record([NewEvent(Kind.MERGED_INTO, payload, self.actor, number)], f"{number} 已并入 {target}")

        self.app.push_screen(ReasonModal(
            f"并单 {number}：并入哪张工单？", (), submit, preview=f"退回原因：{reason}",
            placeholder="主单的工单编号", value=named.group(0) if named and named.group(0) != number else "",
        ))

    def action_to_supervision(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]

        def submit(reason: str):
            return self.record([NewEvent(Kind.ESCALATED, {"reason": reason, "to_supervision": True}, self.actor, number)],
                               f"{number} 已提交督办室")

        self.app.push_screen(ReasonModal(f"提交督办室 {number}（R-22、R-24）", ESCALATE_REASONS, submit))
