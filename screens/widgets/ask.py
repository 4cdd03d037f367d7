"""A yes/no question that one key answers: the key that asked (pressed again) or Enter does it,
Esc keeps everything as it was. Used before a key would drop a call in progress (F8, F10)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from screens.safe import content
from screens.widgets.footer import StableFooter
from screens.widgets.keys_help import key_label


class AskModal(ModalScreen[bool]):
    DEFAULT_CSS = """
    AskModal { align: center middle; }
    AskModal #ask-box { width: 70; max-width: 100%; height: auto; border: thick $warning;
                        background: $surface; padding: 1 2; }
    AskModal #ask-question { text-style: bold; color: $warning; }
    """
    BINDINGS = [
        Binding("enter", "answer(True)", "确认", id="ask.yes"),
        Binding("escape", "answer(False)", "保留", id="ask.no"),
    ]

    def __init__(self, question: str, detail: str, yes_label: str, again: str) -> None:
        """`again`: the key that asked ("f8"), as bound now (a remap in config.toml counts)."""
        super().__init__()
        self.question, self.detail, self.yes_label = question, detail, yes_label
        self.again_key = key_label(None, again)
        self._bindings.bind(again, "answer(True)", yes_label, show=False)

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-box"):
            yield Label(content(self.question), id="ask-question")
            yield Static(content(self.detail), id="ask-detail")
            yield Static(content(f"{self.again_key} 或 Enter：{self.yes_label}    Esc：返回，内容保留"), id="ask-keys")
        yield StableFooter(compact=True)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
