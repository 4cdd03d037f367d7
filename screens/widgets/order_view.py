"""A view of one order (opened from the caller history, the duplicates list or the statistics
desk): its fields, state, result and deadlines, and its events. Dismissed with the chosen
follow-up: "inquiry" (record a progress inquiry, R-11), "link" (link this call to it as a
duplicate) or None. Two keys act on it in place: p prints its 工单, 承办单 and 呈阅件 as PDF into
<data dir>/print/ (the callers as this role sees them), t lists it as one of the month's typical
cases (每月典型工单, supervision office and leads) or takes it off; the line under the title says
what was done."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from console.domain.channels import PHONE
from console.domain.decide import ALLOWED_ROLES
from console.domain.kinds import KIND_LABELS, Kind, event_brief
from screens.caller_view import caller_name, caller_phone
from screens.safe import content, labelled
from screens.widgets.footer import StableFooter
from screens.widgets.order_rows import deadline_of, result_of, status_label

TYPICAL_REASONS = ("群众反映强烈、处置及时的典型", "推诿扯皮、久拖不决的典型", "跨部门协调解决的典型",
                   "领导批示、媒体关注的典型")


class OrderView(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "dismiss_view", "关闭", id="order_view_close"),
        Binding("alt+i", "follow('inquiry')", "记录进度查询", id="order_view_inquiry", priority=True),
        Binding("alt+d", "follow('link')", "并入此单", id="order_view_link", priority=True),
        Binding("p", "print_forms", "打印", id="order_view_print"),
        Binding("t", "typical", "典型工单", id="order_view_typical"),
    ]

    class Printed(Message):
        def __init__(self, text: str, error: bool) -> None:
            super().__init__()
            self.text, self.error = text, error

    def __init__(self, row: dict, events: list[dict], units: dict[str, str] | None = None) -> None:
        super().__init__()
        self.row = row
        self.events = events
        self.units = units or {}

    def compose(self) -> ComposeResult:
        r = self.row
        unit = r.get("lead_unit") or ""
        with Vertical(id="order-view"):
            yield Static(content(f"工单 {r['number']}"), id="order-view-title")
            yield Static("", id="order-view-status")
            with VerticalScroll(id="order-view-body"):
                for label, value in (
                    ("状态：", status_label(r)),
                    ("受理时间：", (r.get("created_at") or "").replace("T", " ")),
                    ("受理渠道：", channel_label(r)),
                    ("来电人：", caller_name(self.app, r.get("caller_name") or "", r.get("caller_title") or "",
                                         bool(r.get("confidential")))),
                    ("地址：", r.get("address")),
                    ("诉求：", r.get("description")),
                    ("分类：", f"{r.get('nature') or ''} / {r.get('content_class') or ''}"),
                    ("承办单位：", self.units.get(unit, unit) or "-"),
                    ("结果：", result_of(r)),
                    ("时限：", deadline_of(r)),
                ):
                    yield Static(labelled(label, value), classes="order-field")
                yield Static(content("办理记录"), classes="panel-title")
                for e in self.events:
                    at = (e.get("at") or "")[5:16].replace("T", " ")
                    kind = KIND_LABELS.get(e["kind"], "其他记录")
                    yield Static(content(f"{at}  {kind}  {e.get('operator') or ''}  {event_brief(e.get('payload'))}"),
                                 classes="order-event")
                    if e.get("sync_status") == "rejected":  # kept in the history, never folded
                        yield Static(content(f"  ✗ 中心拒绝：{e.get('sync_reason') or ''}"),
                                     classes="order-event order-event-rejected")
            yield StableFooter(compact=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "typical":  # who may list a typical case: decide()'s roles for the event
            actor = getattr(self.app, "actor", None)
            return actor is not None and actor.role in ALLOWED_ROLES[Kind.TYPICAL_MARKED]
        return True

    def say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#order-view-status", Static)
        status.update(content(text))
        status.set_class(error, "-error")

    def action_print_forms(self) -> None:
        self.say("正在生成 工单、承办单、呈阅件 …")
        self._print_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="order-print")
    def _print_worker(self) -> None:
        from console.forms import print_all, print_dir
        from console.log import log

        number, store = self.row["number"], self.app.store
        state = store.get(number)
        if state is None:
            self.post_message(self.Printed(f"未找到工单 {number}", True))
            return
        caller = (caller_name(self.app, state.caller_name, state.caller_title, state.confidential),
                  caller_phone(self.app, number, state.phone, state.confidential))
        try:
            paths = print_all(store, number, caller)
        except Exception as exc:  # noqa: BLE001 - any failure to write is shown on the view and logged
            log("screens").warning("order %s: the documents could not be written: %s", number, exc)
            self.post_message(self.Printed(f"未能生成：{exc}", True))
            return
        names = "、".join(p.name for p in paths)
        self.post_message(self.Printed(f"已生成 {len(paths)} 份（PDF）：{print_dir(store)}/ {names}", False))

    @on(Printed)
    def _printed(self, message: Printed) -> None:
        self.say(message.text, message.error)

    def action_typical(self) -> None:
        from screens.widgets.dispatch_reason import ConfirmModal, ReasonModal

        number = self.row["number"]
        state = self.app.store.get(number)
        if state is None:
            self.say(f"未找到工单 {number}", error=True)
            return
        if state.typical:
            self.app.push_screen(ConfirmModal(
                f"取消典型工单 {number}", f"典型说明：{state.typical_note}\n\n回车确认从本月典型工单中取消，Esc 返回",
                lambda: self._mark(number, "", False)))
            return
        self.app.push_screen(ReasonModal(f"列为典型工单 {number}（每月典型工单处置总结）", TYPICAL_REASONS,
                                         lambda note: self._mark(number, note, True),
                                         placeholder="写明典型在哪里，或用↑↓选择后回车"))

    def _mark(self, number: str, note: str, typical: bool):
        from console.store import NewEvent

        payload = {"note": note.strip(), "typical": typical} if typical else {"typical": False}
        at = getattr(self.app, "wallclock", None)
        result = self.app.store.record([NewEvent(Kind.TYPICAL_MARKED, payload, self.app.actor, number,
                                                 at=at() if at else None)])
        if result.ok:
            self.say(f"已列为本月典型工单：{note.strip()}" if typical else "已从典型工单中取消")
        return result

    def action_dismiss_view(self) -> None:
        self.dismiss(None)

    def action_follow(self, what: str) -> None:
        self.dismiss(what)


def channel_label(row: dict) -> str:
    """The order's channel, and that it came from another system's history (issue 14)."""
    channel = row.get("channel") or PHONE
    return f"{channel}（历史导入）" if row.get("imported") else channel
