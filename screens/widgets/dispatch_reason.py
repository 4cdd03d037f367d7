"""Small modal dialogs of the desks: pick or type a reason; confirm with a preview.

Both take a `submit` callback that records the action and returns the store's Recorded: a
rejection keeps the dialog open with the reason shown, so nothing is lost and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.desk_style import DESKS_TCSS
from screens.safe import content, field, plain


class CommandModal(ModalScreen[bool]):
    """A dialog that records one command: closes when it was recorded, otherwise says why (in
    #modal-status) and stays open with everything typed still there."""

    def finish(self, result) -> None:
        """Close on a recorded command, else show why; a command still being recorded
        (a desk's PendingCommand) answers here when the store does."""
        if hasattr(result, "then") and getattr(result, "result", None) is None:
            result.then(self.finish)
            return
        result = getattr(result, "result", None) or result
        if not self.is_attached:  # closed (Esc) while the store was answering: the desk shows it
            return
        if getattr(result, "ok", False):
            self.dismiss(True)
            return
        status = self.query_one("#modal-status", Static)
        status.update(content(f"未执行：{getattr(result, 'reason', '')}"))
        status.add_class("-error")

    def action_cancel(self) -> None:
        self.dismiss(False)


class ReasonModal(CommandModal):
    """A list of standard reasons and an input: Enter in the input submits what is typed (or the
    highlighted reason when the input is empty); ↑↓ pick a standard reason."""

    CSS_PATH = DESKS_TCSS
    BINDINGS = [
        Binding("escape", "cancel", "取消", id="reason.cancel"),
        Binding("up", "move(-1)", "上一条", id="reason.up", show=False),
        Binding("down", "move(1)", "下一条", id="reason.down", show=False),
    ]

    def __init__(self, title: str, reasons: Sequence[str], submit: Callable[[str], object],
                 preview: str = "", placeholder: str = "输入原因，或用↑↓选择后回车", value: str = "") -> None:
        super().__init__()
        self.title_text, self.reasons, self.submit, self.preview = title, list(reasons), submit, preview
        self.placeholder, self.initial = placeholder, value

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box"):
            yield Label(content(self.title_text), id="modal-title")
            if self.preview:
                yield Static(content(self.preview), id="modal-preview")
            yield OptionList(*[Option(plain(r), id=str(i)) for i, r in enumerate(self.reasons)], id="modal-options")
            yield Input(value=field(self.initial), placeholder=self.placeholder, id="modal-input")
            yield Static("", id="modal-status")
        yield Footer()

    def on_mount(self) -> None:
        options = self.query_one("#modal-options", OptionList)
        options.display = bool(self.reasons)
        if self.reasons:
            options.highlighted = 0
        self.query_one("#modal-input", Input).focus()

    def action_move(self, step: int) -> None:
        options = self.query_one("#modal-options", OptionList)
        if self.reasons:
            current = options.highlighted if options.highlighted is not None else -step
            options.highlighted = (current + step) % len(self.reasons)
            self.query_one("#modal-input", Input).value = field(self.reasons[options.highlighted])

    @on(OptionList.OptionSelected, "#modal-options")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._submit(self.reasons[int(event.option.id)])

    @on(Input.Submitted, "#modal-input")
    def _typed(self, event: Input.Submitted) -> None:
        typed = event.value.strip()
        highlighted = self.query_one("#modal-options", OptionList).highlighted
        if not typed and self.reasons and highlighted is not None:
            typed = self.reasons[highlighted]  # nothing typed: the highlighted standard reason
        self._submit(typed)

    def _submit(self, reason: str) -> None:
        result = self.submit(reason)
        self.finish(result)


class ConfirmModal(CommandModal):
    """Shows what will happen (e.g. the new deadline) and records it on Enter."""

    CSS_PATH = DESKS_TCSS
    BINDINGS = [
        Binding("enter", "confirm", "确认", id="confirm.ok"),
        Binding("escape", "cancel", "取消", id="confirm.cancel"),
    ]

    def __init__(self, title: str, preview: str, submit: Callable[[], object]) -> None:
        super().__init__()
        self.title_text, self.preview, self.submit = title, preview, submit

    def compose(self) -> ComposeResult:
        with Vertical(id="modal-box"):
            yield Label(content(self.title_text), id="modal-title")
            yield Static(content(self.preview), id="modal-preview")
            yield Static("", id="modal-status")
        yield Footer()

    def action_confirm(self) -> None:
        result = self.submit()
        self.finish(result)

