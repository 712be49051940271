"""Activity services (SPEC §3, §7, §8, §12): validation shared by form and API, writes, photos, exports.

Plain functions with explicit `actor` and `now`; they flush, the caller commits once.
"""

import csv
import io
import os
import secrets
from datetime import date, datetime, time, timedelta

from PIL import Image, UnidentifiedImageError
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.activities.counted import counted_results, total_results
from app.activities.kinds import (
    COUNT,
    KINDS,
    MAX_YEAR,
    MIN_YEAR,
    QR_KINDS,
    STATUS_LABELS,
    STATUSES,
    URLS,
    clean_results,
    evidence_date,
    is_http_url,
)
from app.auth.access import scope
from app.checkin.tokens import new_public_token, new_qr_nonce
from app.extensions import db
from app.formatting import TZ, local
from app.models import Activity, Commune, Photo
from app.models.audit import record

MAX_TITLE, MAX_VENUE, MAX_ORGANISER, MAX_REASON, MAX_NOTES = 300, 300, 200, 500, 5000
MAX_PARTNERS, MAX_PARTNER_LEN, MAX_LINKS, MAX_LINK_LEN = 20, 100, 20, 1000
AUDIENCE_IDS, MESSAGE_IDS = range(1, 7), range(1, 20)
FIELDS = ("commune_code", "kind", "title", "start", "end", "venue", "organiser", "status", "cancel_reason",
          "partners", "audiences", "messages", "results", "links", "notes")
IMAGE_TYPES = {"JPEG": ("image/jpeg", ".jpg"), "PNG": ("image/png", ".png"), "WEBP": ("image/webp", ".webp")}
THUMB_SIZE = 320


class ActivityError(Exception):
    """Validation failed: `errors` maps each field to its Vietnamese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


# --------------------------------------------------------------------------- parsing


def parse_datetime(value, end_of_day: bool = False) -> datetime | None:
    """An aware datetime from a datetime, ISO 8601 or dd/mm/yyyy [HH:MM]; naive = Asia/Ho_Chi_Minh (SPEC §12)."""
    if isinstance(value, datetime):
        result = value
    elif isinstance(value, date):
        result = datetime.combine(value, time(23, 59) if end_of_day else time(0, 0))
    elif isinstance(value, str) and value.strip() and len(value) <= 40:
        text = value.strip()
        result = None
        if "/" in text:
            day_part, _, time_part = text.partition(" ")
            try:
                d, m, y = (int(p) for p in day_part.split("/"))
                day = date(y, m, d)
                if time_part.strip():
                    hh, mm = (int(p) for p in time_part.strip().split(":")[:2])
                    result = datetime.combine(day, time(hh, mm))
                else:
                    result = datetime.combine(day, time(23, 59) if end_of_day else time(0, 0))
            except (ValueError, TypeError):
                return None
        else:
            try:
                if len(text) == 10:
                    day = date.fromisoformat(text)
                    result = datetime.combine(day, time(23, 59) if end_of_day else time(0, 0))
                else:
                    result = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                return None
    else:
        return None
    return local(result)


def _int_list(raw, allowed: range, name: str, errors: dict) -> list[int]:
    """Whole numbers within `allowed`, deduplicated and sorted."""
    if raw is None or raw == "":
        return []
    if not isinstance(raw, list | tuple):
        errors[name] = "Phải là một danh sách số."
        return []
    out = set()
    for item in raw:
        try:
            if isinstance(item, bool) or isinstance(item, float):
                raise ValueError
            number = int(item)
        except (TypeError, ValueError):
            errors[name] = f"Giá trị “{str(item)[:20]}” không hợp lệ."
            return []
        if number not in allowed:
            errors[name] = f"Chỉ chọn trong khoảng {allowed.start}–{allowed.stop - 1}."
            return []
        out.add(number)
    return sorted(out)


def _str_list(raw, name: str, errors: dict) -> list[str]:
    """A list of stripped non-empty strings (a string splits on new lines)."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = raw.splitlines()
    if not isinstance(raw, list | tuple):
        errors[name] = "Phải là một danh sách."
        return []
    out: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            errors[name] = "Mỗi phần tử phải là một chuỗi ký tự."
            return []
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return out


