"""The seat's settings file, `<data dir>/config.toml` (all optional):

    hotline_name = "市长热线"
    cutoff_mode = "12h"            # R-23 county variant
    taxonomy = "/path/to/taxonomy.toml"
    [limits."投诉"]                 # R-26 per nature (a quoted key: TOML bare keys are ASCII)
    general = 5
    complex = 10
    [keys]                          # screen key remapping: binding id = "key"
    save_order = "f2"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec

from console.domain.scorecard import scorecard_problem
from console.domain.settings import DEFAULT_RULES, Rules
from console.errors import HotlineError

CONFIG_FILE = "config.toml"


class ConfigError(HotlineError, ValueError):
    pass


class Limits(msgspec.Struct, forbid_unknown_fields=True):
    """R-26 working days for one nature; a figure left out falls back to "default"."""

    general: Annotated[int, msgspec.Meta(ge=1, le=60)] | None = None
    complex: Annotated[int, msgspec.Meta(ge=1, le=120)] | None = None


class Ranking(msgspec.Struct, forbid_unknown_fields=True):
    """The ranking's weights per figure and peer group per unit kind; a table given replaces the
    shipped one (console/kb_data/ranking.toml)."""

    weights: dict[Literal["close_rate", "reply_rate", "satisfaction", "returns"],
                  Annotated[float, msgspec.Meta(ge=0, le=100)]] | None = None
    peer_groups: dict[Annotated[str, msgspec.Meta(min_length=1, max_length=16)],
                      Annotated[str, msgspec.Meta(min_length=1, max_length=20)]] | None = None


class ConfigFile(msgspec.Struct, forbid_unknown_fields=True):
    """Every key `config.toml` may hold, with its type and range: a misspelt key is an error."""

    hotline_name: Annotated[str, msgspec.Meta(min_length=1, max_length=20)] | None = None
    cutoff_mode: Literal["daily", "12h"] | None = None
    max_extension_days: Annotated[int, msgspec.Meta(ge=1, le=30)] | None = None
    callback_days: Annotated[int, msgspec.Meta(ge=1, le=30)] | None = None
    taxonomy: Annotated[str, msgspec.Meta(min_length=1, max_length=4096)] | None = None
    limits: dict[str, Limits] | None = None
    keys: dict[str, Annotated[str, msgspec.Meta(min_length=1, max_length=40)]] | None = None
    scorecard: dict[str, Annotated[int, msgspec.Meta(ge=0, le=100)]] | None = None
    ranking: Ranking | None = None


# The rule parameters a centre publishes (`hotline centre rules publish`): a seat given them by
# its centre uses them instead of its own config.toml's.
RULE_KEYS = ("cutoff_mode", "max_extension_days", "callback_days", "limits", "scorecard", "ranking")


def read_config(data_dir: Path) -> dict[str, Any]:
    """The settings file as a dict of the keys it sets, checked against ConfigFile: a wrong type,
    a value out of range or an unknown key is a ConfigError naming the key and its line."""
    path = Path(data_dir) / CONFIG_FILE
    if not path.exists():
        return {}
    return read_settings(path)


def read_rules_file(path: Path) -> dict[str, Any]:
    """A rules file to publish: config.toml's rule keys only (RULE_KEYS), checked the same way."""
    data = read_settings(Path(path))
    other = sorted(set(data) - set(RULE_KEYS))
    if other:
        raise ConfigError(f"{path}: {', '.join(other)} is not a rule the centre publishes "
                          f"(expected {', '.join(RULE_KEYS)})")
    rules_from_config(data)  # the same checks a seat makes when it reads them
    return data


def read_settings(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise ConfigError(f"no such file: {path}")
    try:
        source = path.read_text(encoding="utf-8")
        data = tomllib.loads(source)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror or exc}")
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"bad config file {path}: {exc}")
    try:
        msgspec.convert(data, ConfigFile, strict=True)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"bad config file {path}: {_explain(_name_dict_keys(str(exc), data), source)}")
    return data


