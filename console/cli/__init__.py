"""`hotline` command line: one module per sub-command group, each with `register(sub)`."""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from console.cli.errors import CliError
from console.errors import HotlineError

# Sub-command modules; each defines register(subparsers) and sets `func` on its parsers.
COMMAND_MODULES = [
    "console.cli.store_cmd",
    "console.cli.orders_cmd",
    "console.cli.events_cmd",
    "console.cli.calendar_cmd",
    "console.cli.taxonomy_cmd",
    "console.cli.kb_cmd",
    "console.cli.sync_cmd",
    "console.cli.centre_cmd",
    "console.cli.unit_cmd",
    "console.cli.stats_cmd",
    "console.cli.qa_cmd",
    "console.cli.audit_cmd",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="hotline",
        description="12345 hotline console. With no sub-command, opens the console.",
    )
    parser.add_argument(
        "--data-dir",
        help="store directory (default: $HOTLINE_DATA_DIR or the platform data dir)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


# What `pip install 'hotline-console[centre]'` adds; a seat installs without them.
CENTRE_EXTRA = frozenset({"fastapi", "uvicorn", "psycopg", "pydantic", "starlette"})


def _start_log(args: argparse.Namespace) -> Path | None:
    """The data dir's log, for any command run against an existing data dir (a one-shot command
    does not create the directory just to log in it)."""
    from console import paths
    from console.log import setup_logging

    try:
        where = paths.data_dir(getattr(args, "data_dir", None))
        if where.is_dir():
            setup_logging(where, "seat")
            return where
    except OSError as exc:
        print(f"hotline: cannot open the log in the data dir: {exc.strerror or exc}", file=sys.stderr)
    return None


def _check_config(where: Path | None) -> None:
    """A command refuses a broken config.toml with the key and line (the console shows it on
    screen and runs on the defaults instead: the phones do not stop for a typo)."""
    if where is not None:
        from console.config import read_config

        read_config(where)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    where = _start_log(args)
    try:
        if getattr(args, "func", None) is not None:
            _check_config(where)
        if getattr(args, "func", None) is None:
            if args.command:
                parser.parse_args([args.command, "--help"])
            from console.cli.app_cmd import run_console

            return run_console(args)
        return int(args.func(args) or 0)
    except CliError as exc:
        print(f"hotline: {exc}", file=sys.stderr)
        return exc.code
    except HotlineError as exc:
        print(f"hotline: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in CENTRE_EXTRA:
            raise
        print(f"hotline: this command needs the centre's packages (missing {exc.name}): "
              "pip install 'hotline-console[centre]'", file=sys.stderr)
        return 1
