"""上岗登录: operator id, password, role and (for trainees) the trainee number. The seat checks the
password itself (console/store/accounts.py), offline too; the role picker offers only the roles
the operator holds and the seat is enrolled for. The app then opens the role's desk."""

from __future__ import annotations

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from console.domain.roles import ROLE_LABELS, Role
from console.domain.signin import SIGN_IN_ROLES, Verdict
from console.wire.passwords import PASSWORD_MAX
from screens.safe import content
from screens.widgets.footer import StableFooter
from screens.widgets.status_header import StatusHeader

ROLES = SIGN_IN_ROLES
_SHORT = {Role.AGENT: "受理", Role.DISPATCHER: "转办", Role.LEAD: "班长", Role.CALLBACK: "回访", Role.SUPERVISOR: "督办"}


class OperatorInput(Input):
    """The id field. Enter is handled as its key comes, in the order the keys were typed (after
    the id's letters); keys typed ahead of the focus move to the password are passed on to it."""

    moved_on = False

    def action_next_field(self) -> None:
        screen = self.screen
        if isinstance(screen, SignInScreen):
            screen.enter_in_operator(self)

    def on_focus(self) -> None:
        self.moved_on = False

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter" and not self.moved_on:
            # here, in the order the keys were typed: a binding would run only after the event
            # bubbled up to the app, when the keys typed after Enter were already in this field
            event.prevent_default()
            event.stop()
            self.action_next_field()
            return
        if self.moved_on and self.screen.focused is not self:
            event.prevent_default()  # typed ahead of the focus move: it belongs to the password
            event.stop()
            password = self.screen.query_one("#password", Input)
            password.post_message(events.Key(event.key, event.character))


