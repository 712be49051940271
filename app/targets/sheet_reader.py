"""Read an allocation or actuals table as offices keep it in Excel (SPEC §16): pure, no flask, no sqlalchemy.

Offices' files have a title above the table ("BẢNG PHÂN BỔ CHI TIẾT …"), a header of one or two rows whose
group cells are merged ("Chỉ tiêu giao năm 2026" over three columns), a row of column numbers, a total row
("Tổng cộng"), and numbers typed the Vietnamese way: `1.234` is one thousand two hundred and thirty-four, `95,5`
is ninety-five and a half. This module finds the header row, maps the columns by their names, and turns each data
row into text and numbers with a Vietnamese message for anything it cannot read. Which commune a code or name is,
and whether the figures are allowed, is decided afterwards by the one schema of the API (app/schemas/targets.py).
"""

import re
import unicodedata
from dataclasses import dataclass, field

HEADER_SCAN_ROWS = 20
MAX_ROWS = 2000
FIGURES = ("bhxh_bat_buoc", "bhxh_tu_nguyen", "bhyt_rate")
COUNTS = ("bhxh_bat_buoc", "bhxh_tu_nguyen")
# Column names (unaccented, lower case) → field; the first field whose words all appear in the header wins.
COLUMN_WORDS = (
    ("bhxh_bat_buoc", ("bat buoc",)),
    ("bhxh_tu_nguyen", ("tu nguyen",)),
    ("bhyt_rate", ("bhyt",)),
    ("code", ("ma",)),
    ("name", ("ten",)),
    ("name", ("don vi",)),
    ("name", ("xa", "phuong")),
)
TOTAL_WORDS = ("tong cong", "tong so", "cong", "tong")
NUMBERING = re.compile(r"^\(?\d{1,2}\)?$")
THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")  # 1.234 · 1.184.000
NOT_A_COUNT = "Không đọc được số người: “{raw}” (ví dụ 1.234)."
NOT_A_RATE = "Không đọc được tỷ lệ: “{raw}” (ví dụ 95,5)."
NO_HEADER = ("Không tìm thấy dòng tiêu đề của bảng: cần các cột mã (hoặc tên) đơn vị, BHXH bắt buộc, "
             "BHXH tự nguyện và tỷ lệ BHYT trong 20 dòng đầu.")
TOO_MANY = f"Tệp có quá {MAX_ROWS} dòng số liệu."


class SheetRefused(Exception):
    """The table cannot be read at all; the message is for the user (next to the file field)."""


@dataclass
class SheetRow:
    """One data row: its row number in the file, what it says, and per-field messages for what cannot be read."""

    line: int
    code: str
    name: str
    figures: dict
    errors: dict = field(default_factory=dict)


@dataclass
class Sheet:
    """The rows of the table and what was left out (total rows, the row of column numbers), by row number."""

    columns: dict
    rows: list[SheetRow]
    skipped: list[tuple[int, str]]


