"""Load the yearly allocation ("bảng phân bổ chi tiết") or a month's actuals from an Excel file (SPEC §16).

In the order a user goes through it: `save_upload` reads the file within the upload checks of every import and
keeps it, once readable, under a random id for 24 hours at most (`purge_expired`, hourly); `preview(path, kind,
period)` reads it (app/targets/sheet_reader.py), finds each row's commune by code or by name, validates every
row with the API's declarations (app/schemas/targets.py) and writes nothing; `confirm` stores the rows — only
when no row has an error: like `PUT /api/v1/targets/communes`, one bad row refuses the file (the preview says which
rows, by their row number in the file). Services flush; the caller commits and then `discard`s the file.
"""

import os
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import ValidationError
from sqlalchemy import select

from app.extensions import db
from app.models import Commune
from app.schemas.targets import FIELD_MESSAGES, CommuneActualIn, CommuneTargetIn
from app.targets import communes as store
from app.targets.sheet_reader import SheetRefused, read_rows, words
from app.targets.workbook import read_grid
from app.upload_checks import UnreadableFile

SUBDIR = "target-imports"  # under UPLOAD_DIR; the attendee lists' old files are in "imports"
KEEP_FOR = timedelta(hours=24)  # a preview neither confirmed nor abandoned by hand is removed after a day
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
KINDS = {"targets": CommuneTargetIn, "actuals": CommuneActualIn}
UNKNOWN_CODE = "Không có đơn vị cấp xã mã “{code}”."
UNKNOWN_NAME = "Không tìm thấy đơn vị cấp xã tên “{name}”; ghi mã đơn vị để chắc chắn."
NO_UNIT = "Thiếu mã và tên đơn vị."
DUPLICATE = "Trùng với dòng {line} (cùng đơn vị)."
NOT_XLSX = "Chỉ nhận tệp Excel .xlsx."
TOO_BIG = "Tệp quá lớn (tối đa {mb} MB)."


@dataclass
class PreviewRow:
    """One row of the file as the preview shows it."""

    line: int
    code: str
    name: str
    figures: dict
    errors: dict = field(default_factory=dict)
    commune_name: str | None = None


@dataclass
class Preview:
    """Every data row checked, the rows left out (totals, column numbers) and the columns found."""

    rows: list[PreviewRow]
    skipped: list[tuple[int, str]]
    columns: dict

    @property
    def errors(self) -> int:
        """Rows with at least one error."""
        return sum(1 for r in self.rows if r.errors)

    @property
    def valid(self) -> int:
        """Rows that would be stored."""
        return len(self.rows) - self.errors


class ImportRefused(Exception):
    """The file cannot be imported; the message is for the user (next to the file field)."""


def _directory(upload_dir: str) -> str:
    path = os.path.join(upload_dir, SUBDIR)  # shared storage: preview and confirm may reach different machines
    os.makedirs(path, exist_ok=True)
    return path


