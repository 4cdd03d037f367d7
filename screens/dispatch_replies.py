"""Dispatch view 5 — the review of units' replies (审核反馈真实性): each reply waiting for review
with the order it answers and the quick check's findings; a accepts it (on to the callback desk),
b sends it back to the unit with the reason. The rules: console/domain/reply_review.py."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from console import queues
from console.domain.order import OrderState
from console.domain.reply_review import SEND_BACK_GROUNDS
from console.reply_review import findings_for, review_event
from screens.desk import DeskScreen, Page
from screens.dispatch_common import VIEW_BINDINGS, switch_view, unit_name
from screens.safe import content, labelled, plain
from screens.widgets.dispatch_reason import ConfirmModal, ReasonModal

# The standard grounds offered when sending back (typed words are the "other" ground).
_PICKABLE = tuple(code for code in SEND_BACK_GROUNDS if code != "other")
FINDING_MARKS = {"short": "简短", "off_topic": "离题", "boilerplate": "套话", "visit_claim": "称上门"}


class ReplyReviewScreen(DeskScreen):
    TITLE_TEXT = "答复审核"
    HEADER_IDS = ("total", "view")
    COLUMNS = (
        ("number", "工单编号", 17), ("unit", "承办单位", 12), ("at", "答复时间", 11), ("marks", "提示", 16),
        ("reply", "答复", 28),
    )
    BINDINGS = [
        Binding("a", "accept", "采纳", id="replies.accept"),
        Binding("b", "send_back", "退回单位", id="replies.send_back"),
        *VIEW_BINDINGS,
    ]

    def compose_detail(self) -> ComposeResult:
        yield Static("", id="rv-order", classes="detail-text")
        yield Static("单位答复", classes="detail-heading")
        yield Static("", id="rv-reply")
        yield Static("核查提示", classes="detail-heading")
        yield Static("", id="rv-findings", classes="detail-warning")
        yield Static("", id="rv-history")

    def fetch_page(self, offset: int, limit: int) -> Page:  # a worker: the check reads the unit's replies
        rows = queues.reply_reviews(self.store, limit=limit, offset=offset)
        states: dict[str, OrderState] = {}
        findings = {}
        for row in rows:
            state = self.store.get(row["number"])
            if state is not None:
                states[row["number"]] = state
                findings[row["number"]] = findings_for(self.store, state)
        return Page(rows, queues.reply_review_count(self.store), offset, {"states": states, "findings": findings})

    def _state(self, number: str) -> OrderState | None:
        return self.page_extra.get("states", {}).get(number)

    def row_cells(self, row: dict) -> list:
        state = self._state(row["number"])
        marks = "、".join(FINDING_MARKS[f.code] for f in self.page_extra.get("findings", {}).get(row["number"], []))
        at = state.replied_at.strftime("%m-%d %H:%M") if state is not None and state.replied_at else ""
        return [
            plain(row["number"]),
            plain(unit_name(self.store, row["lead_unit"])),
            plain(at),
            self.table.styled(marks, "queue--late") if marks else plain(""),
            plain((state.reply if state is not None else "")[:28].replace("\n", " ")),
        ]

    def header_values(self) -> dict[str, tuple[str, str]]:
        return {
            "total": (f"待审核 {self.page_total}", "-soon" if self.page_total else ""),
            "view": (self.page_label(), "-muted"),
        }

    def render_detail(self, row: dict | None, state: OrderState | None) -> None:
        if row is None or state is None:
            for name in ("order", "reply", "findings", "history"):
                self.query_one(f"#rv-{name}", Static).update("")
            return
        self.query_one("#rv-order", Static).update(labelled(
            state.number, f"{state.nature}｜{'/'.join(state.content_path)}\n{state.description}\n地址：{state.address}\n"
                          f"承办单位：{unit_name(self.store, state.lead_unit)}"))
        self.query_one("#rv-reply", Static).update(content(state.reply))
        found = self.page_extra.get("findings", {}).get(state.number, [])
        self.query_one("#rv-findings", Static).update(content(
            "\n".join(f"· {f.text}" for f in found) or "未发现问题：请核对答复是否属实"))
        history = [f"{b['at'][5:16].replace('T', ' ')} 退回：{SEND_BACK_GROUNDS.get(b['ground'], b['ground'])}"
                   f"{'：' + b['reason'] if b['reason'] else ''}" for b in state.replies_sent_back]
        self.query_one("#rv-history", Static).update(content(
            ("此前退回 " + str(len(history)) + " 次\n" + "\n".join(history)) if history else ""))

    def action_view(self, view: str) -> None:
        switch_view(self, view)

    def action_accept(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]
        self.app.push_screen(ConfirmModal(
            f"采纳答复 {number}", "答复属实，转回访（R-32）。Enter 确认，Esc 取消",
            lambda: self.record([review_event(number, self.actor, True)], f"{number} 答复已采纳，转回访")))

    def action_send_back(self) -> None:
        row = self.current_row()
        if row is None:
            return
        number = row["number"]
        found = self.page_extra.get("findings", {}).get(number, [])
        # the grounds the findings point to come first, so Enter takes the likeliest one
        suggested = [f.ground for f in found if f.ground in _PICKABLE]
        order = list(dict.fromkeys(suggested + list(_PICKABLE)))
        labels = [SEND_BACK_GROUNDS[code] for code in order]

        def submit(text: str):
            text = text.strip()
            ground = next((code for code in order if SEND_BACK_GROUNDS[code] == text), "other")
            reason = "" if ground != "other" else text
            label = SEND_BACK_GROUNDS[ground] if ground != "other" else text
            return self.record([review_event(number, self.actor, False, ground, reason)],
                               f"{number} 答复已退回单位：{label}")

        self.app.push_screen(ReasonModal(f"退回答复 {number}（审核反馈真实性）", labels, submit,
                                         preview=f"答复：{self._state(number).reply[:60] if self._state(number) else ''}"))
