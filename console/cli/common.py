"""Helpers shared by sub-command modules."""

from __future__ import annotations

import argparse
import json
import re
import sys

from console.domain.inert import inert

# json.dumps escapes C0 itself; with ensure_ascii=False it leaves C1 (0x80-0x9f, 0x9b = CSI) raw.
_C1 = re.compile(r"[\x7f-\x9f]")


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    """--data-dir accepted after the sub-command too (`hotline orders list --data-dir X`)."""
    parser.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="store directory (default: $HOTLINE_DATA_DIR or the platform data dir)",
    )


def print_json(obj) -> None:
    text = json.dumps(obj, ensure_ascii=False, default=str)
    sys.stdout.write(_C1.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def echo(line: str) -> None:
    """A line of text holding stored (caller, unit, centre) text: shown inert (console/domain/inert.py)."""
    print(inert(line))
