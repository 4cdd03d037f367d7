"""`hotline orders import FILE`: historical orders from another system, as they were (issue 14).

A file is CSV (a header row) or JSON Lines (one object a line). Its columns, in any order, are the
`Imported` payload's fields (docs/import.md): id, taken_at, channel, nature, content_class (levels
joined with "/"), title, description, address, caller_name, caller_title, phone, anonymous,
confidential, unit (code or name in the unit directory), reply, replied_at, closed, closed_at,
transfers. A column map (`field=column[,column…]`) reads other layouts; several columns are joined
with a space. Each row becomes one `imported` event through the store's one write path and
decide(); the order's number is the original id (with a prefix if asked). Importing the same file
again adds nothing (idempotent by id); a bad row is reported with its line number and the rest
are imported. Every row read is accounted for in the `Outcome`.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, text

from console import clock
from console.domain.kinds import Kind
from console.domain.limits import order_number_problem
from console.domain.roles import Actor, Role
from console.store.engine import read_transaction

FIELDS = ("id", "taken_at", "channel", "nature", "content_class", "title", "description", "address",
          "caller_name", "caller_title", "phone", "anonymous", "confidential", "unit", "reply", "replied_at",
          "closed", "closed_at", "transfers")
TRUE = frozenset({"true", "1", "yes", "y", "是", "已办结", "办结", "closed"})
FALSE = frozenset({"false", "0", "no", "n", "否", "未办结", "open", ""})
BATCH = 500  # rows per store command: one transaction each, so a crash loses at most one batch's work

# decide()'s problem codes for an imported order, said in English on the CLI (the rule is in
# console/domain/history.py; this says what it found)
PROBLEM_TEXT = {
    "original_id": "the id is empty",
    "taken_at": "taken_at is missing, not a time like 2020-09-03 or 2020-09-03 14:30:00, or in the future",
    "channel": "the channel is empty or not configured (console/kb_data/channels.toml; map it with --map)",
    "description": "both title and description are empty",
    "nature": "the nature is not one of the configured natures",
    "content": "content_class is not a path of the taxonomy",
    "caller_title": "caller_title must be 先生 or 女士",
    "unit": "the unit is not in the unit directory",
    "replied_at": "replied_at is not a time, is before taken_at, or in the future",
    "closed_at": "closed_at is not a time, is before taken_at, or in the future",
    "reply": "replied_at is given without a reply",
    "closed": "closed_at is given on an order that is not closed",
    "exists": "the order exists already",
    "number": "the order number is empty or too long",
}


class RowError(ValueError):
    pass


class FileError(ValueError):
    """The file as a whole cannot be read as an import (its format, its header)."""


@dataclass
class Outcome:
    rows: int = 0
    imported: list[str] = field(default_factory=list)  # order numbers
    already: list[str] = field(default_factory=list)  # imported before: left as they are
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, why)

    def accounted(self) -> bool:
        return len(self.imported) + len(self.already) + len(self.errors) == self.rows


def parse_map(items: list[str]) -> dict[str, list[str]]:
    """`field=column[,column…]` items; FileError names a bad one."""
    out: dict[str, list[str]] = {}
    for item in items:
        name, sep, columns = item.partition("=")
        name = name.strip()
        if not sep or name not in FIELDS or not columns.strip():
            raise FileError(f"--map {item!r}: expected FIELD=COLUMN with FIELD one of {', '.join(FIELDS)}")
        out[name] = [c.strip() for c in columns.split(",") if c.strip()]
    return out


def read_rows(path: Path, fmt: str | None = None) -> Iterator[tuple[int, Mapping[str, Any] | str]]:
    """(line, row) for each record, or (line, why) for one that cannot be read. OSError and
    UnicodeDecodeError reach the caller."""
    kind = fmt or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    if kind == "csv":
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            if not reader.fieldnames:
                raise FileError("the CSV file has no header row")
            line = 1
            try:
                for row in reader:
                    yield line + 1, row  # the record's first line
                    line = reader.line_num
            except csv.Error as exc:
                raise FileError(f"line {reader.line_num}: {exc}") from None
        return
    with open(path, encoding="utf-8-sig") as fh:
        for line, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                yield line, f"bad JSON ({exc.msg} at column {exc.colno})"
                continue
            except RecursionError:
                yield line, "JSON nested too deeply"
                continue
            yield line, value if isinstance(value, dict) else "a line must be a JSON object"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value).strip()
    raise RowError("a value must be text, a number or true/false, not a list or an object")


def _flag(name: str, value: str) -> bool:
    key = value.strip().lower()
    if key in TRUE:
        return True
    if key in FALSE:
        return False
    raise RowError(f"{name} must be true or false, got {value[:20]!r}")


class Importer:
    """One import into one store: reads the store's reference data once."""

    def __init__(self, store, column_map: Mapping[str, list[str]] | None = None, prefix: str = "",
                 derive_ids: bool = False, operator: str = "import", source: str = "",
                 channel: str = "") -> None:
        self.store = store
        self.default_channel = channel  # for rows that name none (a file from one channel's system)
        self.column_map = {name: (column_map or {}).get(name, [name]) for name in FIELDS}
        self.prefix, self.derive_ids, self.source = prefix, derive_ids, source
        self.actor = Actor(operator, Role.SYSTEM)
        self.channels = store.channels
        self.units = {u.code: u.code for u in store.unit_directory()}
        for u in store.unit_directory():  # a record names its unit by name more often than by code
            self.units.setdefault(u.name, u.code)
            self.units.setdefault(u.short, u.code)
        self.now = clock.now()

    # -- one row -------------------------------------------------------------------------

    def fields(self, row: Mapping[str, Any]) -> dict[str, str]:
        out = {}
        for name, columns in self.column_map.items():
            parts = [_text(row.get(c)) for c in columns]
            out[name] = " ".join(p for p in parts if p)
        return out

    def payload(self, f: dict[str, str]) -> dict[str, Any]:
        """The `imported` payload of a row's fields; RowError says what is wrong in English."""
        original = f["id"]
        if not original:
            if not self.derive_ids:
                raise RowError("the id is empty (give an id column, map one with --map id=COLUMN, or --derive-ids)")
            canonical = json.dumps({k: v for k, v in f.items() if k != "id"}, ensure_ascii=False, sort_keys=True)
            original = "h" + hashlib.sha1(canonical.encode("utf-8")).hexdigest()[:16]
        named = f["channel"] or self.default_channel
        channel = self.channels.resolve(named) if named else None
        if channel is None:
            raise RowError(f"channel {named[:20]!r} is not configured" if named
                           else "the channel is empty (map a column to it, or give --channel)")
        reply = f["reply"]
        p: dict[str, Any] = {
            "original_id": original, "taken_at": f["taken_at"], "channel": channel,
            "description": f["description"], "title": f["title"], "nature": f["nature"],
            "address": f["address"], "caller_name": f["caller_name"], "caller_title": f["caller_title"],
            "phone": f["phone"], "reply": reply, "replied_at": f["replied_at"], "closed_at": f["closed_at"],
            "anonymous": _flag("anonymous", f["anonymous"]), "confidential": _flag("confidential", f["confidential"]),
            "closed": _flag("closed", f["closed"]) if f["closed"] else bool(reply),  # a reply closes a record that does not say
            "source": self.source,
        }
        if p["anonymous"]:
            p["caller_name"] = p["phone"] = p["caller_title"] = ""
        if f["content_class"]:
            p["content_path"] = [x.strip() for x in f["content_class"].replace(">", "/").split("/") if x.strip()]
        if f["unit"]:
            code = self.units.get(f["unit"])
            if code is None:
                raise RowError(f"unit {f['unit'][:40]!r} is not in the unit directory (by code, name or short name)")
            p["unit"] = code
        if f["transfers"]:
            try:
                p["transfers"] = int(f["transfers"])
            except ValueError:
                raise RowError(f"transfers must be a whole number, got {f['transfers'][:20]!r}") from None
        return {k: v for k, v in p.items() if v not in ("", None)}

    # -- the file ------------------------------------------------------------------------

    def run(self, rows: Iterator[tuple[int, Mapping[str, Any] | str]]) -> Outcome:
        out = Outcome()
        ready: list[tuple[int, str, dict[str, Any]]] = []
        first_line: dict[str, int] = {}
        for line, row in rows:
            out.rows += 1
            if isinstance(row, str):
                out.errors.append((line, row))
                continue
            try:
                payload = self.payload(self.fields(row))
            except RowError as exc:
                out.errors.append((line, str(exc)))
                continue
            number = self.prefix + payload["original_id"]
            if number in first_line:
                out.errors.append((line, f"{payload['original_id']} appears again (first at line {first_line[number]}); "
                                         "this row is not imported"))
                continue
            first_line[number] = line
            if order_number_problem(number):
                out.errors.append((line, f"the order number {number[:70]!r} is too long or holds a control character"))
                continue
            ready.append((line, number, payload))
        existing = self._existing([number for _line, number, _p in ready])
        todo = []
        for line, number, payload in ready:
            was = existing.get(number)
            if was is None:
                todo.append((line, number, payload))
            elif was == payload["original_id"]:
                out.already.append(number)
            else:
                out.errors.append((line, f"order number {number} is taken by an order this console took; "
                                         "import with --prefix"))
        for start in range(0, len(todo), BATCH):
            self._record(todo[start:start + BATCH], out)
        return out

    def _existing(self, numbers: list[str]) -> dict[str, str]:
        """number -> the original id of an imported order ("" for one taken here)."""
        found: dict[str, str] = {}
        query = text("SELECT number, imported, state FROM orders WHERE number IN :n").bindparams(
            bindparam("n", expanding=True))
        with read_transaction(self.store.engine) as conn:
            for start in range(0, len(numbers), 900):
                for number, imported, state in conn.execute(query, {"n": numbers[start:start + 900]}):
                    found[number] = json.loads(state).get("original_id", "") if imported else ""
        return found

    def _record(self, batch: list[tuple[int, str, dict[str, Any]]], out: Outcome) -> None:
        """One store command per batch, through decide(). A row it refuses is reported; the rows
        before it (accepted in the attempt) are recorded on their own and the rest tried again,
        so no row is worked on more than twice."""
        from console.store.store import NewEvent

        while batch:
            result = self.store.record([NewEvent(Kind.IMPORTED, p, self.actor, order=n, at=self.now)
                                        for _line, n, p in batch])
            if result.ok:
                out.imported.extend(result.orders)
                return
            line, _number, _p = batch[result.index]
            out.errors.append((line, refusal_text(result.code, result.reason)))
            if result.index:
                self._record(batch[:result.index], out)
            batch = batch[result.index + 1:]


def refusal_text(code: str, reason: str) -> str:
    """decide()'s refusal of an imported row, said in English (its Chinese reason kept for the detail)."""
    if code in PROBLEM_TEXT:
        return PROBLEM_TEXT[code]
    if code in ("too_long", "too_many", "out_of_range", "control_char", "bad_char", "too_large"):
        return f"a field is too long or holds a character that cannot be stored ({code}: {reason})"
    return f"refused ({code}: {reason})"
