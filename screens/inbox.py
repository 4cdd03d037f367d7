"""The intake seat's inbox: orders the dispatchers returned for correction (R-20) or because the
knowledge base answers them (R-21); fixed and sent back, or answered directly, in one flow."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding

from console import queues
from console.domain.order import KB_RETURN_NOTE, Kind, OrderState
from console.store import NewEvent
from screens.desk import DeskScreen, Page
from screens.dispatch_common import VIEW_BINDINGS, switch_view
from screens.safe import clip, plain
from screens.widgets.dispatch_reason import ReasonModal
from screens.widgets.inbox_amend import AmendModal
from screens.widgets.review_panel import ReviewPanel


class InboxScreen(DeskScreen):
    TITLE_TEXT = "退回受理"
    HEADER_IDS = ("total", "view")
    COLUMNS = (("number", "工单编号", 17), ("reason", "退回原因", 30), ("at", "退回时间", 11), ("klass", "分类", 18), ("desc", "诉求", 30))
    BINDINGS = [
        Binding("e", "amend", "修改并提交", id="inbox.amend"),
        Binding("s", "resubmit", "重新提交", id="inbox.resubmit"),
        Binding("a", "answer", "直接答复", id="inbox.answer"),
        *VIEW_BINDINGS,
    ]

    def __init__(self, seat: str | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.seat = seat  # None: every seat's returns (a lead's view)

    def compose_detail(self) -> ComposeResult:
        yield ReviewPanel(id="review")

    def fetch_page(self, offset: int, limit: int) -> Page:
        rows = queues.intake_inbox(self.store, self.seat, limit=limit, offset=offset)
        return Page(rows, queues.intake_inbox_count(self.store, self.seat), offset)

    def row_cells(self, row: dict) -> list:
        return [
            plain(row["number"]),
            self.table.styled(clip(row["returned_reason"] or "", 30), "queue--soon"),
            plain((row["updated_at"] or "")[5:16].replace("T", " ")),
            plain(row["content_class"]),
            plain(clip(row["description"] or "", 30)),
        ]

    def header_values(self) -> dict[str, tuple[str, str]]:
        return {"total": (f"待修改 {self.page_total}", "-soon" if self.page_total else ""),
                "view": (self.page_label(), "-muted")}

    def render_detail(self, row: dict | None, state: OrderState | None) -> None:
        panel = self.query_one("#review", ReviewPanel)
        if row is None or state is None:
            panel.show(None)
            return
        panel.show(state, "", "", f"退回原因：{state.returned_reason}")

    def action_view(self, view: str) -> None:
        switch_view(self, view)

    def action_amend(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]

        def open_with(state: OrderState) -> None:

            def submit(changes: dict):
                events = []
                if changes:
                    events.append(NewEvent(Kind.AMENDED, changes, self.actor, number))
                events.append(NewEvent(Kind.RESUBMITTED, {"note": "已按退回意见修改"}, self.actor, number))
                return self.record(events, f"{number} 已修改并重新提交转办")

            self.app.push_screen(AmendModal(state, submit))

        self.with_state(number, open_with)

    def action_resubmit(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]
        self.record([NewEvent(Kind.RESUBMITTED, {}, self.actor, number)], f"{number} 已重新提交转办")

    def action_answer(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]

        def open_with(state: OrderState) -> None:
            kb_note = KB_RETURN_NOTE.format(department="")
            answer = f"已按知识库答复来电人（{state.kb_article}）" if state.kb_article else ""

            def submit(text: str):
                payload = {"answer": text}
                if state.kb_article:
                    payload["kb_article"] = state.kb_article
                return self.record([NewEvent(Kind.ANSWERED_DIRECTLY, payload, self.actor, number)], f"{number} 已直接答复")

            title = f"直接答复 {number}" + ("（R-21）" if kb_note in state.returned_reason else "")
            self.app.push_screen(ReasonModal(title, (), submit, preview=f"退回原因：{state.returned_reason}",
                                             placeholder="答复内容", value=answer))

        self.with_state(number, open_with)
