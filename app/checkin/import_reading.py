"""Reading an attendee list as offices really have it (issue 22 items 5 and 6), once, at upload.

`read_upload(data, ext)` turns the uploaded bytes into a `Table`: at most `MAX_ROWS` data rows of at most
`MAX_COLUMNS` text cells, the number of data rows the file really had (so the preview can say how many are left
out, never a silent cut) and the encoding it was read in.

- XLSX: the zip's entries are checked before openpyxl opens it (app/upload_checks.py: a zip bomb is refused by
  its declared uncompressed size and ratio, a file that is no zip at all by that); the sheet's declared dimension is ignored (`A1:XFD5001` is read by its real
  cells) and columns past `MAX_COLUMNS` are never built.
- CSV: UTF-8 with or without BOM, UTF-16 (Excel's "Unicode text", tab-separated), else Windows-1258 when the
  text reads as Vietnamese (its combining tone marks composed, NFC); anything else — a TCVN3/VNI-era file among
  them — is refused with the encoding to save as. Nothing is ever decoded into replacement characters.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from app.upload_checks import UnreadableFile, checked_xlsx

MAX_ROWS = 5000  # data rows kept (the header aside)
MAX_COLUMNS = 40
SAVE_AS = "Hãy mở tệp bằng Excel và lưu lại dạng “CSV UTF-8 (Comma delimited)” (hoặc .xlsx) rồi tải lên lại."
VIETNAMESE = set("ăâđêôơưĂÂĐÊÔƠƯ")  # letters every Vietnamese list has, absent from Western text


@dataclass(frozen=True)
class Table:
    """The header and the first `MAX_ROWS` non-blank data rows; `total` data rows were in the file."""

    rows: list[list[str]]
    total: int
    encoding: str

    @property
    def left_out(self) -> int:
        """Data rows of the file that are not imported (past `MAX_ROWS`)."""
        return max(0, self.total - max(0, len(self.rows) - 1))


def read_upload(data: bytes, ext: str) -> Table:
    """The uploaded bytes of a .csv or .xlsx as a Table (UnreadableFile with the reason otherwise)."""
    if ext == ".xlsx":
        return _read_xlsx(data)
    text, encoding = decode_text(data)
    return _collect(_csv_rows(text), encoding)


def _collect(rows, encoding: str) -> Table:
    kept, total = [], -1  # the first non-blank row is the header
    for row in rows:
        if total >= MAX_ROWS:  # past the limit, only counted
            total += any(v is not None and str(v).strip() for v in row)
            continue
        cells = ["" if v is None else str(v).strip() for v in row[:MAX_COLUMNS]]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            total += 1
            kept.append(cells)
    return Table(kept, max(total, 0), encoding)


# ---------------------------------------------------------------- CSV


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV and the encoding it was in; UnreadableFile naming the encoding to save as."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "UTF-8 (BOM)"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "UTF-16"
    sample = data[:4000]
    odd, even = sample[1::2].count(0), sample[0::2].count(0)
    if odd > len(sample) // 5 and even * 4 < odd:  # Excel's "Unicode text" without its BOM: ASCII bytes, then 0
        return _strict(data, "utf-16-le"), "UTF-16"
    if even > len(sample) // 5 and odd * 4 < even:
        return _strict(data, "utf-16-be"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        text = unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        text = ""
    if text and VIETNAMESE.intersection(text) and not _looks_legacy(text):
        return text, "Windows-1258"
    raise UnreadableFile("Tệp không ở dạng mã hóa UTF-8 (có thể là TCVN3/ABC, VNI hoặc Windows-1258 không đọc được). "
                         + SAVE_AS)


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise UnreadableFile(f"Tệp có byte không hợp lệ ở dạng {codec.upper()}. " + SAVE_AS) from exc


def _looks_legacy(text: str) -> bool:
    """TCVN3 and VNI put Vietnamese letters on Latin-1 symbols (¸ µ ¶ · ¹ ...): read as Windows-1258 they show up."""
    odd = sum(1 for c in text if "\u00a1" <= c <= "\u00bf" or c in "¤¥¦§¨©ª«¬®¯")
    return odd > max(3, len(text) // 200)


def _csv_rows(text: str):
    sample = text[:4096]
    dialect = csv.excel_tab if "\t" in sample and sample.count("\t") >= sample.count(",") else csv.excel
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        pass
    return csv.reader(io.StringIO(text, newline=""), dialect)


# ---------------------------------------------------------------- XLSX


def _read_xlsx(data: bytes) -> Table:
    checked_xlsx(data, "một danh sách người tham dự", "Hãy lưu chỉ trang danh sách, dạng .xlsx hoặc CSV UTF-8.")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 — any unreadable workbook is the user's input, not our bug
        raise UnreadableFile("Không đọc được tệp Excel này.") from exc
    try:
        sheet = wb.active
        sheet.reset_dimensions()  # a declared A1:XFD5001 would be 82 million cells: read the real ones only
        return _collect(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), "XLSX")
    except Exception as exc:  # noqa: BLE001
        raise UnreadableFile("Không đọc được tệp Excel này.") from exc
    finally:
        wb.close()