def _text(raw, name: str, limit: int, errors: dict, label: str, required: bool = False) -> str:
    """A stripped string of at most `limit` characters."""
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        errors[name] = f"{label} phải là chuỗi ký tự."
        return ""
    value = raw.strip()
    if required and not value:
        errors[name] = f"Vui lòng nhập {label.lower()}."
    elif len(value) > limit:
        errors[name] = f"{label} tối đa {limit} ký tự (đang có {len(value):,}).".replace(",", ".")
    return value


def _commune_id(code, actor, errors: dict) -> int | None:
    """The commune's id; commune users only for their own commune (SPEC §1); admin/city may pick none (city level)."""
    code = (str(code).strip() if code is not None else "")
    if actor.role == "commune":
        if not code:
            return actor.commune_id
        commune = db.session.scalar(select(Commune).where(Commune.code == code[:10]))
        if commune is None:
            errors["commune_code"] = f"Không có đơn vị cấp xã mã “{code[:10]}”."
        elif commune.id != actor.commune_id:
            errors["commune_code"] = "Bạn chỉ được ghi hoạt động của đơn vị mình."
        return actor.commune_id
    if not code:
        return None
    commune = db.session.scalar(select(Commune).where(Commune.code == code[:10]))
    if commune is None:
        errors["commune_code"] = f"Không có đơn vị cấp xã mã “{code[:10]}”."
        return None
    return commune.id


def validate(data: dict, actor) -> tuple[dict, dict]:
    """Check a full activity (API field names) and return (model values, {field: Vietnamese error}).

    One place for the rules of SPEC §3, §7, §8, §12, used by the form, the API and the seed.
    """
    errors: dict[str, str] = {}
    values: dict = {}
    for key in data:
        if key not in FIELDS:
            errors[key] = "Trường này không được hỗ trợ."
    values["commune_id"] = _commune_id(data.get("commune_code"), actor, errors)
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        errors["kind"] = "Loại hoạt động không hợp lệ: chọn một trong 14 loại."
        kind = None
    values["kind"] = kind
    values["title"] = _text(data.get("title"), "title", MAX_TITLE, errors, "Tiêu đề", required=True)
    values["venue"] = _text(data.get("venue"), "venue", MAX_VENUE, errors, "Địa điểm")
    values["organiser"] = _text(data.get("organiser"), "organiser", MAX_ORGANISER, errors, "Đơn vị chủ trì")
    values["notes"] = _text(data.get("notes"), "notes", MAX_NOTES, errors, "Ghi chú")
    for name, label, end_of_day in (("start", "thời gian bắt đầu", False), ("end", "thời gian kết thúc", True)):
        raw = data.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors[name] = f"Vui lòng nhập {label}."
            values[name] = None
            continue
        parsed = parse_datetime(raw, end_of_day=end_of_day)
        if parsed is None:
            errors[name] = "Ngày giờ không hợp lệ (dd/mm/yyyy HH:MM hoặc ISO 8601)."
        elif not MIN_YEAR <= parsed.year <= MAX_YEAR:
            errors[name] = f"Năm phải trong khoảng {MIN_YEAR}–{MAX_YEAR}."
            parsed = None
        values[name] = parsed
    if values.get("start") and values.get("end") and values["end"] < values["start"]:
        errors["end"] = "Thời gian kết thúc phải sau thời gian bắt đầu."
    partners = _str_list(data.get("partners"), "partners", errors)
    if len(partners) > MAX_PARTNERS:
        errors["partners"] = f"Tối đa {MAX_PARTNERS} đơn vị phối hợp."
    elif any(len(p) > MAX_PARTNER_LEN for p in partners):
        errors["partners"] = f"Tên mỗi đơn vị phối hợp tối đa {MAX_PARTNER_LEN} ký tự."
    values["partners"] = partners
    values["audiences"] = _int_list(data.get("audiences"), AUDIENCE_IDS, "audiences", errors)
    values["messages"] = _int_list(data.get("messages"), MESSAGE_IDS, "messages", errors)
    links = _str_list(data.get("links"), "links", errors)
    if len(links) > MAX_LINKS:
        errors["links"] = f"Tối đa {MAX_LINKS} đường dẫn."
    elif any(len(u) > MAX_LINK_LEN or not is_http_url(u) for u in links):
        errors["links"] = "Mỗi đường dẫn phải bắt đầu bằng http:// hoặc https://."
    values["links"] = links
    status = data.get("status") or "planned"
    if status not in STATUSES:
        errors["status"] = "Trạng thái không hợp lệ (planned, held, cancelled)."
        status = "planned"
    values["status"] = status
    reason = _text(data.get("cancel_reason"), "cancel_reason", MAX_REASON, errors, "Lý do hủy")
    if status == "cancelled" and not reason and "cancel_reason" not in errors:
        errors["cancel_reason"] = "Vui lòng nhập lý do hủy."
    values["cancel_reason"] = reason or None
    values["results"] = {}
    if kind:
        results, result_errors = clean_results(kind, data.get("results") or {}, held=status == "held")
        for key, message in result_errors.items():
            errors["results" if key == "results" else f"results.{key}"] = message
        values["results"] = results
    if values.get("start") and kind:
        values["evidence_date"] = evidence_date(kind, values["start"].date(), values["results"])
    values["start_at"] = values.pop("start")
    values["end_at"] = values.pop("end")
    return values, errors


