"""F1: every key active on the current screen and the global jumps, with its binding id (the name
to use in config.toml [keys] to remap it)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from screens.safe import content
from screens.widgets.footer import StableFooter


def pad(text: str, width: int) -> str:
    """Left-align in terminal cells (CJK characters take two)."""
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def key_label(app, key: str) -> str:
    """"f5" -> "F5", "alt+h" -> "Alt+H", "d" -> "d": how docs/keyboard.md and the help name keys
    (a bare letter stays lower case: "D" would read as Shift+D)."""
    parts = key.split("+")
    if len(parts) == 1 and len(key) == 1:
        return key
    return "+".join(p.upper() if len(p) == 1 or (p[0] == "f" and p[1:].isdigit()) else p.capitalize() for p in parts)


def raw_key(app, binding_id: str, default: str) -> str:
    """The key that runs `binding_id` now ("f8"), a [keys] remap in config.toml included."""
    keymap = getattr(app, "_keymap", None) or {}
    return (keymap.get(binding_id) or default).split(",")[0].strip()


def bound_key(app, binding_id: str, default: str) -> str:
    """The key that runs `binding_id` now, as the help names it: a [keys] remap in config.toml
    changes what on-screen hints say, not only what the key does."""
    return key_label(app, raw_key(app, binding_id, default))


def binding_rows(app, screen) -> list[tuple[str, str, str]]:
    """(key, description, id) for each binding the user can press on `screen`, screen keys first."""
    rows = []
    seen = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or not binding.id or binding.id in seen:
            continue
        seen.add(binding.id)
        rows.append((key_label(app, key), binding.description, binding.id or ""))
    return rows


class KeysHelp(ModalScreen[None]):
    BINDINGS = [Binding("escape", "dismiss_help", "关闭", id="help_close")]

    def __init__(self, rows: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        with Vertical(id="keys-help"):
            yield Static(content("按键一览（可在 config.toml 的 [keys] 中按编号改键）"), id="keys-help-title")
            with VerticalScroll():
                for key, description, binding_id in self.rows:
                    yield Static(content(f"{pad(key, 10)} {pad(description, 12)} {binding_id}"), classes="keys-help-row")
            yield StableFooter(compact=True)

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
