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
    "console.cli.orders_match_cmd",  # adds `orders similar|suggest` to the group above
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
    "console.cli.channels_cmd",
    "console.cli.cti_cmd",
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
    for arg in argv:  # bytes the shell could not decode arrive as lone surrogates
        if not _utf8(arg):
            _say(f"hotline: argument {arg!r} is not valid UTF-8 text")
            return 2
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
        _say(f"hotline: {exc}")
        return exc.code
    except HotlineError as exc:
        _say(f"hotline: {exc}")
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in CENTRE_EXTRA:
            raise
        _say(f"hotline: this command needs the centre's packages (missing {exc.name}): "
             "pip install 'hotline-console[centre]'")
        return 1
    except Exception as exc:
        # The class of failures bad input or a bad environment causes (a file, its encoding, the
        # database): each known case is handled where it arises; one missed still gets one line.
        # Anything else is a bug and keeps its traceback.
        if not isinstance(exc, (OSError, UnicodeError, RecursionError, *_database_errors())):
            raise
        from console.log import log

        log("cli").exception("hotline %s failed", args.command)
        _say(f"hotline: {_one_line(exc)}")
        return 1


def _database_errors() -> tuple[type[Exception], ...]:
    import sqlite3

    from sqlalchemy.exc import SQLAlchemyError

    return sqlite3.Error, SQLAlchemyError


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    what = text[0] if text else ""
    return f"{type(exc).__name__}: {what}"[:300]


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _say(line: str) -> None:
    """One line on stderr; an argument that was not UTF-8 is shown as its escape, not a crash."""
    print(line.encode("utf-8", "backslashreplace").decode("utf-8"), file=sys.stderr)
