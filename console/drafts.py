"""Drafts of unsaved forms: nothing an agent typed is lost on an error, a crash or a screen switch.

A draft is a flat JSON object kept in `<data dir>/drafts/<name>.json`. Writes are atomic (a
temporary file in the same directory, fsync, os.replace), so a crash mid-write leaves the previous
draft intact. Debouncing is the caller's business (the screen writes at most every half second).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

DRAFTS_DIR = "drafts"


class Drafts:
    def __init__(self, data_dir: Path | str, name: str):
        self.directory = Path(data_dir) / DRAFTS_DIR
        self.path = self.directory / f"{name}.json"

    def save(self, fields: dict) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        data = json.dumps(fields, ensure_ascii=False, sort_keys=True)
        fd, tmp = tempfile.mkstemp(prefix=self.path.name, suffix=".tmp", dir=self.directory)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise

    def load(self) -> dict | None:
        """The saved draft, or None when there is none (or it is unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def clear(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass


_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,20}")


def draft_name(form: str, operator: str) -> str:
    """One draft per form and operator (one operator never sees another's unsaved call); an id
    that is not a plain file name (it is typed at sign-in) is written as hex."""
    safe = operator if _SAFE_ID.fullmatch(operator) else "x" + operator.encode("utf-8").hex()
    return f"{form}-{safe}"


def is_blank(fields: dict, defaults: tuple[str, ...] = ()) -> bool:
    """True when a draft holds nothing the agent typed or ticked: keys starting with "_" and the
    keys in `defaults` (values the form sets by itself) do not count; a ticked box does."""
    return not any((isinstance(v, str) and v.strip()) or v is True for k, v in fields.items()
                   if not k.startswith("_") and k not in defaults)