class SignInScreen(Screen):
    BINDINGS = [
        Binding("f5", "sign_in", "登录", id="sign_in"),
        # ↓ in the id or password field goes on to the next role the operator holds; a priority
        # binding, so it moves the focus as the key arrives (the id typed before it still lands
        # in the id, the Enter typed after it in the roles)
        Binding("down", "next_role", "下一岗位", id="sign_in.next_role", show=False, priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield StatusHeader()
        with Vertical(id="signin"):
            yield Static(content("上岗登录"), id="signin-title")
            with Horizontal(classes="row"):
                yield Label("工号", classes="field-label")
                yield OperatorInput(placeholder="操作员工号", id="operator", max_length=20, compact=True,
                                    restrict=r"[A-Za-z0-9_-]*")
            with Horizontal(classes="row"):
                yield Label("密码", classes="field-label")
                yield Input(placeholder="密码", id="password", password=True, max_length=PASSWORD_MAX, compact=True)
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
            yield Static("", id="signin-hint")
        yield StableFooter(compact=True)

    def on_mount(self) -> None:
        self._accounts = None  # console.store.accounts.SeatAccounts, read once the store is open
        self._waiting = False  # F5 came before the store was open: sign in when it is
        self.query_one("#operator", Input).focus()
        self.set_interval(0.5, self._show_seat)
        self._show_seat()

    def reset(self) -> None:
        """Blank again for the next operator (after a sign-out); re-read the accounts."""
        for field in ("#operator", "#password", "#trainee"):
            self.query_one(field, Input).value = ""
        self._accounts = None
        self._offer_roles("")
        self._error("")
        self.query_one("#operator", Input).focus()

    def _load_accounts(self):
        store = self.app.store
        if self._accounts is None and store is not None:
            from console.store.accounts import demo_hint, read_accounts

            self._accounts = read_accounts(store)
            self.query_one("#signin-hint", Static).update(content(_hint(self._accounts, demo_hint(store))))
            self._offer_roles(self.query_one("#operator", Input).value.strip())
        return self._accounts

    def _show_seat(self) -> None:
        store = self.app.store
        text = f"本机坐席：{store.seat}" if store is not None else "正在打开本机数据库……"
        self.query_one("#signin-seat", Static).update(content(text))
        self._load_accounts()

    def on_store_ready(self, _message) -> None:
        self._show_seat()
        if self._waiting:
            self._waiting = False
            self.action_sign_in()

    # -- the role picker ---------------------------------------------------------------------

    @on(Input.Changed, "#operator")
    def _operator_changed(self, event: Input.Changed) -> None:
        self._offer_roles(event.value.strip())

    def _offer_roles(self, operator: str) -> None:
        """Only the operator's roles this seat is enrolled for; the first of them chosen when the
        chosen one is not among them."""
        accounts = self._accounts
        offered = accounts.roles_of(operator) if accounts is not None and operator else ROLES
        buttons = {role: self.query_one(f"#role-{role.value}", RadioButton) for role in ROLES}
        for role, button in buttons.items():
            button.display = role in offered
            button.disabled = role not in offered
        chosen = self._chosen_role_button()
        if offered and (chosen is None or chosen.disabled):
            buttons[offered[0]].value = True

    def action_next_role(self) -> None:
        if self.focused not in (self.query_one("#operator", Input), self.query_one("#password", Input)):
            raise SkipAction()  # ↓ in the role list moves there as usual
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

    # -- signing in --------------------------------------------------------------------------

    def enter_in_operator(self, operator: OperatorInput) -> None:
        """Enter after the id goes on to the password (or signs in when it is typed already)."""
        password = self.query_one("#password", Input)
        if operator.value.strip() and not password.value:
            self.set_focus(password)  # at once: the next key typed belongs to the password
            operator.moved_on = True
        else:
            self.action_sign_in()

    @on(Input.Submitted, "#password, #trainee")
    def _submitted(self, _event: Input.Submitted) -> None:
        self.action_sign_in()

    def _error(self, text: str, focus: str | None = None) -> None:
        error = self.query_one("#signin-error", Static)
        error.update(content(text))
        error.set_class(bool(text), "-shown")
        if focus:
            self.query_one(focus, Input).focus()

    def action_sign_in(self) -> None:
        operator = self.query_one("#operator", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not operator:
            self._error("请输入工号", "#operator")
            return
        if not password:
            self._error("请输入密码", "#password")
            return
        if self.app.store is None:
            self._waiting = True
            self._error("正在打开本机数据库，打开后自动登录……")
            return
        pressed = self._chosen_role_button()
        role = Role(pressed.id.removeprefix("role-")) if pressed and pressed.id else Role.AGENT
        trainee = self.query_one("#trainee", Input).value.strip()
        self._error("")  # the last try's message goes: what shows next is this try's answer
        self._check(operator, password, role, trainee)

    @work(thread=True, exclusive=True, group="signin")
    def _check(self, operator: str, password: str, role: Role, trainee: str) -> None:
        """The password check takes tens of milliseconds (scrypt): off the UI thread."""
        from console.store.accounts import try_sign_in

        verdict = try_sign_in(self.app.store, operator, password)
        self.app.call_from_thread(self._checked, operator, role, trainee, verdict)

    def _checked(self, operator: str, role: Role, trainee: str, verdict: Verdict) -> None:
        self.query_one("#password", Input).value = ""
        if not verdict.ok:
            self._error(verdict.message, "#password")
            return
        if role not in verdict.roles:
            self._offer_roles(operator)
            self._error(f"该工号在本坐席没有{ROLE_LABELS[role]}岗位，请重新选择", "#password")
            return
        self._error("")
        self.app.sign_in(operator, role.value, trainee)


def _hint(accounts, demo: dict | None) -> str:
    """What the form says under the seat line: who can sign in here."""
    if demo:
        first_of_each: dict[str, str] = {}  # one operator per set of roles keeps the line short
        for op, roles in demo["operators"]:
            first_of_each.setdefault(roles, op)
        who = "、".join(f"{op}（{'/'.join(_SHORT[r] for r in sorted_roles(roles))}）" for roles, op in first_of_each.items())
        return f"演示库工号：{who}，密码 {demo['password']}"
    if accounts.has_centre_accounts:
        return ""
    if accounts.local_admin is not None:
        return f"本机尚未从中心取得操作员账号：只有本机管理员 {accounts.local_admin.operator} 可以登录"
    return "本机没有可登录的操作员：请在本机运行 hotline seat local-admin，或连接中心并同步"


def sorted_roles(roles: str) -> list[Role]:
    from console.domain.signin import parse_roles

    parsed = parse_roles(roles)
    return [r for r in ROLES if r in parsed]
