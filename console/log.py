"""The data dir's log: one rotating file per process kind (`seat.log`, `centre.log`).

What goes in is what an operator needs the next morning: failures, with their traceback, and the
few events that explain them (sync offline/online, a worker's error). Nothing personal and no token
goes in: records pass a filter that masks phone-like digit runs, ID-card numbers and bearer tokens,
whatever a caller of `log` put in the message.
"""

from __future__ import annotations

import logging
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOGGER = "hotline"
LOG_FILES = {"seat": "seat.log", "centre": "centre.log"}
MAX_BYTES = 2_000_000
BACKUPS = 5

# 7+ digits in a row (phones, ID cards), optional X at the end; tokens after "Bearer" or "token=".
_DIGITS = re.compile(r"\d{7,}[Xx]?")
_TOKEN = re.compile(r"(?i)(bearer\s+|token[=:]\s*)[A-Za-z0-9._~+/=-]+")


def redact(text: str) -> str:
    text = _TOKEN.sub(lambda m: m.group(1) + "[token]", text)
    return _DIGITS.sub(lambda m: m.group(0)[:3] + "****", text)


class RedactingFormatter(logging.Formatter):
    """Masks what must not reach the file in the message and in the traceback alike."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def log(name: str = "") -> logging.Logger:
    return logging.getLogger(f"{LOGGER}.{name}" if name else LOGGER)


def setup_logging(data_dir: Path, kind: str = "seat") -> Path | None:
    """Attach the rotating file to the `hotline` logger; idempotent. Returns the file, or None when
    the directory cannot be written (the process still runs; stderr says why once)."""
    root = logging.getLogger(LOGGER)
    path = Path(data_dir) / LOG_FILES[kind]
    for handler in list(root.handlers):  # one file per process: a later data dir replaces it
        if isinstance(handler, RotatingFileHandler):
            if Path(handler.baseFilename) == path.resolve():
                return path
            root.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
    except OSError as exc:
        import sys

        print(f"hotline: cannot write the log {path}: {exc.strerror or exc}", file=sys.stderr)
        return None
    handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    root.propagate = False
    return path


# Without a file (a one-shot command with no data dir yet) records go nowhere rather than to
# stderr, where they would garble a full-screen console.
logging.getLogger(LOGGER).addHandler(logging.NullHandler())
