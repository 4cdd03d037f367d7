"""`hotline` with no sub-command: open the console on the seat's store."""

from __future__ import annotations

from console import paths
from console.cli.errors import CliError


def run_console(args) -> int:
    data_dir = getattr(args, "data_dir", None)
    path = paths.store_path(data_dir)
    if not path.exists():
        raise CliError(f"no store at {path}: run `hotline init --seat CODE` or `hotline demo` first", 1)
    from screens.app import HotlineApp

    HotlineApp(data_dir=paths.data_dir(data_dir)).run()
    return 0