_ENTRY_TYPES: dict[str, Any] = {"limits": Limits, "keys": Annotated[str, msgspec.Meta(min_length=1, max_length=40)]}


def _name_dict_keys(message: str, data: dict[str, Any]) -> str:
    """msgspec writes a table's own key as `[...]`: find which entry failed and name it."""
    for table, entry_type in _ENTRY_TYPES.items():
        marker = f"$.{table}[...]"
        if marker in message and isinstance(data.get(table), dict):
            for name, value in data[table].items():
                try:
                    msgspec.convert(value, entry_type, strict=True)
                except msgspec.ValidationError:
                    return message.replace(marker, f"$.{table}.{name}")
    return message


def _explain(message: str, source: str) -> str:
    """msgspec's message with the key's line: "line 3: max_extension_days: Expected `int`, got `str`"."""
    message = message.replace(" | null", "")  # every key is optional: "null" is not a choice to offer
    keys: list[str] = []
    if " - at `$." in message:
        message, at = message.split(" - at `$.", 1)
        keys = [k.strip("[]\"'") for k in at.rstrip("`").replace("[", ".").split(".") if k]
    unknown = re.search(r"unknown field `([^`]+)`", message)
    if unknown:
        keys.append(unknown.group(1))
    if not keys:
        return message
    line = _line_of(keys, source)
    where = f"line {line}: " if line else ""
    return f"{where}{'.'.join(keys)}: {message}"


def _line_of(keys: list[str], source: str) -> int | None:
    """The line that sets the last key, inside the table the keys before it name (best effort)."""
    table, key = keys[:-1], keys[-1]
    in_table = not table
    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("["):
            name = [part.strip().strip('"') for part in line.strip("[]").split(".")]
            in_table = name == table or (bool(table) and name == table[:-1] and key == table[-1])
            if name == table[: len(name)] and len(name) == len(table) + 1 and name[-1] == key:
                return number
            continue
        if in_table and re.match(rf'^"?{re.escape(key)}"?\s*=', line):
            return number
    return None


def rules_from_config(config: dict[str, Any], natures: tuple[str, ...] | None = None) -> Rules:
    rules = DEFAULT_RULES
    changes: dict[str, Any] = {}
    for key in ("hotline_name", "cutoff_mode", "max_extension_days", "callback_days"):
        if key in config:
            changes[key] = config[key]
    if "limits" in config:
        limits = dict(DEFAULT_RULES.limits)
        limits.update(config["limits"])
        changes["limits"] = limits
    if natures:
        changes["natures"] = tuple(natures)
    if "scorecard" in config:  # the whole card: a component not named weighs nothing
        bad = scorecard_problem(config["scorecard"])
        if bad:
            raise ConfigError(bad)
        changes["scorecard"] = dict(config["scorecard"])
    if changes.get("cutoff_mode", "daily") not in ("daily", "12h"):
        raise ConfigError("cutoff_mode must be 'daily' or '12h'")
    changes["ranking_weights"], changes["peer_groups"] = _ranking(config.get("ranking"))
    return replace(rules, **changes)


def _ranking(given: object) -> tuple[dict[str, float], dict[str, str]]:
    """The ranking's weights and peer groups: the shipped ones, each table replaced by the one
    config.toml or the centre's published rules give (checked here too: a published document is
    read without read_settings)."""
    from console.domain.ranking import FIGURE_KEYS
    from console.ranking_source import load_ranking

    weights, groups = load_ranking()
    if given is None:
        return weights, groups
    try:
        ranking = msgspec.convert(given, Ranking, strict=False)
    except msgspec.ValidationError as exc:
        raise ConfigError(f"bad ranking: {exc}") from None
    if ranking.weights is not None:
        weights = {k: float(v) for k, v in ranking.weights.items() if k in FIGURE_KEYS}
        if not any(w > 0 for w in weights.values()):
            raise ConfigError("bad ranking: at least one weight must be above 0")
    if ranking.peer_groups is not None:
        groups = dict(ranking.peer_groups)
    return weights, groups
