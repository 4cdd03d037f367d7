"""The seed's documents, from an order: the 工单 (电话受理事项工单), the 承办单 sent to a unit, and
the 呈阅件 for leaders (R-13), as labelled fields, written as PDF (reportlab, with its built-in
STSong-Light Chinese font, so no font file is needed) or as XLSX. A confidential caller (R-02)
is never printed: the documents leave the intake seat."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from console.domain.kinds import DISPOSITION_LABELS, STATUS_LABELS
from console.domain.order import OrderState

FORMS = ("工单", "承办单", "呈阅件")
TITLES = {"工单": "电话受理事项工单", "承办单": "承办单", "呈阅件": "呈阅件"}
Field = tuple[str, str]
CONFIDENTIAL = "（来电人要求保密）"


def _caller(state: OrderState) -> tuple[str, str]:
    if state.confidential:
        return CONFIDENTIAL, CONFIDENTIAL
    return f"{state.caller_name}{state.caller_title}", state.phone


def _at(value: datetime | None) -> str:
    return f"{value:%Y-%m-%d %H:%M}" if value else ""


def form_fields(form: str, state: OrderState, unit_name: Callable[[str], str], hotline: str,
                unit_due: str = "", dispatched_by: str = "", caller: tuple[str, str] | None = None) -> list[Field]:
    """The labelled lines of one document for one order, in the order the document prints them.
    `caller` (name, phone) as the printing role sees them (the console's screens pass them masked
    where the role sees them masked); a confidential caller is never printed whatever is passed."""
    name, phone = _caller(state) if caller is None or state.confidential else caller
    matter = state.description
    if form == "工单":
        return [("受理编号", state.number), ("来电时间", _at(state.call_time)), ("受理座席", state.seat),
                ("受理人", state.intake_operator), ("来电人", name), ("联系电话", phone), ("单位或地址", state.address),
                ("性质分类", state.nature), ("内容分类", "/".join(state.content_path)), ("问题描述", matter),
                ("处置方式", DISPOSITION_LABELS.get(state.disposition, state.disposition)),
                ("承办单位", unit_name(state.lead_unit) if state.lead_unit else ""),
                ("当前状态", STATUS_LABELS[state.status]), ("热线", hotline)]
    if form == "承办单":
        return [("承办单位", unit_name(state.lead_unit) if state.lead_unit else "（未转办）"),
                ("受理编号", state.number), ("发出时间", _at(state.first_dispatched_at or state.dispatched_at)),
                ("受理座席", state.seat), ("交办座席", dispatched_by or state.dispatched_by),
                ("来电人", name), ("联系电话", phone), ("地址", state.address), ("反映事项", matter),
                ("办结时限", unit_due), ("协办单位", "、".join(unit_name(u) for u in state.assist_units)),
                ("发出单位", hotline)]
    if form == "呈阅件":
        return [("受理编号", state.number), ("来电时间", _at(state.call_time)), ("来电人", name),
                ("反映事项", matter), ("承办单位", unit_name(state.lead_unit) if state.lead_unit else ""),
                ("办理情况", state.reply or STATUS_LABELS[state.status]),
                ("领导批示", state.leader_instruction), ("呈报单位", hotline)]
    raise ValueError(f"unknown form {form!r}: expected one of {', '.join(FORMS)}")


def document(store, number: str, form: str, caller: tuple[str, str] | None = None) -> tuple[str, list[Field]] | None:
    """(title, fields) of one document of an order the store holds, or None for an unknown order."""
    state = store.get(number)
    if state is None:
        return None
    row = store.order_row(number) or {}
    names = {u.code: u.name for u in store.unit_directory()}
    return TITLES[form], form_fields(form, state, lambda code: names.get(code, code), store.rules.hotline_name,
                                     unit_due=(row.get("unit_due") or "")[:16].replace("T", " "), caller=caller)


def print_dir(store) -> Path:
    """Where the console writes the documents it prints: <data dir>/print/."""
    return Path(store.data_dir) / "print"


def print_all(store, number: str, caller: tuple[str, str] | None = None) -> list[Path]:
    """The 工单, 承办单 and 呈阅件 of one order as PDF files in print_dir: <number>-<form>.pdf."""
    out = print_dir(store)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for form in FORMS:
        doc = document(store, number, form, caller)
        if doc is None:
            raise LookupError(f"no order {number}")
        path = out / f"{number}-{form}.pdf"
        write_pdf(path, *doc)
        paths.append(path)
    return paths


def write_xlsx(path: Path, title: str, fields: Sequence[Field]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                           "strings_to_urls": False})
    try:
        sheet = book.add_worksheet(title[:31])
        bold = book.add_format({"bold": True, "font_size": 16})
        label = book.add_format({"bold": True, "border": 1, "valign": "top"})
        value = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
        sheet.set_column(0, 0, 14)
        sheet.set_column(1, 1, 70)
        sheet.write_string(0, 0, title, bold)
        for i, (name, text) in enumerate(fields, start=2):
            sheet.write_string(i, 0, name, label)
            sheet.write_string(i, 1, text, value)
    finally:
        book.close()


def write_pdf(path: Path, title: str, fields: Sequence[Field]) -> None:
    """One A4 page per 40 lines, the labels in a column on the left, long values wrapped."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setTitle(title)
    width, height = A4
    y = height - 60
    pdf.setFont("STSong-Light", 18)
    pdf.drawCentredString(width / 2, y, title)
    y -= 36
    for name, text in fields:
        lines = _wrap(text, 34) or [""]
        if y - 18 * len(lines) < 50:
            pdf.showPage()
            y = height - 60
        pdf.setFont("STSong-Light", 11)
        pdf.drawString(60, y, name)
        for line in lines:
            pdf.drawString(150, y, line)
            y -= 18
        y -= 6
    pdf.showPage()
    pdf.save()


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` characters (Chinese has no spaces to break at), newlines kept."""
    out: list[str] = []
    for part in text.splitlines() or [""]:
        out += [part[i:i + width] for i in range(0, len(part), width)] or [""]
    return out
