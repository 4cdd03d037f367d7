"""留言队列: the written messages waiting at the centre (短信, 网站, 微信, Open311 …, issue 14).

Opened from the intake form (Alt+M). Enter takes the highlighted message (claimed at the centre,
so no other agent takes it) into the form with its text, number and address filled in; Alt+A
answers it directly: the reply goes back through the centre for the gateway to deliver. A message
on a same-day channel (短信, M-03) shows 今日须回复 or 已超时. Every network call runs in a worker.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from console.domain.privacy import CallerField, shown
from screens.safe import content
from screens.widgets.footer import StableFooter
from screens.widgets.worker_errors import ReportsWorkerErrors

DUE_TODAY, OVERDUE = "今日须回复", "已超时"


def due_label(reply_due: str | None, now_iso: str) -> str:
    """M-03: a same-day message's state against the wall clock (ISO text compares as time)."""
    if not reply_due:
        return ""
    return OVERDUE if now_iso > reply_due else DUE_TODAY


def message_line(m: dict, now_iso: str, role) -> str:
    who = m.get("sender_name") or shown(role, CallerField.PHONE, m.get("sender_phone") or "", False) or "未留姓名"
    due = due_label(m.get("reply_due"), now_iso)
    taken = f"  （{m['claimed_by']} 处理中）" if m.get("claimed_by") else ""
    text = " ".join((m.get("text") or "").split())
    return f"[{m['channel']}] {m['received_at'][5:16].replace('T', ' ')}  {who}  {due}{taken}\n  {text[:60]}"


class MessagesLoaded(Message):
    def __init__(self, messages: list[dict] | None, error: str = "") -> None:
        super().__init__()
        self.messages, self.error = messages, error


class MessageDone(Message):
    """A claim or a reply the centre answered: `taken` is the claimed message to fill the form with."""

    def __init__(self, error: str = "", taken: dict | None = None, answered: bool = False) -> None:
        super().__init__()
        self.error, self.taken, self.answered = error, taken, answered


class MessageQueue(ReportsWorkerErrors, ModalScreen[dict | None]):
    BINDINGS = [
        Binding("escape", "close", "关闭", id="messages_close"),
        Binding("enter", "take", "受理为工单", id="messages_take", priority=True),
        Binding("alt+a", "reply", "直接答复", id="messages_reply", priority=True),
    ]

    def __init__(self, client_factory, operator: str, role, clock) -> None:
        super().__init__()
        self.client_factory, self.operator, self.role, self.clock = client_factory, operator, role, clock
        self.messages: list[dict] = []
        self.replying: dict | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="message-queue"):
            yield Static(content("留言队列（读取中…）"), id="messages-title")
            yield OptionList(id="messages-list")
            yield Static("", id="messages-text")
            yield Input(placeholder="答复内容，回车发送", id="messages-reply", max_length=2000)
            yield Static("", id="messages-error", classes="field-error")
            yield StableFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one("#messages-reply", Input).display = False
        self.load()

    # -- the centre, in workers -------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="messages")
    def load(self) -> None:
        try:
            with self.client_factory() as client:
                self.post_message(MessagesLoaded(client.messages()["messages"]))
        except Exception as exc:  # noqa: BLE001 - shown on screen: offline, refused, not connected
            self.post_message(MessagesLoaded(None, _why(exc)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="message")
    def claim_and(self, m: dict, reply: str | None) -> None:
        try:
            with self.client_factory() as client:
                taken = client.claim_message(m["token"], self.operator)
                if reply is None:
                    self.post_message(MessageDone(taken=taken))
                else:
                    client.answer_message(m["token"], self.operator, reply)
                    self.post_message(MessageDone(answered=True))
        except Exception as exc:  # noqa: BLE001 - shown on screen (taken by another agent, offline)
            self.post_message(MessageDone(_why(exc)))

    @on(MessagesLoaded)
    def _loaded(self, event: MessagesLoaded) -> None:
        title = self.query_one("#messages-title", Static)
        if event.messages is None:
            title.update(content("留言队列"))
            self._say(f"读取留言失败：{event.error}")
            return
        self.messages = event.messages
        now_iso = self.clock().isoformat(timespec="seconds")
        due = sum(1 for m in self.messages if due_label(m.get("reply_due"), now_iso))
        title.update(content(f"留言队列：{len(self.messages)} 条" + (f"，{due} 条短信须当日回复" if due else "")))
        options = self.query_one("#messages-list", OptionList)
        options.clear_options()
        options.add_options([Option(content(message_line(m, now_iso, self.role)), id=m["token"])
                             for m in self.messages])
        if self.messages:
            options.highlighted = 0
            options.focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        m = self._current()
        self.query_one("#messages-text", Static).update(content(m["text"] if m else ""))

    @on(MessageDone)
    def _done(self, event: MessageDone) -> None:
        if event.error:
            self._say(event.error)
            self.load()
        elif event.taken is not None:
            self.dismiss(event.taken)
        elif event.answered:
            self.app.notify("已答复，答复将经原渠道送达", markup=False)
            self._end_reply()
            self.load()

    # -- keys --------------------------------------------------------------------------------

    def _current(self) -> dict | None:
        index = self.query_one("#messages-list", OptionList).highlighted
        return self.messages[index] if index is not None and index < len(self.messages) else None

    def action_take(self) -> None:
        if self.replying is not None:
            reply = self.query_one("#messages-reply", Input).value.strip()
            if not reply:
                self._say("请填写答复内容")
                return
            self.claim_and(self.replying, reply)
            return
        m = self._current()
        if m is None:
            self._say("没有可受理的留言")
            return
        self.claim_and(m, None)

    def action_reply(self) -> None:
        m = self._current()
        if m is None:
            self._say("没有可答复的留言")
            return
        self.replying = m
        box = self.query_one("#messages-reply", Input)
        box.display = True
        box.value = ""
        box.focus()

    def action_close(self) -> None:
        if self.replying is not None:
            self._end_reply()
            return
        self.dismiss(None)

    def _end_reply(self) -> None:
        self.replying = None
        self.query_one("#messages-reply", Input).display = False
        self.query_one("#messages-list", OptionList).focus()

    def _say(self, text: str) -> None:
        self.query_one("#messages-error", Static).update(content(text))


def _why(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:200]