def save_upload(upload, upload_dir: str, max_bytes: int) -> str:
    """Keep an uploaded .xlsx (a werkzeug FileStorage) under a new random id once it reads as a table; the id.

    The bytes pass the upload checks of every import (app/targets/workbook.py → app/upload_checks.py) and are read
    before anything is written: a zip bomb, a web page named .xlsx or a sheet without the table's header is refused
    (ImportRefused, Vietnamese) with nothing kept. Only a readable file is kept, `KEEP_FOR` at most."""
    if os.path.splitext(upload.filename or "")[1].lower() != ".xlsx":
        raise ImportRefused(NOT_XLSX)
    body = upload.read(max_bytes + 1)
    if len(body) > max_bytes:
        raise ImportRefused(TOO_BIG.format(mb=max_bytes // (1024 * 1024)))
    sheet_of(body)
    upload_id = secrets.token_hex(16)
    with open(os.path.join(_directory(upload_dir), f"{upload_id}.xlsx"), "wb") as fh:
        fh.write(body)
    return upload_id


def upload_path(upload_id: str, upload_dir: str, now: datetime) -> str | None:
    """The kept upload with this random id, or None (unknown, or older than `KEEP_FOR`)."""
    if not UPLOAD_ID.match(upload_id or ""):
        return None
    path = os.path.join(_directory(upload_dir), f"{upload_id}.xlsx")
    try:
        kept_at = os.stat(path).st_mtime
    except FileNotFoundError:
        return None
    return path if kept_at > now.timestamp() - KEEP_FOR.total_seconds() else None


def discard(path: str) -> None:
    """Delete a kept upload once it is stored."""
    if os.path.exists(path):
        os.remove(path)


def purge_expired(upload_dir: str, now: datetime) -> int:
    """Remove the kept uploads older than `KEEP_FOR` (previews nobody confirmed); how many. The hourly job
    `import_cleanup` runs it beside the attendee lists' own."""
    folder = os.path.join(upload_dir, SUBDIR)
    if not os.path.isdir(folder):
        return 0
    removed, limit = 0, now.timestamp() - KEEP_FOR.total_seconds()
    for entry in os.scandir(folder):
        if entry.is_file() and entry.stat().st_mtime <= limit:
            os.remove(entry.path)
            removed += 1
    return removed


def sheet_of(body: bytes):
    """The table of the file's first sheet (app.targets.sheet_reader.Sheet); ImportRefused saying why not."""
    try:
        grid, percent = read_grid(body)
        return read_rows(grid, percent, first_line=1)
    except (SheetRefused, UnreadableFile) as exc:
        raise ImportRefused(str(exc)) from exc


def read_sheet(path: str):
    """The table of a kept upload (checked again: the same bounds as at upload)."""
    with open(path, "rb") as fh:
        return sheet_of(fh.read())


def _exact(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def _keys(name: str) -> list[str]:
    """Ways a file may write a commune's name, most exact first: as written (case aside), without its kind
    ("Hải Dương" for "Phường Hải Dương"), then unaccented — "Xã Cẩm Giang" and "Xã Cẩm Giàng" are two communes, so
    an unaccented name counts only when one commune has it."""
    exact, plain = _exact(name), words(name)
    return [exact, re.sub(r"^(phường|xã|đặc khu) ", "", exact), plain, re.sub(r"^(phuong|xa|dac khu) ", "", plain)]


def _communes() -> tuple[dict[str, str], list[dict[str, set[str]]]]:
    """Names by code, and for each way of writing a name (`_keys`) the codes written so."""
    by_code: dict[str, str] = {}
    by_key: list[dict[str, set[str]]] = [{}, {}, {}, {}]
    for code, name in db.session.execute(select(Commune.code, Commune.name)):
        by_code[code] = name
        for level, key in enumerate(_keys(name)):
            by_key[level].setdefault(key, set()).add(code)
    return by_code, by_key


def _code_of(name: str, by_key) -> str | None:
    """The one commune a written name means, or None (unknown, or several)."""
    for level, key in enumerate(_keys(name)):
        codes = by_key[level].get(key, set())
        if len(codes) == 1:
            return next(iter(codes))
        if codes:
            return None
    return None


def preview(path: str, kind: str, period) -> Preview:
    """Check every row of the file for `kind` ("targets", period = the year; "actuals", period = "YYYY-MM")
    without writing: the commune of each row, the declaration's rules, rows repeating a commune."""
    sheet = read_sheet(path)
    declaration = KINDS[kind]
    by_code, by_key = _communes()
    seen: dict[str, int] = {}
    rows = []
    for raw in sheet.rows:
        row = PreviewRow(raw.line, raw.code, raw.name, dict(raw.figures), dict(raw.errors))
        code = raw.code
        if code:
            if code not in by_code:
                row.errors["code"] = UNKNOWN_CODE.format(code=code)
        elif raw.name:
            code = row.code = _code_of(raw.name, by_key) or ""
            if not code:
                row.errors["name"] = UNKNOWN_NAME.format(name=raw.name)
        else:
            row.errors["code"] = NO_UNIT
        row.commune_name = by_code.get(code)
        if row.commune_name and code in seen:
            row.errors["code"] = DUPLICATE.format(line=seen[code])
        elif row.commune_name:
            seen[code] = raw.line
        body = {"code": code or "?", **{k: v for k, v in raw.figures.items() if k not in raw.errors},
                **({"year": period} if kind == "targets" else {"month": period})}
        try:
            declaration.model_validate(body)
        except ValidationError as exc:
            for error in exc.errors():
                name = str(error["loc"][0]) if error.get("loc") else "code"
                if name != "code":
                    row.errors.setdefault(name, FIELD_MESSAGES.get(name, "Giá trị không hợp lệ."))
        rows.append(row)
    return Preview(rows, sheet.skipped, sheet.columns)


def confirm(path: str, kind: str, period, actor_id: int | None) -> int:
    """Store every row of the file (insert or replace), or nothing: ImportRefused when a row has an error."""
    checked = preview(path, kind, period)
    if checked.errors or not checked.rows:
        raise ImportRefused(f"Tệp còn {checked.errors} dòng lỗi: không dòng nào được lưu.")
    declaration = KINDS[kind]
    period_field = {"year": period} if kind == "targets" else {"month": period}
    rows = [declaration.model_validate({"code": r.code, **r.figures, **period_field}) for r in checked.rows]
    _, ids = store.row_problems(rows)
    (store.store_targets if kind == "targets" else store.store_actuals)(rows, ids, actor_id)
    return len(rows)
