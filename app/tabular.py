"""CSV and XLSX for every export of the app: data in, bytes out, the spreadsheet formula guard on every cell.

A resident types their own name at the door, staff type titles and venues: any text cell may start with `=`,
`+`, `-`, `@`, a tab or a carriage return, which a spreadsheet would run as a formula (CSV injection, OWASP).
So every text cell is neutralised here, in the one writer every export goes through: in CSV it gets a leading
apostrophe (the usual guard: Excel and LibreOffice then show it as text); in XLSX it is stored as a text cell
with Excel's "quote prefix" style, so it shows exactly what was typed and is never evaluated, even when edited.

Dates are real date cells shown dd/mm/yyyy in XLSX and written dd/mm/yyyy in CSV; CSV is UTF-8 with a BOM so
that Excel reads Vietnamese correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CSV_MIMETYPE = "text/csv"  # werkzeug adds "; charset=utf-8" to a text type: naming it here sent it twice
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"


def is_formula_like(value) -> bool:
    """True for text a spreadsheet would treat as a formula."""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """A value as written to CSV: formula-like text behind an apostrophe, dates dd/mm/yyyy."""
    if is_formula_like(value):
        return "'" + value
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return value


def csv_bytes(header: Sequence, rows: Iterable[Sequence]) -> bytes:
    """A CSV file, UTF-8 with a BOM, every cell through `csv_cell`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(v) for v in header])
    writer.writerows([csv_cell(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


@dataclass
class Sheet:
    """One worksheet: an optional bold caption line, a bold header row, the rows, and how to show them.

    `column_formats` (0-based column → number format) and `cell_formats` ("B7" → format) for percentages;
    date cells are shown dd/mm/yyyy without asking. `fills` gives, per data row, {0-based column: RGB};
    `bold` per data row the 0-based columns shown bold (a total line).
    """

    title: str
    header: Sequence
    rows: Iterable[Sequence]
    widths: Sequence[float] = ()
    caption: str | None = None
    freeze: str | None = "A2"
    column_formats: Mapping[int, str] = field(default_factory=dict)
    cell_formats: Mapping[str, str] = field(default_factory=dict)
    fills: Sequence[Mapping[int, str]] = ()
    bold: Sequence[Iterable[int]] = ()


def _put(ws, row: int, values) -> list:
    """Write row number `row`; formula-like text stays text (quote prefix), dates are shown dd/mm/yyyy. Returns
    its cells. The caller counts the rows: asking openpyxl (`ws.max_row`) walks every cell written so far, which
    made an export quadratic in its rows."""
    cells = [ws.cell(row=row, column=column, value=value) for column, value in enumerate(values, 1)]
    for cell in cells:
        value = cell.value
        if is_formula_like(value):
            cell.data_type = "s"  # openpyxl made it a formula; keep it text, shown as typed
            cell.quotePrefix = True
        elif isinstance(value, date):
            cell.number_format = DATE_FORMAT
    return cells


def _write_sheet(ws, sheet: Sheet) -> None:
    """Fill `ws` from `sheet`, every cell through `_put`."""
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    first = 1
    if sheet.caption is not None:
        _put(ws, 1, [sheet.caption])[0].font = bold
        first = 2
    wrap = Alignment(wrap_text=True, vertical="center")
    for cell in _put(ws, first, sheet.header):
        cell.font, cell.alignment = bold, wrap
    fills, bolds = list(sheet.fills), list(sheet.bold)
    for n, row in enumerate(sheet.rows):
        cells = _put(ws, first + 1 + n, row)
        for column, number_format in sheet.column_formats.items():
            if column < len(cells):
                cells[column].number_format = number_format
        for column, colour in (fills[n] if n < len(fills) else {}).items():
            cells[column].fill = PatternFill("solid", fgColor=colour)
        for column in bolds[n] if n < len(bolds) else ():
            cells[column].font = bold
    for ref, number_format in sheet.cell_formats.items():
        ws[ref].number_format = number_format
    for i, width in enumerate(sheet.widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = width
    if sheet.freeze:
        ws.freeze_panes = sheet.freeze


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An Excel workbook with one worksheet per `Sheet`, in order."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        _write_sheet(wb.create_sheet(sheet.title), sheet)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def table_bytes(fmt: str, sheet: Sheet) -> bytes:
    """One table as `csv` or `xlsx` bytes (a CSV has the header and rows only)."""
    if fmt == "csv":
        return csv_bytes(sheet.header, sheet.rows)
    return xlsx_bytes([sheet])


def download(body: bytes, filename: str) -> Response:
    """An attachment response for a `.csv` or `.xlsx` file."""
    mimetype = CSV_MIMETYPE if filename.endswith(".csv") else XLSX_MIMETYPE
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
