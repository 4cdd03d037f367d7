"""Helpers shared by sub-command modules."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import datetime

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
    # A lone surrogate (from input like "\\ud800") is written as its escape, not a crash; C1 controls
    # are written as \\u escapes, never sent to the terminal.
    text = _C1.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(obj, ensure_ascii=False, default=str))
    sys.stdout.write(text.encode("utf-8", "backslashreplace").decode("utf-8") + "\n")


def echo(line: str) -> None:
    """A line of text holding stored (caller, unit, centre) text: shown inert (console/domain/inert.py)."""
    print(inert(line))


def number_in(low: float, high: float, kind: type = int):
    """An argparse type: a number of `kind` within [low, high], else argparse's one-line refusal."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a{'n integer' if kind is int else ' number'}")
        if not low <= value <= high:  # also refuses nan
            raise argparse.ArgumentTypeError(f"{text} is out of range: expected {low:g} to {high:g}")
        return value

    return parse


def month_period(month: str) -> tuple[datetime, datetime]:
    """`--month YYYY-MM` as the period [start, end) the figures take; a bad month is one line."""
    from console.cli.errors import CliError
    from console.stats import period_of_month

    try:
        return period_of_month(month)
    except ValueError as exc:
        raise CliError(str(exc))
