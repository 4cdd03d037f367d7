"""`hotline orders import FILE`: historical orders from another system (issue 14; docs/import.md)."""

from __future__ import annotations

import sys
from pathlib import Path

from console.cli.common import add_data_dir
from console.cli.errors import CliError


def register(osub) -> None:
    """Adds `import` to the `orders` group (console/cli/orders_cmd.py)."""
    p = osub.add_parser("import", help="bring in historical orders from a CSV or JSON Lines file (docs/import.md)")
    p.add_argument("file", metavar="FILE", help="a .csv file with a header row, or JSON Lines")
    p.add_argument("--format", choices=("csv", "jsonl"), help="the file's format (default: from its suffix)")
    p.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN[,COLUMN…]",
                   help="read FIELD from COLUMN (several columns are joined with a space); repeatable")
    p.add_argument("--prefix", default="", help="put this before each original id to make the order number")
    p.add_argument("--derive-ids", action="store_true",
                   help="a row without an id gets one from a digest of its content (the same row twice is one order)")
    p.add_argument("--channel", default="", help="the channel of rows that name none, e.g. 网站")
    p.add_argument("--operator", default="import", help="who the import is recorded as (default: import)")
    add_data_dir(p)
    p.set_defaults(func=cmd_import)


def cmd_import(args) -> int:
    from console.orders_import import FileError, Importer, parse_map, read_rows
    from console.store import Store

    path = Path(args.file)
    try:
        column_map = parse_map(args.map)
    except FileError as exc:
        raise CliError(str(exc), 2)
    if not path.is_file():
        raise CliError(f"no such file: {args.file}")
    if len(args.prefix) > 16 or not args.prefix.isprintable():
        raise CliError("--prefix must be at most 16 printable characters")
    store = Store.open(getattr(args, "data_dir", None))
    try:
        importer = Importer(store, column_map, prefix=args.prefix, derive_ids=args.derive_ids,
                            operator=args.operator, source=path.name[:200], channel=args.channel)
        try:
            outcome = importer.run(read_rows(path, args.format))
        except FileError as exc:
            raise CliError(f"{args.file}: {exc}")
        except UnicodeDecodeError:
            raise CliError(f"{args.file} is not UTF-8 text")
        except OSError as exc:
            raise CliError(f"cannot read {args.file}: {exc.strerror or exc}")
    finally:
        store.close()
    for line, why in outcome.errors:
        print(f"hotline: {args.file}, line {line}: {why}", file=sys.stderr)
    print(f"read {outcome.rows} rows: imported {len(outcome.imported)} orders, {len(outcome.already)} already "
          f"imported, {len(outcome.errors)} rows refused")
    return 1 if outcome.errors else 0
