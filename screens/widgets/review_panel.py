"""R-20 review panel: the order as recorded, the recording-standard checklist with what is missing
highlighted, the suggested units and a knowledge-base answer if one exists (R-21)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, Static

from console.domain.order import STATUS_LABELS, OrderState
from console.domain.review import recording_gaps
from screens.caller_view import caller_name, caller_phone
from screens.safe import content, labelled

# (checklist line, prefix of the recording_gaps() text that marks it missing)
CHECKLIST = (
    ("联系人", "联系人"),
    ("称谓（先生/女士）", "称谓"),
    ("联系电话", "联系电话"),
    ("内容分类", "内容分类"),
    ("性质分类", "性质分类"),
    ("回复信息", "回复信息"),
    ("问题描述", "问题描述"),
    ("单位或地址", "单位或地址"),
)
FIELDS = ("number", "flags", "caller", "phone", "address", "classes", "reply", "description")


def order_flags(state: OrderState) -> str:
    flags = []
    if state.urgent:
        flags.append("紧急")
    if state.leader_day:
        flags.append("领导接听日")
    if state.leader_report:
        flags.append("呈报领导")
    if state.confidential:
        flags.append("保密")
    if state.bounced:
        flags.append("推诿")
    return "、".join(flags) or "无"


class ReviewPanel(Vertical):
    """Shows one order (or nothing); `show(state, suggestions, kb_hint)`."""

    def compose(self) -> ComposeResult:
        for name in FIELDS:
            yield Static("", id=f"rv-{name}", classes="rv-field")
        yield Label("审核要点（R-20）", classes="rv-heading")
        for index, (line, _prefix) in enumerate(CHECKLIST):
            yield Label(line, id=f"rv-check-{index}", classes="rv-check")
        yield Static("", id="rv-other-gaps", classes="rv-check -missing")
        yield Label("建议承办单位", classes="rv-heading")
        yield Static("", id="rv-suggest", classes="rv-field")
        yield Static("", id="rv-kb", classes="rv-field")
        yield Static("", id="rv-extra", classes="rv-field")

    def show(self, state: OrderState | None, suggestions: str = "", kb_hint: str = "", extra: str = "") -> None:
        self.set_class(state is None, "-empty")
        if state is None:
            for name in FIELDS:
                self.query_one(f"#rv-{name}", Static).update("")
            return
        values = {
            "number": labelled("工单", f"{state.number}（{STATUS_LABELS[state.status]}）"),
            "flags": labelled("标记", order_flags(state)),
            "caller": labelled("来电人", caller_name(self.app, state.caller_name, state.caller_title, state.confidential)),
            "phone": labelled("电话", caller_phone(self.app, state.number, state.phone, state.confidential)),
            "address": labelled("地址", state.address),
            "classes": labelled("分类", f"{state.nature}｜{'/'.join(state.content_path)}"),
            "reply": labelled("回复", (state.reply_method or "需回复") if state.reply_wanted else "不需回复"),
            "description": labelled("诉求", state.description),
        }
        for name, value in values.items():
            self.query_one(f"#rv-{name}", Static).update(value)
        gaps = recording_gaps(state)
        matched: set[str] = set()
        for index, (line, prefix) in enumerate(CHECKLIST):
            hit = next((g for g in gaps if g.startswith(prefix)), None)
            if hit:
                matched.add(hit)
            label = self.query_one(f"#rv-check-{index}", Label)
            label.update(content(f"✗ {hit}" if hit else f"✓ {line}"))
            label.set_class(bool(hit), "-missing")
            label.set_class(not hit, "-ok")
        other = [g for g in gaps if g not in matched]
        self.query_one("#rv-other-gaps", Static).update(content("✗ " + "、".join(other) if other else ""))
        self.query_one("#rv-suggest", Static).update(content(suggestions or "（无匹配，按拼音选择）"))
        self.query_one("#rv-kb", Static).update(labelled("知识库", kb_hint) if kb_hint else content(""))
        self.query_one("#rv-extra", Static).update(content(extra))
