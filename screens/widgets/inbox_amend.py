"""Correct a returned order and send it back in one command (amended + resubmitted, R-20)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Label, Static

from console.domain.order import OrderState
from console.domain.privacy import CallerField, Sight, shown, sight
from screens.caller_view import is_revealed, role_of
from screens.desk_style import DESKS_TCSS
from screens.safe import content, field
from screens.widgets.dispatch_reason import CommandModal

# (state field, label on screen)
AMEND_FIELDS = (
    ("caller_name", "联系人"),
    ("caller_title", "称谓"),
    ("phone", "联系电话"),
    ("address", "单位或地址"),
    ("reply_method", "回复方式"),
    ("description", "问题描述"),
)


def changed_fields(state: OrderState, values: dict[str, str]) -> dict:
    """Only what the agent changed, trimmed; the amended event carries nothing else."""
    return {k: v.strip() for k, v in values.items() if v.strip() != (getattr(state, k) or "").strip()}


class AmendModal(CommandModal):
    CSS_PATH = DESKS_TCSS
    BINDINGS = [
        Binding("f2", "submit", "保存并重新提交", id="amend.submit"),
        Binding("escape", "cancel", "取消", id="amend.cancel"),
    ]

    def __init__(self, state: OrderState, submit: Callable[[dict], object]) -> None:
        super().__init__()
        self.state, self.submit = state, submit
        self.withheld: dict[str, str] = {}

    def _withheld(self) -> dict[str, str]:
        """Caller fields the signed-in role does not see in full (console/domain/privacy.py)."""
        role, out = role_of(self.app), {}
        for caller_field in CallerField:
            value = getattr(self.state, caller_field.value) or ""
            if sight(role, caller_field, self.state.confidential) is not Sight.FULL:
                out[caller_field.value] = shown(role, caller_field, value, self.state.confidential,
                                                revealed=is_revealed(self.app, self.state.number))
        return out

    def compose(self) -> ComposeResult:
        self.withheld = self._withheld()
        with Vertical(id="modal-box"):
            yield Label(content(f"修改 {self.state.number} 并重新提交转办"), id="modal-title")
            yield Static(content(f"退回原因：{self.state.returned_reason}"), id="modal-preview")
            for name, label in AMEND_FIELDS:
                with Horizontal(classes="amend-row"):
                    yield Label(label, classes="amend-label")
                    if name in self.withheld:  # the role sees it masked or not at all: shown so, not editable
                        yield Input(value=field(self.withheld[name]), id=f"amend-{name}", disabled=True)
                    else:
                        yield Input(value=field(getattr(self.state, name)), id=f"amend-{name}")
            yield Static("", id="modal-status")
        yield Footer()

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#amend-{name}", Input).value for name, _ in AMEND_FIELDS
                if name not in self.withheld}

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.focus_next()

    def action_submit(self) -> None:
        result = self.submit(changed_fields(self.state, self.values()))
        self.finish(result)

