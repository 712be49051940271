"""Activity services (SPEC §3, §7, §8, §12): writes, lists and exports; validation and photos beside them.

Plain functions with explicit `actor` and `now`; they flush, the caller commits once.
"""

from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.activities.counted import counted_results, total_results
from app.activities.photos import remove_files
from app.activities.validation import ActivityError, as_input, validate
from app.auth.access import scope
from app.checkin.tokens import new_public_token, new_qr_nonce
from app.domain.kinds import (
    COUNT,
    KINDS,
    QR_KINDS,
    STATUS_LABELS,
    URLS,
)
from app.extensions import db
from app.formatting import TZ, local
from app.models import Activity
from app.models.audit import record
from app.tabular import Sheet

# --------------------------------------------------------------------------- writes

AUDITED = ("commune_id", "agency_id", "kind", "title", "start_at", "end_at", "venue", "organiser", "status", "cancel_reason",
           "partners", "audiences", "messages", "results", "links", "notes", "evidence_date", "preregistration")


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
        remove_files(photo, upload_dir)
    db.session.delete(activity)
    db.session.flush()


# --------------------------------------------------------------------------- lists and exports


def local_day_start(day: date) -> datetime:
    """Midnight of a local day, aware."""
    return datetime.combine(day, time(0, 0), tzinfo=TZ)


def filtered_activities(user, commune_id=None, kind=None, status=None, date_from=None, date_to=None, q=None,
                        evidence_from=None, evidence_to=None):
    """The scoped SELECT of activities matching the filters, newest first, commune eager-loaded."""
    stmt = scope(select(Activity), Activity, user).options(joinedload(Activity.commune), joinedload(Activity.agency))
    if commune_id == "city":  # the city office's own: neither a commune's nor an agency's (SPEC §13)
        stmt = stmt.where(Activity.commune_id.is_(None), Activity.agency_id.is_(None))
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
        owner = a.commune or a.agency
        row = [n, owner.code if owner else "", owner.name if owner else "Cấp thành phố",
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


def export_sheet(activities) -> Sheet:
    """The activities as one table for `app.tabular` (CSV or Excel): Vietnamese headers, real dates."""
    headers, rows = export_rows(activities)
    return Sheet("Hoạt động", headers, rows, widths=[max(10, min(40, len(h) + 2)) for h in headers])


def count_fields(kind: str) -> list[str]:
    """The kind's whole-number results (used by the summary)."""
    return [f.key for f in KINDS[kind].results if f.type == COUNT]


def url_list_fields(kind: str) -> list[str]:
    """The kind's results holding several URLs."""
    return [f.key for f in KINDS[kind].results if f.type == URLS]
