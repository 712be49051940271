"""The one CSV/XLSX writer (app/tabular.py): formula-like text never reaches a spreadsheet as a formula."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from app.tabular import Sheet, csv_bytes, xlsx_bytes

FORMULAS = ["=1+1", "+41", "-3+2", "@SUM(A1:A2)", "\tcmd", "\rcmd", '=HYPERLINK("http://x","bấm")']


@pytest.mark.parametrize("text", FORMULAS)
def test_csv_puts_an_apostrophe_before_formula_like_text(text):
    rows = list(csv.reader(io.StringIO(csv_bytes(["Tên"], [[text]]).decode("utf-8-sig"), newline="")))
    assert rows[1] == ["'" + text]


@pytest.mark.parametrize("text", FORMULAS)
def test_xlsx_stores_formula_like_text_as_quoted_text(text):
    sheet = load_workbook(io.BytesIO(xlsx_bytes([Sheet("A", ["Tên"], [[text]])]))).active
    cell = sheet["A2"]
    # a carriage return may read back as a line feed (XML keeps no bare CR unless escaped): text either way
    assert cell.value in (text, text.replace("\r", "\n"))
    assert (cell.data_type, cell.quotePrefix) == ("s", True)


def test_numbers_dates_and_plain_text_are_left_alone():
    row = [-5, 2.5, date(2026, 7, 1), "Nguyễn Văn An", "0912 345 678", ""]
    written = list(csv.reader(io.StringIO(csv_bytes(["a"] * 6, [row]).decode("utf-8-sig"))))[1]
    assert written == ["-5", "2.5", "01/07/2026", "Nguyễn Văn An", "0912 345 678", ""]
    sheet = load_workbook(io.BytesIO(xlsx_bytes([Sheet("A", ["a"] * 6, [row])]))).active
    cells = sheet[2]
    assert [c.value for c in cells[:2]] == [-5, 2.5]
    assert cells[2].value.date() == date(2026, 7, 1) and cells[2].number_format == "DD/MM/YYYY"
    assert not any(c.quotePrefix for c in cells)


def test_csv_starts_with_a_bom_for_excel():
    assert csv_bytes(["Họ và tên"], []).startswith("\ufeff".encode())
