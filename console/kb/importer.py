"""Read article files: JSON Lines or CSV (and the Taipei 1999 FAQ as it is). Each row is checked
on its own: a bad row is reported with its line number and the others still import."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from console.wire.kb_records import Announcement, Article, RecordError, announcement_from_row, article_from_row

BATCH = 2000
OPTIMIZE_AFTER = 500  # a bulk import leaves many index segments; merging them halves query time  # rows per write transaction: bounded lock time, progress survives a bad file end


@dataclass
class RowError:
    line: int
    message: str


@dataclass
class ImportReport:
    imported: int = 0  # articles
    announcements: int = 0
    errors: list[RowError] = field(default_factory=list)


def read_rows(path: Path) -> Iterator[tuple[int, dict | None, str]]:
    """(line number, row or None, error) for each record in a .jsonl/.json/.csv/.tsv file."""
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".json", ".ndjson"):
        with open(path, encoding="utf-8-sig") as fh:
            for line_no, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield line_no, None, f"bad JSON: {exc.msg}"
                    continue
                except RecursionError:
                    yield line_no, None, "bad JSON: nested too deeply"
                    continue
                if isinstance(row, dict):
                    yield line_no, row, ""
                else:
                    yield line_no, None, "each line must be a JSON object"
    elif suffix in (".csv", ".tsv"):
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t" if suffix == ".tsv" else ",")
            line_no = reader.line_num
            for row in reader:
                start, line_no = line_no + 1, reader.line_num
                if None in row:
                    yield start, None, "more fields than the header"
                    continue
                yield start, row, ""
    else:
        raise RecordError(f"unknown file type {path.suffix!r}: use .jsonl or .csv")


def parse_file(path: Path, report: ImportReport) -> Iterator[Article | Announcement]:
    """Articles, and announcements for rows with `"type": "announcement"` (outages: area, start, end)."""
    source = path.name
    for line_no, row, error in read_rows(path):
        if row is None:
            report.errors.append(RowError(line_no, error))
            continue
        try:
            if str(row.get("type") or "").strip().lower() == "announcement":
                yield announcement_from_row(row)
            else:
                yield article_from_row(row, source=source)
        except RecordError as exc:
            report.errors.append(RowError(line_no, str(exc)))


def import_file(db_path: Path, path: Path) -> ImportReport:
    """Upsert every good row of `path` into the store at `db_path`, in batches."""
    from console.kb.announcements import upsert_announcements
    from console.kb.db import open_read
    from console.kb.indexer import refresh_common_terms, upsert_articles

    report = ImportReport()
    conn = open_read(db_path)
    try:
        batch: list[Article | Announcement] = []

        def flush() -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                report.imported += upsert_articles(conn, [r for r in batch if isinstance(r, Article)])
                report.announcements += upsert_announcements(
                    conn, [r for r in batch if isinstance(r, Announcement)])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            batch.clear()

        for record in parse_file(path, report):
            batch.append(record)
            if len(batch) >= BATCH:
                flush()
        if batch:
            flush()
        if report.imported >= OPTIMIZE_AFTER:
            optimize(conn)
        if report.imported:
            conn.execute("BEGIN IMMEDIATE")
            refresh_common_terms(conn)
            conn.execute("COMMIT")
    finally:
        conn.close()
    return report


def optimize(conn) -> None:
    """Merge the FTS segments (a few seconds at 100k articles; queries read one segment per term)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("INSERT INTO kb_head(kb_head) VALUES ('optimize')")
        conn.execute("INSERT INTO kb_body(kb_body) VALUES ('optimize')")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
