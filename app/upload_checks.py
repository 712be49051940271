"""The checks every uploaded spreadsheet passes before a parser opens it (issue 22 item 6), for every import of
the app: the attendee lists (app/checkin/import_reading.py) and the commune targets and actuals
(app/targets/workbook.py). An .xlsx is a zip: its entries are read from the zip's directory, so a file that is not
a zip (a web page saved with an .xlsx name) and a zip bomb (a few hundred kilobytes declaring hundreds of
megabytes) are refused before openpyxl reads a byte of the sheet.
"""

import io
import zipfile

XLSX_MAX_UNCOMPRESSED = 64 * 1024 * 1024  # all entries together, as the zip declares them
XLSX_MAX_RATIO = 200  # uncompressed / compressed, per entry (office files: 5–30)
NOT_XLSX = "Tệp .xlsx bị hỏng hoặc không phải tệp Excel."


class UnreadableFile(Exception):
    """The file cannot be read as a list; the message (Vietnamese) says why and what to do."""


def checked_xlsx(data: bytes, what: str, advice: str = "Hãy lưu chỉ trang cần nhập, dạng .xlsx.",
                 max_uncompressed: int = XLSX_MAX_UNCOMPRESSED) -> zipfile.ZipFile:
    """The .xlsx bytes as an open zip once its entries pass: UnreadableFile when it is not a zip, or when it would
    unpack to more than `max_uncompressed` bytes or an entry to over `XLSX_MAX_RATIO` times its packed size.
    `what` names what the file should hold, `advice` what to save instead, for the message."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableFile(NOT_XLSX) from exc
    if "[Content_Types].xml" not in {e.filename for e in entries}:
        raise UnreadableFile(NOT_XLSX)  # a zip, but not an Office document
    if sum(e.file_size for e in entries) > max_uncompressed or any(
            e.file_size > XLSX_MAX_RATIO * max(e.compress_size, 1) and e.file_size > 1024 * 1024 for e in entries):
        raise UnreadableFile(f"Tệp Excel này khi giải nén quá lớn so với {what} "
                             f"(tối đa {max_uncompressed // (1024 * 1024)} MB). {advice}")
    return archive
