"""Helpers shared by sub-command modules."""

from __future__ import annotations

import argparse
import json
import sys


def add_data_dir(parser: argparse.ArgumentParser) -> None:
    """--data-dir accepted after the sub-command too (`hotline orders list --data-dir X`)."""
    parser.add_argument(
        "--data-dir",
        default=argparse.SUPPRESS,
        help="store directory (default: $HOTLINE_DATA_DIR or the platform data dir)",
    )


def print_json(obj) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, default=str) + "\n")
