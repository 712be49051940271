"""The first sheet of an uploaded allocation or actuals workbook as a grid of cell values (SPEC §16), read within
the upload checks every import of the app passes (app/upload_checks.py, issue 22 item 6) and within fixed bounds.

- The zip is checked before openpyxl opens it: a file that is no .xlsx (a web page saved as `.xlsx`) and a zip
  bomb are refused with a Vietnamese message, before anything is kept.
- The sheet is streamed (openpyxl's read-only mode): its declared dimension is ignored (`A1:XFD5001` is read by
  its real cells), at most `GRID_COLUMNS` columns are built, and a non-blank row past `GRID_ROWS` refuses the
  file instead of being cut silently.
- Read-only mode has no merged cells, so their ranges are read from the sheet's XML with expat, which builds no
  tree (a sheet of a million cells costs nothing to scan); each range is filled with its top-left value, clipped
  to the grid, within a budget of filled cells.
"""

import io
import posixpath
import xml.parsers.expat

from openpyxl import load_workbook
from openpyxl.utils import range_boundaries

from app.targets.sheet_reader import SheetRefused
from app.upload_checks import UnreadableFile, checked_xlsx

GRID_ROWS = 5000  # title, header and data rows together (sheet_reader keeps at most 2,000 data rows)
GRID_COLUMNS = 40  # an allocation table has about ten
MAX_UNCOMPRESSED = 16 * 1024 * 1024  # a 2,000-row allocation unpacks to well under 2 MB
FILL_BUDGET = GRID_ROWS * GRID_COLUMNS  # cells filled from merged ranges, all ranges together
WHAT = "một bảng phân bổ chỉ tiêu hoặc số thực hiện"
UNREADABLE = "Không đọc được tệp Excel này."
TOO_MANY_ROWS = f"Trang tính có quá {GRID_ROWS:,} dòng.".replace(",", ".")
TOO_MANY_MERGES = "Trang tính có quá nhiều ô gộp; hãy bỏ gộp ô ngoài phần tiêu đề rồi tải lên lại."
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def read_grid(data: bytes) -> tuple[list[list], frozenset]:
    """The first sheet's cell values (rows of at most `GRID_COLUMNS`), every merged range filled with its top-left
    value, and the column indexes holding percentage-formatted numbers. UnreadableFile or SheetRefused, with the
    message for the user, when the file cannot be read within the bounds."""
    archive = checked_xlsx(data, WHAT, max_uncompressed=MAX_UNCOMPRESSED)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — any unreadable workbook is the user's input, not our bug
        raise UnreadableFile(UNREADABLE) from exc
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # a declared A1:XFD5001 would be 82 million cells: read the real ones only
        grid, percent = _values(ws)
        sheet_path = _first_sheet_path(archive)
    except (SheetRefused, UnreadableFile):
        raise
    except Exception as exc:  # noqa: BLE001
        raise UnreadableFile(UNREADABLE) from exc
    finally:
        wb.close()
    _fill_merged(grid, _merged_ranges(archive, sheet_path))
    return grid, frozenset(percent)


def _values(ws) -> tuple[list[list], set[int]]:
    grid, percent = [], set()
    for index, row in enumerate(ws.iter_rows(max_col=GRID_COLUMNS)):
        if index >= GRID_ROWS:
            if any(cell.value not in (None, "") for cell in row):
                raise SheetRefused(TOO_MANY_ROWS)
            continue
        values = []
        for column, cell in enumerate(row):
            value = cell.value
            values.append(value)
            if isinstance(value, int | float) and not isinstance(value, bool) \
                    and "%" in (getattr(cell, "number_format", None) or ""):
                percent.add(column)
        grid.append(values)
    return grid, percent


def _first_sheet_path(archive) -> str | None:
    """The zip entry of the workbook's first sheet (as openpyxl's `worksheets[0]`), from workbook.xml and its rels."""
    rid = _first(archive, "xl/workbook.xml", f"{MAIN} sheet", f"{DOC_RELS} id")
    if rid is None:
        return None
    targets: dict[str, str] = {}

    def relation(name, attrs):
        if name == f"{RELS} Relationship":
            targets[attrs.get("Id", "")] = attrs.get("Target", "")

    _scan(archive, "xl/_rels/workbook.xml.rels", relation)
    target = targets.get(rid)
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))


def _first(archive, entry: str, element: str, attribute: str) -> str | None:
    found: list[str] = []

    def start(name, attrs):
        if name == element and not found:
            found.append(attrs.get(attribute))

    _scan(archive, entry, start)
    return found[0] if found else None


def _merged_ranges(archive, sheet_path: str | None) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of each merged range of the sheet."""
    ranges: list[tuple[int, int, int, int]] = []

    def start(name, attrs):
        if name == f"{MAIN} mergeCell" and attrs.get("ref"):
            if len(ranges) >= FILL_BUDGET:
                raise SheetRefused(TOO_MANY_MERGES)
            try:
                ranges.append(range_boundaries(attrs["ref"]))
            except (ValueError, TypeError):
                pass  # a range Excel would not write: left as it is

    if sheet_path:
        _scan(archive, sheet_path, start)
    return ranges


def _scan(archive, entry: str, start) -> None:
    """Call `start(name, attributes)` for each element of a zip entry, names as "namespace local"; no tree is
    built and a document type declaration (entities) refuses the file."""
    def doctype(*_):
        raise UnreadableFile(UNREADABLE)

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = doctype
    try:
        with archive.open(entry) as source:
            parser.ParseFile(source)
    except KeyError:
        return  # no such part: nothing to read
    except xml.parsers.expat.ExpatError as exc:
        raise UnreadableFile(UNREADABLE) from exc


def _fill_merged(grid: list[list], ranges) -> None:
    """Fill each merged range, clipped to the grid, with its top-left value (a header's group cell reads in every
    column it spans); SheetRefused past `FILL_BUDGET` cells."""
    budget = FILL_BUDGET
    for min_col, min_row, max_col, max_row in ranges:
        if min_row > len(grid) or min_col > GRID_COLUMNS or None in (min_col, min_row, max_col, max_row):
            continue
        top_row = grid[min_row - 1]
        top = top_row[min_col - 1] if min_col - 1 < len(top_row) else None
        last_row, last_col = min(max_row, len(grid)), min(max_col, GRID_COLUMNS)
        budget -= (last_row - min_row + 1) * (last_col - min_col + 1)
        if budget < 0:
            raise SheetRefused(TOO_MANY_MERGES)
        for r in range(min_row - 1, last_row):
            row = grid[r]
            if len(row) < last_col:
                row.extend([None] * (last_col - len(row)))
            for c in range(min_col - 1, last_col):
                row[c] = top
