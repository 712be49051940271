"""Attendee import (SPEC §5 walk-ins): a CSV/XLSX list is kept, previewed with per-row errors, then confirmed.

The API, in the order a user goes through it:
- `save_upload(activity_id, file, actor_id, now)` reads the uploaded file once (app/checkin/import_reading.py)
  and keeps its parsed rows under a random id, as an `ImportUpload` row (`ImportRefused` if it is not a readable
  .csv/.xlsx); the file itself is never stored;
- `kept_upload(activity_id, upload_id, now)` finds it again (None: unknown id, another activity's, or older than
  24 hours), `table_of(kept)` gives its rows; `mapping_from(args, header)` the column chosen for each field
  (guessed from the header's names unless the preview page says otherwise);
- `preview(activity, rows, mapping, now)` validates every row and writes nothing;
- `claim(kept, now)` takes the upload for one confirmation only (a second confirm is told, not run), then
  `confirm(activity, rows, mapping, actor, now, upload_id)` writes the valid rows (source `import`) in
  batches, yielding after each; the caller commits each batch, then `finish`es the upload (its rows forgotten);
  `cancel` forgets it at once, and `purge_expired` (the hourly job `import_cleanup`, and every upload) after
  24 hours.
Both validate with the one person schema of `services.clean_person`; the communes of residence and the phones
already checked in are read once per file, not once per row. Confirming validates every row first, then
writes them in transactions of `BATCH_ROWS` rows, each one `INSERT … ON CONFLICT DO NOTHING` of many rows, so
the write slot (SQLite's write gate, app/write_gate.py) is held for one batch at a time and a check-in at the
door waits for one batch at most, never for the whole file.
"""

from __future__ import annotations

import os
import re
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, or_, select, update

from app.checkin import services as svc
from app.checkin.import_reading import Table, read_upload
from app.checkin.tokens import short_code
from app.extensions import db
from app.models import CheckIn, Commune, ImportUpload
from app.models.voice import FOLLOWED_BHYT, FollowUp, followup_values
from app.upload_checks import UnreadableFile

UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
IMPORT_EXTS = (".csv", ".xlsx")
IMPORT_MAX_ROWS = 5000
KEEP_FOR = timedelta(hours=24)  # an upload neither confirmed nor cancelled is forgotten after a day
STALE_CLAIM = timedelta(minutes=10)  # a confirmation that has written nothing for this long died with its process
BATCH_ROWS = 100  # rows per transaction when confirming: the write slot is free again between batches
BATCH_PAUSE = 0.02  # seconds between batches: a waiting writer (thread lock, or the gate file retried every ≤ 1 ms) gets in
SUBDIR = "imports"  # where versions before issue 22 kept the uploaded files

HEADER_ALIASES = {
    "full_name": ("ho va ten", "ho ten", "full_name", "name", "ten"),
    "phone": ("so dien thoai", "sdt", "dien thoai", "phone"),
    "birth_year": ("nam sinh", "birth_year", "year"),
    "audience": ("nhom", "nhom doi tuong", "audience"),
    "residence_code": ("ma xa", "noi cu tru", "residence_code", "ma don vi"),
    "bhyt_status": ("bhyt", "the bhyt", "bhyt_status"),
    "topics": ("can tu van", "topics", "noi dung"),
    "consent": ("dong y", "consent"),
}
FIELDS = tuple(HEADER_ALIASES)
FIELD_LABELS = {"full_name": "Họ và tên", "phone": "Số điện thoại", "birth_year": "Năm sinh",
                "audience": "Nhóm đối tượng (1–6)", "residence_code": "Mã xã nơi cư trú",
                "bhyt_status": "Thẻ BHYT (valid/none/expired)", "topics": "Cần tư vấn",
                "consent": "Đồng ý xử lý dữ liệu"}
ALREADY_NOTE = "Đã điểm danh (bỏ qua)"


class ImportRefused(Exception):
    """The uploaded file cannot be imported; the message is for the user (next to the file field)."""


@dataclass
class PreviewRow:
    """One line of the file as the preview shows it: its data, per-field errors, or a note (a repeat)."""

    line: int
    data: dict
    errors: dict = field(default_factory=dict)
    note: str = ""


@dataclass
class Preview:
    """Every row checked; `valid` rows would be written by `confirm`."""

    items: list[PreviewRow]

    @property
    def valid(self) -> int:
        """Rows with no error that are not already checked in."""
        return sum(1 for i in self.items if not i.errors and not i.note)


