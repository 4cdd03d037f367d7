"""Loads the order channels (console/kb_data/channels.toml) into console.domain.channels.Channels."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

from console.domain.channels import Channels
from console.paths import KB_DATA

CHANNELS_FILE = KB_DATA / "channels.toml"


def load_channels(path: str | Path | None = None) -> Channels:
    """Raises OSError, tomllib.TOMLDecodeError or ValueError (a nameless or twice-listed channel)."""
    with open(Path(path) if path else CHANNELS_FILE, "rb") as fh:
        return Channels.from_dict(tomllib.load(fh))


@cache
def shipped_channels() -> Channels:
    """The shipped list, read once."""
    return load_channels()