def words(value) -> str:
    """Lower-case, unaccented, single-spaced text of a cell (đ → d)."""
    text = unicodedata.normalize("NFD", str(value or "").replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(re.sub(r"[^0-9a-z%]+", " ", text.lower()).split())


def _has(text: str, phrase: str) -> bool:
    return re.search(rf"(^| ){re.escape(phrase)}( |$)", text) is not None


def _columns(labels: list[str]) -> dict[str, int]:
    """Field → column index from the header labels; the first column that matches a field keeps it."""
    found: dict[str, int] = {}
    for index, label in enumerate(labels):
        if not label or label in ("stt", "tt"):
            continue
        for name, phrases in COLUMN_WORDS:
            if name not in found and all(_has(label, p) for p in phrases):
                found[name] = index
                break
    return found


def find_header(grid: list[list]) -> tuple[int, dict[str, int]]:
    """(index of the header's last row, columns). A header may be two rows — a group cell merged over sub-headers
    ("Chỉ tiêu giao năm 2026" over "BHXH bắt buộc", …): a column's label is its cell in this row, or, when that is
    empty, its cell in the row above (merged cells are filled, so "Mã đơn vị" merged down both rows reads in both)."""
    for r in range(min(HEADER_SCAN_ROWS, len(grid))):
        above = grid[r - 1] if r else []
        width = max(len(grid[r]), len(above))

        def label(i, row=grid[r], above=above):
            mine = row[i] if i < len(row) else None
            return words(mine if mine not in (None, "") else (above[i] if i < len(above) else None))

        columns = _columns([label(i) for i in range(width)])
        if ("code" in columns or "name" in columns) and sum(f in columns for f in FIGURES) >= 2:
            return r, columns
    raise SheetRefused(NO_HEADER)


def parse_count(value) -> tuple[int | None, str | None]:
    """A number of people as offices type it: 1.234 (text or cell), 1234, 1234.0; None when empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, NOT_A_COUNT.format(raw=value)
    if isinstance(value, int):
        return value, None
    if isinstance(value, float):
        return (int(value), None) if value.is_integer() else (None, NOT_A_COUNT.format(raw=value))
    text = str(value).strip().replace(" ", "").replace("\u00a0", "")
    negative = text.startswith("-")
    digits = text[1:] if negative else text
    if THOUSANDS.match(digits):
        digits = digits.replace(".", "")
    if not digits.isdigit():
        return None, NOT_A_COUNT.format(raw=value)
    return (-1 if negative else 1) * int(digits), None


def parse_rate(value, percent_cell: bool = False) -> tuple[float | None, str | None]:
    """A coverage rate in %: 95,5 · 95.5 · "95,5 %" · a cell formatted as a percentage (0.955)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, NOT_A_RATE.format(raw=value)
    if isinstance(value, int | float):
        return (round(value * 100, 4) if percent_cell else float(value)), None
    text = str(value).strip().replace(" ", "").replace("\u00a0", "").rstrip("%")
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")
    try:
        return float(text), None
    except ValueError:
        return None, NOT_A_RATE.format(raw=value)


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value or "").split())


def _skip_reason(cells: list, columns: dict) -> str | None:
    present = [c for c in cells if c not in (None, "")]
    if not present:
        return "blank"
    if all(NUMBERING.match(_text(c)) for c in present):
        return "Dòng đánh số cột (bỏ qua)"
    label = words(" ".join(_text(cells[columns[k]]) for k in ("code", "name") if k in columns and
                           columns[k] < len(cells)))
    if any(label == w or label.startswith(w + " ") for w in TOTAL_WORDS):
        return "Dòng tổng cộng (bỏ qua)"
    return None


def read_rows(grid: list[list], percent_columns: frozenset = frozenset(), first_line: int = 1) -> Sheet:
    """The data rows under the header of `grid` (rows of cell values, merged cells filled); `percent_columns`:
    the column indexes whose cells are formatted as percentages; `first_line`: the file's number of grid[0]."""
    header, columns = find_header(grid)
    rows, skipped = [], []
    for offset, cells in enumerate(grid[header + 1:], start=header + 1):
        line = offset + first_line
        reason = _skip_reason(cells, columns)
        if reason == "blank":
            continue
        if reason:
            skipped.append((line, reason))
            continue
        if len(rows) >= MAX_ROWS:
            raise SheetRefused(TOO_MANY)
        def cell(name, cells=cells):
            return cells[columns[name]] if name in columns and columns[name] < len(cells) else None

        row = SheetRow(line, _text(cell("code")), _text(cell("name")), {})
        for name in FIGURES:
            if name in COUNTS:
                value, error = parse_count(cell(name))
            else:
                value, error = parse_rate(cell(name), columns.get(name) in percent_columns)
            row.figures[name] = value
            if error:
                row.errors[name] = error
        rows.append(row)
    return Sheet(columns, rows, skipped)
