"""Suggestions learned from history (console.routing) as the desks show them: the dispatch desk's
lead units and the intake form's content class, each with the words that led to it. Run in a
worker (they read a model file and segment the text)."""

from __future__ import annotations

from textual import work
from textual.timer import Timer
from textual.widgets import Static

from screens.safe import content

HINT_DELAY = 0.6  # after the description stops changing


def unit_suggestions(store, description: str, address: str, nature: str) -> str:
    """'城管局（U002，依据：油烟、饭店）、…' learned, or the directory's keyword matches while the
    history is thin (the text says which)."""
    from console.routing.suggest import suggest

    result = suggest(store.path, description, address, nature, store.unit_directory(), k=3)
    if result.unit_source != "history":  # as the desk shows them before the learned ones come
        return "、".join(f"{s.name}（{s.label}）" for s in result.units)
    parts = []
    for s in result.units:
        why = f"，依据：{'、'.join(s.words)}" if s.words else ""
        parts.append(f"{s.name or s.label}（{s.label} {s.score:.0%}{why}）")
    return "、".join(parts) + "  〔据历史工单〕" if parts else ""


def class_suggestion(store, description: str, address: str, nature: str) -> str:
    from console.routing.suggest import suggest

    result = suggest(store.path, description, address, nature, (), k=3)
    if result.class_source != "history" or not result.classes:
        return ""
    best = result.classes[0]
    why = f"（依据：{'、'.join(best.words)}）" if best.words else ""
    others = "、".join(s.label for s in result.classes[1:])
    return f"建议分类：{best.label} {best.score:.0%}{why}" + (f"；其次 {others}" if others else "")


class ClassHint(Static):
    """One line under the form's 内容分类: the class orders like this one got (learned); empty
    while the seat has no model. `schedule(description, address, nature)` after each change."""

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self._timer: Timer | None = None
        self._pending: tuple[str, str, str] = ("", "", "")

    def schedule(self, description: str, address: str, nature: str = "") -> None:
        self._pending = (description, address, nature)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(HINT_DELAY, self._start)

    def _start(self) -> None:
        self._timer = None
        description, address, nature = self._pending
        store = getattr(self.app, "store", None)
        if store is None or len(description.strip()) < 4:
            self._show(description, "")
            return
        self._lookup(store, description, address, nature)

    @work(thread=True, group="class-hint", exit_on_error=False)  # not exclusive: a cancelled worker fails a wait; a late answer is dropped by _show
    def _lookup(self, store, description: str, address: str, nature: str) -> None:
        text = class_suggestion(store, description, address, nature)
        self.app.call_from_thread(self._show, description, text)

    def _show(self, description: str, text: str) -> None:
        if description == self._pending[0]:
            self.update(content(text))
            self.set_class(bool(text), "-shown")  # no empty line in the form while there is nothing to say
