"""The seat's settings file, `<data dir>/config.toml` (all optional):

    hotline_name = "市长热线"
    cutoff_mode = "12h"            # R-23 county variant
    taxonomy = "/path/to/taxonomy.toml"
    [limits.投诉]                   # R-26 per nature
    general = 5
    complex = 10
    [keys]                          # screen key remapping: binding id = "key"
    save_order = "f2"
"""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path

from console.domain.settings import DEFAULT_RULES, Rules
from console.errors import HotlineError

CONFIG_FILE = "config.toml"


class ConfigError(HotlineError, ValueError):
    pass


def read_config(data_dir: Path) -> dict:
    path = Path(data_dir) / CONFIG_FILE
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"bad config file {path}: {exc}")


def rules_from_config(config: dict, natures: tuple[str, ...] | None = None) -> Rules:
    rules = DEFAULT_RULES
    changes = {}
    for key in ("hotline_name", "cutoff_mode", "max_extension_days", "callback_days"):
        if key in config:
            changes[key] = config[key]
    if "limits" in config:
        limits = dict(DEFAULT_RULES.limits)
        limits.update(config["limits"])
        changes["limits"] = limits
    if natures:
        changes["natures"] = tuple(natures)
    if changes.get("cutoff_mode", "daily") not in ("daily", "12h"):
        raise ConfigError("cutoff_mode must be 'daily' or '12h'")
    return replace(rules, **changes)
