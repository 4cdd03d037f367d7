"""上岗登录: operator id, role and (for trainees) the trainee number. The seat code comes from the
store. Enter in any field (or F5) signs in; the app then opens the role's desk."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from console.domain.roles import ROLE_LABELS, Role
from screens.safe import content
from screens.widgets.footer import StableFooter
from screens.widgets.status_header import StatusHeader

ROLES = (Role.AGENT, Role.DISPATCHER, Role.LEAD, Role.CALLBACK, Role.SUPERVISOR)


class SignInScreen(Screen):
    BINDINGS = [
        Binding("f5", "sign_in", "登录", id="sign_in"),
        # ↓ in the id field goes on to the next role: "type the id, ↓, Enter" signs a dispatcher in
        Binding("down", "next_role", "下一岗位", id="sign_in.next_role", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with Vertical(id="signin"):
            yield Static(content("上岗登录"), id="signin-title")
            with Horizontal(classes="row"):
                yield Label("工号", classes="field-label")
                yield Input(placeholder="操作员工号", id="operator", max_length=20, compact=True)
            with Horizontal(classes="row"):
                yield Label("岗位", classes="field-label")
                with RadioSet(id="role", compact=True):
                    for role in ROLES:
                        yield RadioButton(ROLE_LABELS[role], id=f"role-{role.value}", value=(role == Role.AGENT))
            with Horizontal(classes="row"):
                yield Label("实习编号", classes="field-label")
                yield Input(placeholder="实习受理员填写，其他留空", id="trainee", max_length=6, restrict=r"[0-9]*", compact=True)
            yield Static("", id="signin-error", classes="field-error")
            yield Static("", id="signin-seat")
        yield StableFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#operator", Input).focus()
        self.set_interval(0.5, self._show_seat)
        self._show_seat()

    def reset(self) -> None:
        """Blank again for the next operator (after a sign-out)."""
        self.query_one("#operator", Input).value = ""
        self.query_one("#trainee", Input).value = ""
        self.query_one(f"#role-{Role.AGENT.value}", RadioButton).value = True
        self.query_one("#signin-error", Static).update("")
        self.query_one("#operator", Input).focus()

    def _show_seat(self) -> None:
        store = self.app.store
        text = f"本机坐席：{store.seat}" if store is not None else "正在打开本机数据库……"
        self.query_one("#signin-seat", Static).update(content(text))

    def action_next_role(self) -> None:
        if self.focused is not self.query_one("#operator", Input):
            return
        roles = self.query_one("#role", RadioSet)
        self.set_focus(roles)  # now, not later: the Enter typed right after must reach the roles
        roles.action_next_button()

    def _chosen_role_button(self) -> RadioButton | None:
        """The role just chosen, even when F5 comes in the same burst of keys as the Enter that
        chose it: the button is on at once, the set turns the old one off a moment later."""
        roles = self.query_one("#role", RadioSet)
        on = [b for b in roles.query(RadioButton) if b.value]
        newer = [b for b in on if b is not roles.pressed_button]
        return newer[0] if newer else roles.pressed_button

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_sign_in()

    def action_sign_in(self) -> None:
        operator = self.query_one("#operator", Input).value.strip()
        error = self.query_one("#signin-error", Static)
        if not operator:
            error.update(content("请输入工号"))
            error.add_class("-shown")
            self.query_one("#operator", Input).focus()
            return
        pressed = self._chosen_role_button()
        role = pressed.id.removeprefix("role-") if pressed else Role.AGENT.value
        trainee = self.query_one("#trainee", Input).value.strip()
        self.app.sign_in(operator, role, trainee)
