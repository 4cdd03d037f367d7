"""A read-only view of one order (opened from the caller history or the duplicates list):
its fields, state, result and deadlines, and its events. Dismissed with the chosen follow-up:
"inquiry" (record a progress inquiry, R-11), "link" (link this call to it as a duplicate) or None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from console.domain.channels import PHONE
from console.domain.kinds import CALLBACK_OUTCOME_LABELS, KIND_LABELS
from screens.caller_view import caller_name
from screens.safe import content, labelled
from screens.widgets.footer import StableFooter
from screens.widgets.order_rows import deadline_of, result_of, status_label


class OrderView(ModalScreen[str | None]):
    BINDINGS = [
        Binding("escape", "dismiss_view", "关闭", id="order_view_close"),
        Binding("alt+i", "follow('inquiry')", "记录进度查询", id="order_view_inquiry", priority=True),
        Binding("alt+d", "follow('link')", "并入此单", id="order_view_link", priority=True),
    ]

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
                    yield Static(content(f"{at}  {kind}  {e.get('operator') or ''}  {_brief(e.get('payload'))}"),
                                 classes="order-event")
                    if e.get("sync_status") == "rejected":  # kept in the history, never folded
                        yield Static(content(f"  ✗ 中心拒绝：{e.get('sync_reason') or ''}"),
                                     classes="order-event order-event-rejected")
            yield StableFooter(compact=True)

    def action_dismiss_view(self) -> None:
        self.dismiss(None)

    def action_follow(self, what: str) -> None:
        self.dismiss(what)


def channel_label(row: dict) -> str:
    """The order's channel, and that it came from another system's history (issue 14)."""
    channel = row.get("channel") or PHONE
    return f"{channel}（历史导入）" if row.get("imported") else channel


def _brief(payload) -> str:
    if not isinstance(payload, dict):
        return ""
    for key in ("reply", "answer", "reason", "note", "notes", "lead_unit", "target", "result", "text", "outcome"):
        if payload.get(key):
            value = str(payload[key])
            return CALLBACK_OUTCOME_LABELS.get(value, value)[:40] if key == "outcome" else value[:40]
    return ""
