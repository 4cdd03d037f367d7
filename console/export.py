"""The monthly report (月报) as XLSX, written row by row in xlsxwriter's constant-memory mode (no
row cap, memory flat whatever the month holds), and any one table as CSV."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from console.stats import FIGURE_HEADINGS, TYPICAL_HEADINGS, UNIT_HEADINGS, Tables

DETAIL_HEADINGS = {"number": "工单编号", "status": "状态", "created_at": "受理时间", "lead_unit": "承办单位",
                   "unit_due": "办结时限", "nature": "性质", "content_class": "内容分类", "description": "诉求"}
CLASS_HEADINGS = {"class": "一级分类", "nature": "性质", "orders": "工单数"}
SHEETS = ("总体指标", "各单位", "分类统计", "超期明细", "退回明细", "典型工单")


def sheets_of(tables: Tables) -> list[tuple[str, Mapping[str, str], list[dict[str, Any]]]]:
    """(sheet name, {column: heading}, rows) in report order: the XLSX and the CSV use the same."""
    figure_cols = {k: v for k, v in FIGURE_HEADINGS.items()}
    return [
        ("总体指标", figure_cols, tables.figures),
        ("各单位", UNIT_HEADINGS, tables.units),
        ("分类统计", CLASS_HEADINGS, tables.classes),
        ("超期明细", DETAIL_HEADINGS, tables.overdue),
        ("退回明细", DETAIL_HEADINGS, tables.returns),
        ("典型工单", TYPICAL_HEADINGS, tables.typical),
    ]


def write_xlsx(path: Path, tables: Tables, title: Sequence[str]) -> int:
    """Every sheet with the title lines (hotline, period, generated at) above its table; the
    number of data rows written."""
    return write_book(path, sheets_of(tables), title)


def write_book(path: Path, sheets: Sequence[tuple[str, Mapping[str, str], list[dict[str, Any]]]],
               title: Sequence[str]) -> int:
    """(sheet name, {column: heading}, rows) as an XLSX, the title lines above each table."""
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    bold = book.add_format({"bold": True})
    rows_written = 0
    try:
        for name, columns, rows in sheets:
            sheet = book.add_worksheet(name)
            line = 0
            for text in title:
                sheet.write_string(line, 0, text)
                line += 1
            for col, heading in enumerate(columns.values()):
                sheet.write_string(line, col, heading, bold)
            line += 1
            for row in rows:
                for col, key in enumerate(columns):
                    _cell(sheet, line, col, row.get(key))
                line += 1
                rows_written += 1
    finally:
        book.close()
    return rows_written


def _cell(sheet: Any, row: int, col: int, value: object) -> None:
    if value is None:
        sheet.write_blank(row, col, None)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否")
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value)
    else:  # caller text stays text: never a formula, a number or a link
        sheet.write_string(row, col, str(value))


def write_csv(path: Path, columns: Mapping[str, str], rows: Iterable[Mapping[str, Any]]) -> int:
    n = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(list(columns.values()))
        for row in rows:
            out.writerow([_csv_value(row.get(k)) for k in columns])
            n += 1
    return n


def _csv_value(value: object) -> object:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value  # a spreadsheet opening the CSV must not run caller text as a formula
    return "" if value is None else value
