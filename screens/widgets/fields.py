"""Form fields that never lose or misfile what the caller said.

- `FieldTextArea`: a TextArea without Textual's F-key bindings (F6 select line, F7 select all):
  F-keys are the console's own (desk jumps, form actions), so in this field they do what they do
  everywhere, and no key selects text that the next keystroke would replace.
- `OneLineInput`: an Input that keeps a multi-line paste whole, its lines joined (Textual's Input
  keeps only the first line), and says so; what does not fit the field's limit is named, not dropped
  unseen. Tabbing into it puts the cursor at the end instead of selecting everything (Textual's
  default), so the next key adds to what the caller said instead of replacing it.
- `set_pressed`: put a RadioSet on one button (or none) with the highlight on the same button, so
  the highlight and the stored value never disagree.
"""

from __future__ import annotations

import re

from textual import events
from textual.binding import Binding
from textual.widgets import Input, RadioButton, RadioSet, TextArea

_F_KEY = re.compile(r"f\d+")
JOIN = " "  # between the lines of a pasted address: keeps the boundary visible, adds no punctuation


def _without_f_keys(bindings) -> list[Binding]:
    kept = []
    for binding in bindings:
        keys = [k.strip() for k in binding.key.split(",")]
        rest = [k for k in keys if not _F_KEY.fullmatch(k)]
        if rest:
            kept.append(Binding(",".join(rest), binding.action, binding.description, show=binding.show,
                                key_display=binding.key_display, priority=binding.priority, id=binding.id))
    return kept


class FieldTextArea(TextArea, inherit_bindings=False):
    BINDINGS = _without_f_keys(TextArea.BINDINGS)


def joined_lines(text: str) -> tuple[str, int]:
    """(the pasted text on one line, how many non-empty lines it had)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return JOIN.join(lines), len(lines)


class OneLineInput(Input):
    def __init__(self, *args, select_on_focus: bool = False, **kwargs) -> None:
        super().__init__(*args, select_on_focus=select_on_focus, **kwargs)

    def _on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()  # Input's own handler would paste the first line again
        if not event.text:
            return
        text, count = joined_lines(event.text)
        selection = self.selection
        start, end = sorted((selection.start, selection.end))
        room = self.max_length - (len(self.value) - (end - start)) if self.max_length else len(text)
        kept, cut = text[: max(room, 0)], text[max(room, 0):]
        self.replace(kept, start, end)
        notes = []
        if count > 1:
            notes.append(f"粘贴的内容有 {count} 行，已合并为一行")
        if cut:
            notes.append(f"超出 {self.max_length} 字的限制，未粘贴的部分：{cut}")
        if notes:
            self.app.notify("；".join(notes), severity="warning" if cut else "information", markup=False,
                            timeout=10 if cut else 5)


def set_pressed(radio_set: RadioSet, button_id: str | None, highlight: int = 0) -> None:
    """Press `button_id` (None: no button) and put the highlight on it (else on `highlight`),
    without the RadioSet's own change messages: a RadioSet refuses to be cleared by its buttons."""
    buttons = list(radio_set.query(RadioButton))
    pressed = None
    with radio_set.prevent(RadioButton.Changed):
        for index, button in enumerate(buttons):
            button.value = button.id == button_id
            if button.value:
                pressed, highlight = button, index
    radio_set._pressed_button = pressed  # Textual keeps no public setter for "none pressed"
    radio_set._selected = highlight