@dataclass(frozen=True)
class ImportResult:
    """What `confirm` wrote: new check-ins, rows already there (same phone), rows refused."""

    created: int
    duplicates: int
    errors: int


# ---------------------------------------------------------------- the kept upload


def save_upload(activity_id: int, upload, actor_id: int | None, now: datetime) -> str:
    """Read an uploaded .csv/.xlsx (a werkzeug FileStorage) once and keep its rows under a new random id (flushes).

    The file itself is never written to disk: its parsed rows are all that is kept, in the database (every
    gunicorn process and machine sees them), until the import is confirmed or cancelled, 24 hours at most."""
    ext = os.path.splitext(upload.filename or "")[1].lower()
    if ext not in IMPORT_EXTS:
        raise ImportRefused("Chỉ nhận tệp .csv hoặc .xlsx.")
    try:
        table = read_upload(upload.read(), ext)
    except UnreadableFile as exc:  # issue 22: says why (a bomb, an encoding) and what to save as
        raise ImportRefused(str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 — any unreadable file is the user's input, not our bug
        raise ImportRefused("Không đọc được tệp này.") from exc
    purge_expired(now)  # on every upload as well as by the hourly job: nobody's list outlives its day
    kept = ImportUpload(id=secrets.token_hex(16), activity_id=activity_id, created_by_id=actor_id, created_at=now,
                        encoding=table.encoding, total=table.total, rows=table.rows, state="pending")
    db.session.add(kept)
    db.session.flush()
    return kept.id


def kept_upload(activity_id: int, upload_id: str, now: datetime) -> ImportUpload | None:
    """This activity's upload with this random id, unless unknown or older than `KEEP_FOR`."""
    if not UPLOAD_ID.match(upload_id or ""):
        return None
    return db.session.scalar(select(ImportUpload).where(ImportUpload.id == upload_id,
                                                        ImportUpload.activity_id == activity_id,
                                                        ImportUpload.created_at > now - KEEP_FOR))


def table_of(kept: ImportUpload) -> Table:
    """The rows as read at upload (never read from the file again)."""
    return Table(kept.rows or [], kept.total, kept.encoding)


def claim(kept: ImportUpload, now: datetime) -> bool:
    """Take the upload for confirming, with one UPDATE, so that of two confirms (a double click, two tabs, two
    processes) one writes and the other is told; one left half-done by a killed process is taken again after
    `STALE_CLAIM` (its rows' nonces store nothing twice). The caller commits at once."""
    stale = now - STALE_CLAIM
    taken = db.session.execute(
        update(ImportUpload).where(ImportUpload.id == kept.id, or_(
            ImportUpload.state == "pending",
            and_(ImportUpload.state == "confirming", ImportUpload.claimed_at < stale)))
        .values(state="confirming", claimed_at=now).execution_options(synchronize_session=False))
    return bool(taken.rowcount)


def finish(kept: ImportUpload, result: ImportResult) -> None:
    """Mark a confirmed upload done: its rows are forgotten, what was written is kept for a repeated request."""
    kept.state, kept.rows = "done", None
    kept.created, kept.duplicates, kept.errors = result.created, result.duplicates, result.errors
    db.session.flush()


def cancel(kept: ImportUpload) -> None:
    """Forget an upload that will not be imported ("Hủy")."""
    db.session.delete(kept)
    db.session.flush()


def purge_expired(now: datetime) -> int:
    """Forget every upload older than `KEEP_FOR`, confirmed or not; how many."""
    return db.session.execute(delete(ImportUpload).where(ImportUpload.created_at <= now - KEEP_FOR)).rowcount or 0


def purge_old_files(upload_dir: str, now: datetime) -> int:
    """Remove files an older version kept under `UPLOAD_DIR/imports` (whole uploaded lists) once `KEEP_FOR` old."""
    folder = os.path.join(upload_dir, SUBDIR)
    if not os.path.isdir(folder):
        return 0
    removed, limit = 0, now.timestamp() - KEEP_FOR.total_seconds()
    for entry in os.scandir(folder):
        if entry.is_file() and entry.stat().st_mtime < limit:
            os.remove(entry.path)
            removed += 1
    return removed


# ---------------------------------------------------------------- reading


def guess_mapping(header: list[str]) -> dict[str, int | None]:
    """Column index per field from the header's (unaccented) names."""
    keys = [svc.name_key(h) for h in header]
    return {name: next((i for i, k in enumerate(keys) if k in aliases), None)
            for name, aliases in HEADER_ALIASES.items()}


def mapping_from(args, header: list[str]) -> dict[str, int | None]:
    """The mapping chosen on the preview page (`map_<field>` = column index or empty), else the guess."""
    mapping = guess_mapping(header)
    for name in FIELDS:
        raw = args.get(f"map_{name}")
        if raw is not None:
            mapping[name] = int(raw) if raw.isascii() and raw.isdigit() and int(raw) < len(header) else None
    return mapping


def row_data(row: list[str], mapping: dict) -> dict:
    """A row as the schema's dict; a list on paper had the person's consent unless a column says otherwise."""
    data = {name: (row[i] if i is not None and i < len(row) else "") for name, i in mapping.items()}
    if mapping.get("consent") is None:
        data["consent"] = "1"
    return data


# ---------------------------------------------------------------- preview and confirm


def residence_ids() -> dict[str, int]:
    """Commune id by code, read once for a whole file."""
    return dict(db.session.execute(select(Commune.code, Commune.id)).all())


def _checked(activity, rows: list[list[str]], mapping: dict, now: datetime, first: int = 1, last: int | None = None,
             residences: dict[str, int] | None = None) -> list:
    """(PreviewRow, clean person or None) for the data rows `first`…`last` (all by default), without writing."""
    residences = residence_ids() if residences is None else residences
    out = []
    for line, row in enumerate(rows[first:last], start=first + 1):
        item = PreviewRow(line, row_data(row, mapping))
        try:
            clean = svc.clean_person(item.data, activity, now, residences=residences)
        except svc.CheckinRefused as refusal:
            item.errors = refusal.fields or {"_": refusal.message}
            clean = None
        out.append((item, clean))
    return out


def preview(activity, rows: list[list[str]], mapping: dict, now: datetime) -> Preview:
    """Validate every row without writing: errors per row; phones already checked in, or repeated, noted."""
    present = set(db.session.scalars(select(CheckIn.phone).where(CheckIn.activity_id == activity.id,
                                                                 CheckIn.phone.is_not(None))))
    items = []
    for item, clean in _checked(activity, rows, mapping, now):
        phone = clean["phone"] if clean else None
        if phone and phone in present:
            item.note = ALREADY_NOTE
        if phone:
            present.add(phone)
        items.append(item)
    return Preview(items)


def confirm(activity, rows: list[list[str]], mapping: dict, actor, now: datetime, upload_id: str,
            batch: int = BATCH_ROWS) -> Iterator[ImportResult]:
    """Write the valid rows as check-ins (source `import`), one batch at a time: yields each batch's counts
    after flushing it, and the caller commits each (so the write slot is never held for the whole file, and a
    long file never keeps thousands of rows alive, whose garbage collection would pause the process).

    Each row carries the nonce `i<upload id>-<line>`: confirming the same file again, or again after a failure
    part-way, stores no row twice; a phone already checked in is stored once, as on every path.
    """
    residences = residence_ids()
    for first in range(1, max(len(rows), 2), batch):  # validated and written a batch at a time: little kept alive
        checked = _checked(activity, rows, mapping, now, first, first + batch, residences)
        values = [dict(activity_id=activity.id, source="import", nonce=f"i{upload_id}-{item.line}",
                       registration_id=None, created_at=now, created_by_id=getattr(actor, "id", None),
                       code=short_code(), **person) for item, person in checked if person is not None]
        created = svc.insert_many(CheckIn, values) if values else 0
        if created:
            _open_followups(activity, [v["nonce"] for v in values if v["bhyt_status"] in FOLLOWED_BHYT])
        yield ImportResult(created=created, duplicates=len(values) - created, errors=len(checked) - len(values))
        time.sleep(BATCH_PAUSE)  # committed: a writer waiting for the slot takes it before the next batch


def _open_followups(activity, nonces: list[str]) -> None:
    """The follow-up items (SPEC §17) the new rows without a valid card open, as `record_checkin` does."""
    if not nonces:
        return
    stored = db.session.scalars(select(CheckIn).where(CheckIn.activity_id == activity.id, CheckIn.nonce.in_(nonces)))
    rows = [f for f in (followup_values(c, activity.commune_id) for c in stored) if f is not None]
    if rows:
        svc.insert_many(FollowUp, rows)


def total(results) -> ImportResult:
    """The sum of the batches' counts."""
    results = list(results)
    return ImportResult(*(sum(getattr(r, f) for r in results) for f in ("created", "duplicates", "errors")))
