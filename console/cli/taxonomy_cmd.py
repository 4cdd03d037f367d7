"""`hotline taxonomy convert|show`: bring a city's own N-level taxonomy in, and look at one (R-04)."""

from __future__ import annotations

import argparse
import csv
import sys
import tomllib
from pathlib import Path

from console.cli.common import add_data_dir, print_json
from console.cli.errors import CliError


def register(sub) -> None:
    parser = sub.add_parser("taxonomy", help="content and nature classes (convert a CSV, show the tree)")
    tsub = parser.add_subparsers(dest="taxonomy_command", metavar="ACTION")

    convert = tsub.add_parser("convert", help="turn a flat N-level CSV (header = level names) into taxonomy TOML")
    convert.add_argument("csv", metavar="CSV", help="CSV file, one row per path: 一级分类,二级分类,…")
    convert.add_argument("--out", metavar="FILE", help="TOML file to write (default: print to stdout)")
    convert.add_argument(
        "--natures",
        metavar="LIST",
        help="comma-separated nature classes (default: 咨询,求助,建议,投诉,举报,表扬)",
    )
    add_data_dir(convert)
    convert.set_defaults(func=cmd_convert)

    show = tsub.add_parser("show", help="print the taxonomy tree")
    show.add_argument("--file", metavar="FILE", help="taxonomy TOML (default: the shipped console/kb_data/taxonomy.toml)")
    show.add_argument("--json", action="store_true", help="print the tree as JSON")
    show.add_argument("--depth", type=int, metavar="N", help="show only the first N levels")
    add_data_dir(show)
    show.set_defaults(func=cmd_show)


def cmd_convert(args: argparse.Namespace) -> int:
    from console.taxonomy_source import csv_to_taxonomy_dict, dumps_taxonomy_toml, load_taxonomy

    src = Path(args.csv)
    if not src.is_file():
        raise CliError(f"no such CSV file: {src}")
    natures = [n.strip() for n in args.natures.split(",") if n.strip()] if args.natures else None
    try:
        d = csv_to_taxonomy_dict(src, natures=natures)
    except (ValueError, csv.Error) as exc:
        raise CliError(f"bad CSV: {exc}") from None
    except OSError as exc:
        raise CliError(f"cannot read {src}: {exc.strerror or exc}") from None
    text = dumps_taxonomy_toml(d, comment=f"Converted from {src.name} by `hotline taxonomy convert`.")
    if not args.out:
        sys.stdout.write(text)
        return 0
    out = Path(args.out)
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise CliError(f"cannot write {out}: {exc.strerror or exc}") from None
    taxonomy = load_taxonomy(out)  # read back: what we wrote must load unchanged
    nodes = list(taxonomy.walk())
    depth = max((n.depth for n in nodes), default=0)
    leaves = sum(1 for n in nodes if n.is_leaf)
    print(f"wrote {out}: {len(taxonomy.roots)} top-level classes, {leaves} leaves, {depth} levels")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from console.taxonomy_source import iter_tree_lines, load_taxonomy

    path = Path(args.file) if args.file else None
    if path is not None and not path.is_file():
        raise CliError(f"no such taxonomy file: {path}")
    try:
        taxonomy = load_taxonomy(path)
    except (tomllib.TOMLDecodeError, ValueError) as exc:
        raise CliError(f"bad taxonomy file {path or 'console/kb_data/taxonomy.toml'}: {exc}") from None
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    if args.json:
        print_json(taxonomy.to_dict())
        return 0
    print("性质分类: " + " ".join(taxonomy.nature_names()))
    for line in iter_tree_lines(taxonomy, args.depth):
        print(line)
    return 0

