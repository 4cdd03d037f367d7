"""The standard-phrasing panel (R-40..R-44): the line for this moment of the call, a call timer
and a hold timer. On hold, at 30 s and every 30 s after, the panel demands the hold phrase
(R-42) until the agent confirms it was said.

Time comes from an injected monotonic clock so tests can run with a fixed or stepped clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from console.domain.phrasing import Phrasebook, PhraseContext
from screens.widgets.call_recorder import CallRecorder
from screens.widgets.choices import PHRASE_LABELS
from screens.widgets.slots import show as show_text

HOLD_REMINDER_SECONDS = 30

COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙", "宇文", "司徒", "夏侯",
)


def surname_of(name: str) -> str:
    name = (name or "").strip()
    for compound in COMPOUND_SURNAMES:
        if name.startswith(compound):
            return compound
    return name[:1]


def mmss(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class PhrasingPanel(Vertical):
    """Call `start_call()` on a new call, `show(key)` to move to a moment of the call,
    `set_caller()` as name/title become known, `toggle_hold()` for R-42, and `said()` when the
    agent confirms the line (the hold phrase on hold, R-42; otherwise the line shown)."""

    def __init__(self, book: Phrasebook, clock: Callable[[], float] | None = None, trainee_no: str = "",
                 holiday: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.book = book
        self.clock = clock or time.monotonic
        self.trainee_no = trainee_no
        self.holiday = holiday
        self.surname = ""
        self.title = ""
        self.key = "greeting"
        self.call_started = self.clock()
        self.hold_started: float | None = None
        self.hold_last_said = 0.0  # seconds into the hold when the agent last spoke
        self.recorder = CallRecorder(self.clock)  # what the quality inspection is told of the call
        self.said_key = ""  # the line shown now that the agent confirmed saying ("" while not)

    def compose(self) -> ComposeResult:
        with Horizontal(id="phrase-timers"):
            yield Static("", id="call-timer")
            yield Static("", id="hold-timer")
        yield Static("", id="phrase-label")
        yield Static("", id="phrase-line")

    def on_mount(self) -> None:
        self.set_interval(1, self.refresh_panel)
        self.refresh_panel()

    # -- state changes ----------------------------------------------------------------------

    def start_call(self, elapsed: float = 0.0, marks: list | None = None) -> None:
        """A new call; a call recovered from a draft goes on with its `marks` and `elapsed` seconds
        (the timer and the log keep counting), on the line it last showed."""
        self.call_started = self.clock() - max(0.0, elapsed)
        self.hold_started = None
        self.surname = self.title = ""
        self.said_key = ""
        self.recorder.start(elapsed, marks or ())
        shown = [m.key for m in self.recorder.marks if m.what == "shown"]
        if shown:
            self.key = shown[-1]
            self.refresh_panel()
        else:
            self.show("greeting")

    def set_caller(self, name: str, title: str) -> None:
        self.surname, self.title = surname_of(name), title or ""
        self.refresh_panel()

    def show(self, key: str) -> None:
        if key != self.key:
            self.said_key = ""
        self.key = key
        self.recorder.mark("shown", key)
        self.refresh_panel()

    def toggle_hold(self) -> None:
        if self.hold_started is None:
            self.hold_started = self.clock()
            self.hold_last_said = 0.0
            self.key, self.said_key = "ask_wait", ""
            self.recorder.mark("hold_on")
        else:
            self.hold_started = None
            self.key, self.said_key = "after_wait", ""
            self.recorder.mark("hold_off")
        self.refresh_panel()

    def said(self) -> None:
        """The agent said the panel's line (Alt+H): on hold, the hold phrase (the 30-second
        reminder starts again, R-42); otherwise the line shown (greeting, surname, closing …),
        marked once per line shown."""
        if self.hold_started is not None:
            self.hold_last_said = self.clock() - self.hold_started
            self.said_key = self.key
            self.recorder.mark("hold_said")
        elif self.said_key != self.key:
            self.said_key = self.key
            self.recorder.mark("said", self.key)
        self.refresh_panel()

    # -- reading ----------------------------------------------------------------------------

    @property
    def on_hold(self) -> bool:
        return self.hold_started is not None

    @property
    def hold_due(self) -> bool:
        if self.hold_started is None:
            return False
        return self.clock() - self.hold_started - self.hold_last_said >= HOLD_REMINDER_SECONDS

    def context(self) -> PhraseContext:
        return self.book.context(surname=self.surname or None, title=self.title or None,
                                 trainee_no=self.trainee_no or None, holiday=self.holiday)

    def line(self) -> str:
        key = "hold_prompt" if self.hold_due else self.key
        if key == "greeting":
            return self.book.greeting(self.context())
        return self.book.render(key, self.context())

    def ack_key(self) -> str:
        """The key bound to "hold_said" (Alt+H: the line was said; remappable in config.toml), as the
        help names it."""
        from screens.widgets.keys_help import bound_key

        return bound_key(self.app, "hold_said", "alt+h")

    def refresh_panel(self) -> None:
        if not self.is_mounted:
            return
        now = self.clock()
        due = self.hold_due
        show_text(self.query_one("#call-timer", Static), f"通话 {mmss(now - self.call_started)}")
        hold = self.query_one("#hold-timer", Static)
        if self.hold_started is None:
            show_text(hold, "未保持")
        else:
            show_text(hold, f"保持 {mmss(now - self.hold_started)}")
        hold.set_class(self.hold_started is not None, "-holding")
        hold.set_class(due, "-due")
        key = "hold_prompt" if due else self.key
        label = f"【{PHRASE_LABELS.get(key, (key, ''))[0]}】"
        if due:
            label = f"【请立即说（保持已 {int(now - self.hold_started)} 秒，说完按 {self.ack_key()}）】"
        elif self.said_key == self.key:
            label += "✓ 已说"
        else:
            label += f"说完按 {self.ack_key()}"
        show_text(self.query_one("#phrase-label", Static), label)
        show_text(self.query_one("#phrase-line", Static), self.line())
        self.set_class(due, "-due")