def as_input(activity: Activity) -> dict:
    """An activity in API field names (the starting point of a partial update)."""
    return {
        "commune_code": activity.commune.code if activity.commune else None,
        "kind": activity.kind, "title": activity.title, "start": local(activity.start_at),
        "end": local(activity.end_at), "venue": activity.venue or "", "organiser": activity.organiser or "",
        "status": activity.status, "cancel_reason": activity.cancel_reason, "partners": list(activity.partners or []),
        "audiences": list(activity.audiences or []), "messages": list(activity.messages or []),
        "results": dict(activity.results or {}), "links": list(activity.links or []), "notes": activity.notes or "",
    }


# --------------------------------------------------------------------------- writes

AUDITED = ("commune_id", "kind", "title", "start_at", "end_at", "venue", "organiser", "status", "cancel_reason",
           "partners", "audiences", "messages", "results", "links", "notes", "evidence_date")


def _jsonable(value):
    """A value the audit log's JSON column can hold."""
    if isinstance(value, datetime):
        return local(value).isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _snapshot(activity: Activity) -> dict:
    """The audited fields of an activity, JSON-ready."""
    return {k: _jsonable(getattr(activity, k)) for k in AUDITED}


def _changes(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that differ."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def create_activity(data: dict, actor, now: datetime) -> Activity:
    """Record a new activity; QR kinds get their poster nonce (SPEC §5). Raises ActivityError."""
    values, errors = validate(data, actor)
    if errors:
        raise ActivityError(errors)
    activity = Activity(**values, created_by_id=actor.id, updated_by_id=actor.id, created_at=now, updated_at=now)
    if activity.kind in QR_KINDS:
        activity.qr_nonce, activity.public_token = new_qr_nonce(), new_public_token()
    db.session.add(activity)
    db.session.flush()
    record(actor.id, "create", "activity", activity.id, changed=_changes({}, _snapshot(activity)))
    return activity


def update_activity(activity: Activity, patch: dict, actor, now: datetime, action: str = "update") -> Activity:
    """Change some fields of an activity (partial); every rule is checked on the result. Raises ActivityError."""
    merged = as_input(activity)
    merged.update(patch)
    values, errors = validate(merged, actor)
    if errors:
        raise ActivityError(errors)
    before = _snapshot(activity)
    for key, value in values.items():
        setattr(activity, key, value)
    if activity.kind in QR_KINDS and not activity.qr_nonce:
        activity.qr_nonce = new_qr_nonce()
    if activity.kind in QR_KINDS and not activity.public_token:
        activity.public_token = new_public_token()
    activity.updated_by_id, activity.updated_at = actor.id, now
    db.session.flush()
    changed = _changes(before, _snapshot(activity))
    if changed:
        record(actor.id, action, "activity", activity.id, changed=changed)
    return activity


def mark_held(activity: Activity, results: dict, actor, now: datetime) -> Activity:
    """Mark an activity held; the kind's required results must be given (SPEC §3)."""
    return update_activity(activity, {"status": "held", "results": results, "cancel_reason": None}, actor, now,
                           action="mark_held")


def cancel_activity(activity: Activity, reason: str, actor, now: datetime) -> Activity:
    """Cancel an activity with a reason; every other field is kept."""
    if not (reason or "").strip():
        raise ActivityError({"cancel_reason": "Vui lòng nhập lý do hủy."})
    return update_activity(activity, {"status": "cancelled", "cancel_reason": reason}, actor, now, action="cancel")


def copy_activity(activity: Activity, start, end, actor, now: datetime) -> Activity:
    """A new planned activity with the same fields and new dates (no results, no photos)."""
    data = as_input(activity)
    data.update(start=start, end=end, status="planned", cancel_reason=None, results={})
    if actor.role != "commune" and activity.commune is None:
        data["commune_code"] = None
    copy = create_activity(data, actor, now)
    record(actor.id, "copy", "activity", copy.id, source_id=activity.id)
    return copy


def delete_activity(activity: Activity, actor, now: datetime, upload_dir: str) -> None:
    """Delete an activity with its photos; the audit log keeps what it was."""
    record(actor.id, "delete", "activity", activity.id, changed=_changes({}, _snapshot(activity)),
           at=now.isoformat())
    for photo in list(activity.photos):
        _remove_files(photo, upload_dir)
    db.session.delete(activity)
    db.session.flush()


# --------------------------------------------------------------------------- photos


def add_photo(activity: Activity, upload, actor, upload_dir: str, max_bytes: int, max_files: int) -> Photo:
    """Store one JPEG/PNG/WebP photo (type checked by content) with a ~320 px thumbnail. Raises ActivityError."""
    name = (getattr(upload, "filename", "") or "")[:255]
    if len(activity.photos) >= max_files:
        raise ActivityError({"photos": f"Mỗi hoạt động tối đa {max_files} ảnh."})
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ActivityError({"photos": f"Ảnh “{name}” lớn hơn {max_bytes // (1024 * 1024)} MB."})
    if not data:
        raise ActivityError({"photos": "Tệp ảnh rỗng."})
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise ActivityError({"photos": f"Tệp “{name}” không phải ảnh JPEG, PNG hoặc WebP hợp lệ."}) from None
    if fmt not in IMAGE_TYPES:
        raise ActivityError({"photos": f"Tệp “{name}” không phải ảnh JPEG, PNG hoặc WebP."})
    content_type, ext = IMAGE_TYPES[fmt]
    os.makedirs(upload_dir, exist_ok=True)
    stem = secrets.token_hex(16)
    stored, thumb = stem + ext, stem + "_t.jpg"
    with open(os.path.join(upload_dir, stored), "wb") as fh:
        fh.write(data)
    small = image.convert("RGB")
    small.thumbnail((THUMB_SIZE, THUMB_SIZE))
    small.save(os.path.join(upload_dir, thumb), "JPEG", quality=82)
    photo = Photo(activity=activity, stored_name=stored, thumb_name=thumb, content_type=content_type,
                  size=len(data), width=image.width, height=image.height, original_name=name,
                  uploaded_by_id=actor.id)
    db.session.add(photo)
    db.session.flush()
    record(actor.id, "add_photo", "activity", activity.id, photo_id=photo.id, name=name, size=len(data))
    return photo


def _remove_files(photo: Photo, upload_dir: str) -> None:
    """Remove a photo's files (missing files are fine)."""
    for name in (photo.stored_name, photo.thumb_name):
        try:
            os.remove(os.path.join(upload_dir, name))
        except FileNotFoundError:
            pass


def delete_photo(photo: Photo, actor, upload_dir: str) -> None:
    """Delete one photo and its files."""
    record(actor.id, "delete_photo", "activity", photo.activity_id, photo_id=photo.id, name=photo.original_name)
    _remove_files(photo, upload_dir)
    db.session.delete(photo)
    db.session.flush()


# --------------------------------------------------------------------------- lists and exports


def local_day_start(day: date) -> datetime:
    """Midnight of a local day, aware."""
    return datetime.combine(day, time(0, 0), tzinfo=TZ)


def filtered_activities(user, commune_id=None, kind=None, status=None, date_from=None, date_to=None, q=None,
                        evidence_from=None, evidence_to=None):
    """The scoped SELECT of activities matching the filters, newest first, commune eager-loaded."""
    stmt = scope(select(Activity), Activity, user).options(joinedload(Activity.commune))
    if commune_id == "city":
        stmt = stmt.where(Activity.commune_id.is_(None))
    elif commune_id is not None:
        stmt = stmt.where(Activity.commune_id == commune_id)
    if kind:
        stmt = stmt.where(Activity.kind == kind)
    if status:
        stmt = stmt.where(Activity.status == status)
    if date_from:
        stmt = stmt.where(Activity.start_at >= local_day_start(date_from))
    if date_to:
        stmt = stmt.where(Activity.start_at < local_day_start(date_to + timedelta(days=1)))
    if evidence_from:
        stmt = stmt.where(Activity.evidence_date >= evidence_from)
    if evidence_to:
        stmt = stmt.where(Activity.evidence_date <= evidence_to)
    if q:
        pattern = "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Activity.title.ilike(pattern, escape="\\"), Activity.venue.ilike(pattern, escape="\\")))
    return stmt.order_by(Activity.start_at.desc(), Activity.id.desc())


def result_columns() -> list[tuple[str, str]]:
    """(key, label) of every result key across the kinds, in first-seen order: one export column each."""
    seen: dict[str, str] = {}
    for kind in KINDS.values():
        for field in kind.results:
            seen.setdefault(field.key, field.label)
    return list(seen.items())


BASE_HEADERS = ("STT", "Mã đơn vị", "Đơn vị", "Loại hoạt động", "Tiêu đề", "Ngày bắt đầu", "Giờ bắt đầu",
                "Ngày kết thúc", "Giờ kết thúc", "Địa điểm", "Đơn vị chủ trì", "Đơn vị phối hợp", "Trạng thái",
                "Lý do hủy", "Ngày minh chứng", "Đối tượng", "Thông điệp", "Đường dẫn")


def export_rows(activities) -> tuple[list[str], list[list]]:
    """Headers and rows of an export (dates as `date` objects; the writer formats them)."""
    columns = result_columns()
    headers = list(BASE_HEADERS) + [label for _, label in columns]
    rows = []
    counted = counted_results()  # every activity with enrolled follow-ups: a small table, whatever the export
    for n, a in enumerate(activities, 1):
        start, end = local(a.start_at), local(a.end_at)
        row = [n, a.commune.code if a.commune else "", a.commune.name if a.commune else "Cấp thành phố",
               KINDS[a.kind].label, a.title, start.date(), start.strftime("%H:%M"), end.date(), end.strftime("%H:%M"),
               a.venue, a.organiser, "; ".join(a.partners or []), STATUS_LABELS[a.status], a.cancel_reason or "",
               a.evidence_date, ", ".join(str(i) for i in a.audiences or []),
               ", ".join(str(i) for i in a.messages or []), "\n".join(a.links or [])]
        results = total_results(a.results, counted[a.id])
        for key, _ in columns:
            value = results.get(key)
            if isinstance(value, list):
                value = "\n".join(value)
            elif key == "doc_date" and value:
                value = date.fromisoformat(value)
            row.append(value if value is not None else "")
        rows.append(row)
    return headers, rows


def export_xlsx(activities) -> bytes:
    """The activities as an Excel workbook: Vietnamese headers, real date cells shown dd/mm/yyyy."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    headers, rows = export_rows(activities)
    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = "Hoạt động"
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for col in sheet.iter_cols(min_row=2):
        for cell in col:
            if isinstance(cell.value, date):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    for i, header in enumerate(headers, 1):
        sheet.column_dimensions[get_column_letter(i)].width = max(10, min(40, len(header) + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def export_csv(activities) -> bytes:
    """The activities as CSV, UTF-8 with BOM (Excel opens Vietnamese correctly), dates dd/mm/yyyy."""
    headers, rows = export_rows(activities)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([v.strftime("%d/%m/%Y") if isinstance(v, date) else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def count_fields(kind: str) -> list[str]:
    """The kind's whole-number results (used by the summary)."""
    return [f.key for f in KINDS[kind].results if f.type == COUNT]


def url_list_fields(kind: str) -> list[str]:
    """The kind's results holding several URLs."""
    return [f.key for f in KINDS[kind].results if f.type == URLS]
