"""Type-ahead picker: an Input with a short list of matches under it.

The source is a function `query -> [Choice]` (taxonomy classes, units, phrases, natures …) that
matches Chinese or pinyin initials. Up/Down move through the matches, Enter picks one, Escape
closes the list. The list never takes the focus: Tab moves on to the next field and typing
always reaches the input, even while the list is open. The chosen value is `picker.value` (None while nothing is picked); typing after a
pick clears it again, so the form never keeps a value the agent no longer sees.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, OptionList
from textual.widgets.option_list import Option

from screens.safe import content, field


@dataclass(frozen=True)
class Choice:
    value: Any
    label: str  # what the field shows once picked
    hint: str = ""  # shown after the label in the list (initials, phone …)


class Picker(Vertical):
    BINDINGS = [
        Binding("down", "move(1)", "下一项", show=False, id="picker_down"),
        Binding("up", "move(-1)", "上一项", show=False, id="picker_up"),
        Binding("escape", "close", "收起", show=False, id="picker_close"),
    ]

    class Picked(Message):
        def __init__(self, picker: Picker, choice: Choice | None) -> None:
            super().__init__()
            self.picker = picker
            self.choice = choice

        @property
        def control(self) -> Picker:
            return self.picker

    def __init__(self, source: Callable[[str], list[Choice]], placeholder: str = "", limit: int = 8,
                 show_all_on_focus: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.placeholder = placeholder
        self.limit = limit
        self.show_all_on_focus = show_all_on_focus
        self.value: Any = None
        self._choices: list[Choice] = []
        self._label: str | None = None  # the text shown for the picked value

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.placeholder, classes="picker-input", compact=True)
        matches = OptionList(classes="picker-list")
        matches.can_focus = False  # no Tab stop: Tab leaves the field, letters always go to the input
        yield matches

    @property
    def input(self) -> Input:
        return self.query_one(Input)

    @property
    def options(self) -> OptionList:
        return self.query_one(OptionList)

    @property
    def text(self) -> str:
        return self.input.value

    def focus(self, scroll_visible: bool = True):  # focusing the picker focuses its input
        self.input.focus(scroll_visible)
        return self

    def choose(self, choice: Choice | None) -> None:
        """Set the picked value programmatically (drafts, a transfer filled in from three-way)."""
        self.value = None if choice is None else choice.value
        self._label = None if choice is None else choice.label
        self.input.value = "" if choice is None else field(choice.label)
        self.input.cursor_position = len(self.input.value)
        self._close()

    def _refresh(self, query: str) -> None:
        self._choices = self.source(query)[: self.limit] if (query.strip() or self.show_all_on_focus) else []
        options = self.options
        options.set_options(
            [Option(content(f"{c.label}  {c.hint}".rstrip())) for c in self._choices]
        )
        options.set_class(bool(self._choices), "-open")
        if self._choices:
            options.highlighted = 0

    def _close(self) -> None:
        self._choices = []
        self.options.clear_options()
        self.options.remove_class("-open")

    @on(Input.Changed, ".picker-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if self._label is not None and event.value == self._label:
            return  # the echo of a pick, not typing
        self._label = None
        if self.value is not None:
            self.value = None
            self.post_message(self.Picked(self, None))
        if self.input.has_focus:
            self._refresh(event.value)

    @on(Input.Submitted, ".picker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        index = self.options.highlighted
        if self._choices and index is not None:
            event.stop()
            self._pick(self._choices[index])

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._choices):
            self._pick(self._choices[event.option_index])

    def _pick(self, choice: Choice) -> None:
        self.choose(choice)
        self.post_message(self.Picked(self, choice))

    def on_descendant_focus(self) -> None:
        if self.value is None and self.show_all_on_focus:
            self._refresh(self.input.value)

    def on_descendant_blur(self) -> None:
        self.call_after_refresh(self._close_unless_focused)

    def _close_unless_focused(self) -> None:
        if self.is_mounted and self.query(OptionList) and not self.has_focus_within:
            self._close()

    def action_move(self, step: int) -> None:
        if not self._choices:
            if self.input.value.strip() or self.show_all_on_focus:
                self._refresh(self.input.value)
                return
            raise SkipAction()  # Up/Down mean nothing here: let the screen have them
        current = self.options.highlighted or 0
        self.options.highlighted = (current + step) % len(self._choices)

    def action_close(self) -> None:
        if not self._choices:
            raise SkipAction()  # let Escape reach the screen (close a dialog)
        self._close()
