"""Loads the 录音质检 checklist (console/kb_data/qa_checklist.toml) into console.domain.qa.Checklist."""

from __future__ import annotations

import tomllib
from pathlib import Path

from console.domain.qa import Checklist
from console.errors import HotlineError
from console.paths import KB_DATA

CHECKLIST_FILE = KB_DATA / "qa_checklist.toml"


def load_checklist(path: Path = CHECKLIST_FILE) -> Checklist:
    try:
        return Checklist.from_dict(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, ValueError, TypeError) as exc:
        raise HotlineError(f"bad checklist {path}: {exc}") from None
