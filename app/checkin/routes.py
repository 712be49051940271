"""Check-in pages: public self check-in and pre-registration, staff scanner, walk-ins, import, attendance."""

import csv
import io
import os
import re
import secrets
import uuid

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import can_edit_commune, get_scoped_or_404, role_required
from app.checkin import bp
from app.checkin import services as svc
from app.checkin.forms import ActionForm, ImportForm, PersonForm
from app.checkin.links import current_checkin_url, unreachable_by_phones
from app.checkin.qr import qr_png, qr_svg
from app.checkin.rating_tokens import rating_token
from app.collation import vi_sorted
from app.extensions import db, limiter
from app.formatting import fmt_datetime
from app.models import Activity, Audience, CheckIn, Commune, Registration
from app.models.audit import record
from app.models.types import utcnow
from app.signals import checkin_recorded

STAFF = ("admin", "city", "commune")
ALL_ROLES = ("admin", "city", "commune", "viewer")
BHYT_LABELS = {"valid": "Có thẻ còn hạn", "none": "Chưa có thẻ", "expired": "Thẻ đã hết hạn"}
SOURCE_LABELS = {"self": "Tự điểm danh", "ticket": "Quét vé", "staff": "Cán bộ nhập", "import": "Nhập từ tệp"}
UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
IMPORT_EXTS = (".csv", ".xlsx")
IMPORT_MAX_ROWS = 5000


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _activity_key() -> str:
    """Rate-limit key: one bucket per poster token (i.e. per activity)."""
    return "checkin-activity:" + (request.view_args or {}).get("token", "")[:80]


def _person_form(activity: Activity) -> PersonForm:
    """The person form with audience and commune choices, residence defaulting to the activity's commune."""
    form = PersonForm()
    audiences = db.session.execute(select(Audience.id, Audience.short_name).order_by(Audience.id)).all()
    communes = vi_sorted(db.session.execute(select(Commune.code, Commune.name)).all(), key=lambda c: c.name)
    form.fill_choices([(a, f"{a}. {n}") for a, n in audiences], [("", "— Chọn —"), *communes])
    if not form.is_submitted():
        if activity.commune is not None:
            form.residence_code.data = activity.commune.code
        form.nonce.data = uuid.uuid4().hex
    return form


def _show_errors(form: PersonForm, refusal: svc.CheckinRefused) -> None:
    """Put the schema's per-field messages next to the fields."""
    for name, message in refusal.fields.items():
        if name in form._fields:
            form[name].errors = [message]


def _public_error(refusal: svc.CheckinRefused, activity=None):
    """A refusal page for residents (bad, revoked token; outside the window)."""
    return render_template("checkin/public_error.html", refusal=refusal, activity=activity), refusal.status


@bp.errorhandler(429)
def rate_limited(exc):
    """A friendly Vietnamese page when someone submits too fast (Flask-Limiter)."""
    if request.is_json or request.path.endswith((".json", "/checkins")):
        return jsonify({"error": {"code": "rate_limited", "message": "Quá nhiều yêu cầu, vui lòng thử lại sau ít phút.",
                                  "fields": {}}}), 429
    return render_template("checkin/rate_limited.html"), 429


# ---------------------------------------------------------------- public


@bp.route("/c/<token>", methods=["GET", "POST"])
@limiter.limit("20/minute;200/hour", methods=["POST"])
@limiter.limit("600/minute", key_func=_activity_key, methods=["POST"])
def self_checkin(token: str):
    """SPEC §5 self check-in: one Vietnamese screen, no JavaScript needed."""
    try:
        activity = svc.activity_for_token(token, _secret())
    except svc.CheckinRefused as refusal:
        return _public_error(refusal)
    form = _person_form(activity)
    if form.validate_on_submit():
        now = utcnow()
        try:
            outcome = svc.record_checkin(activity, request.form.to_dict(), "self", None, now,
                                         nonce=form.nonce.data or None)
        except svc.CheckinRefused as refusal:
            if refusal.code in ("outside_window",):
                return _public_error(refusal, activity)
            _show_errors(form, refusal)
        else:
            extra = {}  # other features' blocks of the thank-you page (residents' voice: rating, question)
            for _receiver, block in checkin_recorded.send(activity, outcome=outcome, form=request.form, now=now):
                extra.update(block or {})
            db.session.commit()
            replay = outcome.duplicate and outcome.checkin.nonce and outcome.checkin.nonce == form.nonce.data
            return render_template("checkin/thanks.html", activity=activity, outcome=outcome,
                                   repeat=outcome.duplicate and not replay, **extra)
    elif form.is_submitted():
        flash("Phiên điền biểu mẫu đã hết hạn, vui lòng gửi lại.", "warning")
    opens, closes = svc.window(activity)
    return render_template("checkin/self_checkin.html", activity=activity, form=form, opens=opens, closes=closes,
                           title="Điểm danh", window_state=svc.window_state(activity, utcnow()))


@bp.route("/r/<token>", methods=["GET", "POST"])
@limiter.limit("20/minute;200/hour", methods=["POST"])
@limiter.limit("600/minute", key_func=_activity_key, methods=["POST"])
def register(token: str):
    """SPEC §5 pre-registration: a public form that gives a personal QR ticket."""
    try:
        activity = svc.activity_for_token(token, _secret())
    except svc.CheckinRefused as refusal:
        return _public_error(refusal)
    if not activity.preregistration:
        abort(404)
    form = _person_form(activity)
    if form.validate_on_submit():
        try:
            registration, created = svc.register(activity, request.form.to_dict(), utcnow())
        except svc.CheckinRefused as refusal:
            _show_errors(form, refusal)
        else:
            db.session.commit()
            ticket = svc.ticket_for(registration, _secret())
            return render_template("checkin/ticket.html", activity=activity, registration=registration,
                                   ticket=ticket, created=created)
    return render_template("checkin/self_checkin.html", activity=activity, form=form, registering=True,
                           title="Đăng ký tham dự")


@bp.get("/t/<ticket>.png")
@limiter.limit("120/minute")
def ticket_png(ticket: str):
    """The personal ticket's QR as a PNG (the ticket text itself is the payload the scanner reads)."""
    registration = svc.registration_of_ticket(ticket, _secret())
    if registration is None:
        abort(404)
    response = send_file(io.BytesIO(qr_png(ticket, box_size=8)), mimetype="image/png",
                         download_name=f"ve-{registration.id}.png")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response


# ---------------------------------------------------------------- staff


def _load(activity_id: int, edit: bool = False) -> Activity:
    """The activity if in the user's scope and QR-capable (404), and editable when `edit` (403)."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    if not activity.qr_capable:
        abort(404)
    if edit and not can_edit_commune(current_user, activity.commune_id):
        abort(403)
    return activity


def _rows(activity: Activity):
    """The activity's check-ins, oldest first, with residence names."""
    return svc.checkins_with_residence(activity.id)


@bp.get("/activities/<int:activity_id>/attendance")
@role_required(*ALL_ROLES)
def attendance(activity_id: int):
    """SPEC §5 attendance list with counts by audience and residence; viewers see counts only."""
    activity = _load(activity_id)
    audiences = dict(db.session.execute(select(Audience.id, Audience.short_name)).all())
    people = svc.can_see_people(current_user)
    url = current_checkin_url(activity)
    db.session.commit()  # the poster nonce, when this is its first use
    return render_template(
        "checkin/attendance.html", activity=activity, rows=_rows(activity) if people else [],
        people=people, full_phones=svc.can_see_phones(current_user, activity), mask=svc.mask_phone,
        total=svc.checkin_counts([activity.id])[activity.id], by_audience=svc.counts_by_audience(activity.id),
        by_residence=svc.counts_by_residence(activity.id), audiences=audiences, bhyt=BHYT_LABELS,
        sources=SOURCE_LABELS, can_edit=can_edit_commune(current_user, activity.commune_id),
        url=url, url_unreachable=unreachable_by_phones(url), action_form=ActionForm())


def _export_rows(activity: Activity):
    """Header and rows of the attendance export, phones masked by role."""
    full = svc.can_see_phones(current_user, activity)
    header = ["STT", "Họ và tên", "Năm sinh", "Nhóm đối tượng", "Nơi cư trú", "Số điện thoại", "Thẻ BHYT",
              "Cần tư vấn", "Giờ điểm danh", "Nguồn", "Mã"]
    out = []
    for i, (c, commune) in enumerate(_rows(activity), 1):
        out.append([i, c.full_name, c.birth_year or "", c.audience or "", commune or "",
                    (c.phone if full else svc.mask_phone(c.phone)) or "", BHYT_LABELS.get(c.bhyt_status, ""),
                    c.topics, fmt_datetime(c.created_at), SOURCE_LABELS.get(c.source, c.source), c.code])
    return header, out


@bp.get("/activities/<int:activity_id>/attendance.<fmt>")
@role_required(*STAFF)
def export_attendance(activity_id: int, fmt: str):
    """Excel or CSV export of the attendance list; written to the audit log (SPEC §5)."""
    activity = _load(activity_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    header, rows = _export_rows(activity)
    record(current_user.id, "checkin.export", "activity", activity.id, format=fmt, rows=len(rows),
           full_phones=svc.can_see_phones(current_user, activity))
    db.session.commit()
    name = f"diem-danh-{activity.id}.{fmt}"
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(header)
        writer.writerows([[_csv_safe(v) for v in r] for r in rows])
        return send_file(io.BytesIO(buf.getvalue().encode("utf-8-sig")), mimetype="text/csv; charset=utf-8",
                         as_attachment=True, download_name=name)
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Điểm danh"
    ws.append(header)
    for r in rows:
        ws.append([_csv_safe(v) for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return send_file(io.BytesIO(buf.getvalue()), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _csv_safe(value):
    """Neutralise spreadsheet formulas typed into a name by a resident (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@bp.post("/activities/<int:activity_id>/regenerate-qr")
@role_required(*STAFF)
def regenerate_qr(activity_id: int):
    """Issue a new poster QR; the printed old one answers `revoked_token`."""
    activity = _load(activity_id, edit=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    svc.regenerate_qr(activity, current_user, utcnow())
    db.session.commit()
    flash("Đã tạo mã QR mới. Mã QR cũ không còn dùng được — hãy in lại áp phích.", "success")
    return redirect(url_for("checkin.attendance", activity_id=activity.id))


@bp.get("/activities/<int:activity_id>/qr.<fmt>")
@role_required(*ALL_ROLES)
def activity_qr(activity_id: int, fmt: str):
    """The poster QR (PNG or SVG) of the check-in address."""
    activity = _load(activity_id)
    url = current_checkin_url(activity)
    db.session.commit()  # the nonce, when created now
    if fmt == "png":
        return send_file(io.BytesIO(qr_png(url)), mimetype="image/png")
    if fmt == "svg":
        return send_file(io.BytesIO(qr_svg(url)), mimetype="image/svg+xml")
    abort(404)


@bp.get("/activities/<int:activity_id>/scanner")
@role_required(*STAFF)
def scanner(activity_id: int):
    """SPEC §5 scanner page: camera, USB scanner box, search; works offline with a queue."""
    activity = _load(activity_id, edit=True)
    opens, closes = svc.window(activity)
    return render_template("checkin/scanner.html", activity=activity,
                           total=svc.checkin_counts([activity.id])[activity.id],
                           opens=opens, closes=closes, window_state=svc.window_state(activity, utcnow()))


def answer(outcome: svc.Outcome) -> dict:
    """The JSON answer of a check-in (API and scanner share it)."""
    c = outcome.checkin
    return {"id": c.id, "duplicate": outcome.duplicate, "full_name": c.full_name, "code": c.code,
            "checked_in_at": c.created_at.isoformat(), "first_time": outcome.first_time,
            "message": outcome.message, "source": c.source,
            "rating_token": rating_token(_secret(), c.id, c.activity_id, c.code)}  # SPEC §12: rate this check-in


def refusal_json(refusal: svc.CheckinRefused):
    """A refusal in the API's error shape."""
    return jsonify({"error": {"code": refusal.code, "message": refusal.message, "fields": refusal.fields}}), \
        refusal.status


def checkin_from_json(activity: Activity, body, actor, default_source: str, conn: svc.Connection = svc.SESSION):
    """One JSON check-in (`{ticket}` or `{registration_id}` or the person's fields), with an optional nonce.

    Written in the session's transaction, committed here, or on `conn` (a DirectConnection, the API hot path),
    whose single INSERT commits by itself.
    """
    if not isinstance(body, dict):
        return refusal_json(svc.CheckinRefused("invalid_field", fields={"_": "Cần một đối tượng JSON."}))
    try:
        via, source = None, default_source
        if body.get("ticket"):
            via, source = svc.registration_for_ticket(activity, body["ticket"], _secret()), "ticket"
        elif body.get("registration_id") is not None:
            rid = body["registration_id"]
            via = db.session.get(Registration, rid) if isinstance(rid, int) and not isinstance(rid, bool) else None
            if via is None or via.activity_id != activity.id or via.revoked:
                raise svc.CheckinRefused("wrong_activity", "Người này không đăng ký hoạt động này.")
            source = "staff"
        outcome = svc.record_checkin(activity, None if via else body, source, actor, utcnow(),
                                     nonce=body.get("nonce"), via_ticket=via, conn=conn)
    except svc.CheckinRefused as refusal:
        db.session.rollback()  # refused before any write (a DirectConnection has nothing to undo)
        return refusal_json(refusal)
    body = answer(outcome)
    if conn is svc.SESSION:  # a DirectConnection's INSERT committed by itself
        db.session.commit()
    return jsonify(body), 200 if outcome.duplicate else 201


@bp.post("/activities/<int:activity_id>/scanner/checkins")
@role_required(*STAFF)
def scanner_checkin(activity_id: int):
    """A scan (ticket) or a manual pick from the scanner page; JSON, CSRF token in X-CSRFToken."""
    activity = _load(activity_id, edit=True)
    return checkin_from_json(activity, request.get_json(silent=True), current_user, "staff")


@bp.get("/activities/<int:activity_id>/scanner/search")
@role_required(*STAFF)
def scanner_search(activity_id: int):
    """Registrations by name or phone prefix, 20 at most (search as you type)."""
    activity = _load(activity_id, edit=True)
    return jsonify(svc.search_people(activity.id, request.args.get("q", "")[:60]))


@bp.route("/activities/<int:activity_id>/walk-in", methods=["GET", "POST"])
@role_required(*STAFF)
def walk_in(activity_id: int):
    """Staff add a person by hand (not bound by the window)."""
    activity = _load(activity_id, edit=True)
    form = _person_form(activity)
    if form.validate_on_submit():
        try:
            outcome = svc.record_checkin(activity, request.form.to_dict(), "staff", current_user, utcnow(),
                                         nonce=form.nonce.data or None)
        except svc.CheckinRefused as refusal:
            _show_errors(form, refusal)
        else:
            db.session.commit()
            if outcome.duplicate:
                flash(f"{outcome.checkin.full_name}: {outcome.message}", "warning")
            else:
                flash(f"Đã thêm {outcome.checkin.full_name}.", "success")
            return redirect(url_for("checkin.walk_in", activity_id=activity.id))
    return render_template("checkin/walk_in.html", activity=activity, form=form)


# ---------------------------------------------------------------- import

IMPORT_HEADERS = {
    "full_name": ("ho va ten", "ho ten", "full_name", "name", "ten"),
    "phone": ("so dien thoai", "sdt", "dien thoai", "phone"),
    "birth_year": ("nam sinh", "birth_year", "year"),
    "audience": ("nhom", "nhom doi tuong", "audience"),
    "residence_code": ("ma xa", "noi cu tru", "residence_code", "ma don vi"),
    "bhyt_status": ("bhyt", "the bhyt", "bhyt_status"),
    "topics": ("can tu van", "topics", "noi dung"),
    "consent": ("dong y", "consent"),
}
FIELD_LABELS = {"full_name": "Họ và tên", "phone": "Số điện thoại", "birth_year": "Năm sinh",
                "audience": "Nhóm đối tượng (1–6)", "residence_code": "Mã xã nơi cư trú",
                "bhyt_status": "Thẻ BHYT (valid/none/expired)", "topics": "Cần tư vấn",
                "consent": "Đồng ý xử lý dữ liệu"}


def _import_dir() -> str:
    # Under UPLOAD_DIR (shared storage): the preview and the confirmation may reach different gunicorn machines.
    path = os.path.join(current_app.config["UPLOAD_DIR"], "imports")
    os.makedirs(path, exist_ok=True)
    return path


def _import_path(activity: Activity, upload_id: str) -> str | None:
    """The kept upload of this activity with this random id, or None."""
    if not UPLOAD_ID.match(upload_id or ""):
        return None
    for ext in IMPORT_EXTS:
        path = os.path.join(_import_dir(), f"{activity.id}-{upload_id}{ext}")
        if os.path.exists(path):
            return path
    return None


def read_table(path: str) -> list[list[str]]:
    """Rows of a CSV (UTF-8, comma or semicolon) or the first sheet of an XLSX, as text."""
    if path.endswith(".xlsx"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        rows = [["" if v is None else str(v).strip() for v in row]
                for row in wb.active.iter_rows(values_only=True, max_row=IMPORT_MAX_ROWS + 1)]
        wb.close()
    else:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            text = fh.read()
        dialect = csv.excel
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            pass
        rows = [[v.strip() for v in row] for row in csv.reader(io.StringIO(text), dialect)][: IMPORT_MAX_ROWS + 1]
    return [r for r in rows if any(r)]


def _guess_mapping(header: list[str]) -> dict[str, int | None]:
    """Column index per field from the header's (unaccented) names."""
    keys = [svc.name_key(h) for h in header]
    mapping = {}
    for name, aliases in IMPORT_HEADERS.items():
        mapping[name] = next((i for i, k in enumerate(keys) if k in aliases), None)
    return mapping


def _mapping_from_args(args, header) -> dict[str, int | None]:
    """The mapping chosen on the preview page (falls back to the guess)."""
    mapping = _guess_mapping(header)
    for name in FIELDS_IMPORT:
        raw = args.get(f"map_{name}")
        if raw is not None:
            mapping[name] = int(raw) if raw.isdigit() and int(raw) < len(header) else None
    return mapping


FIELDS_IMPORT = tuple(IMPORT_HEADERS)


def _row_data(row: list[str], mapping: dict) -> dict:
    """A row as the schema's dict; a list on paper had the person's consent unless a column says otherwise."""
    data = {name: (row[i] if i is not None and i < len(row) else "") for name, i in mapping.items()}
    if mapping.get("consent") is None:
        data["consent"] = "1"
    return data


def _preview(activity: Activity, rows: list[list[str]], mapping: dict) -> list[dict]:
    """Validate every row without writing: errors per row, and phones already checked in or repeated."""
    out, seen = [], set()
    now = utcnow()
    for n, row in enumerate(rows[1:], start=2):
        data = _row_data(row, mapping)
        item = {"line": n, "data": data, "errors": {}, "note": ""}
        try:
            clean = svc.clean_person(data, activity, now)
        except svc.CheckinRefused as refusal:
            item["errors"] = refusal.fields or {"_": refusal.message}
        else:
            phone = clean["phone"]
            if phone and (phone in seen or db.session.scalar(select(CheckIn.id).where(
                    CheckIn.activity_id == activity.id, CheckIn.phone == phone))):
                item["note"] = "Đã điểm danh (bỏ qua)"
            seen.add(phone)
        out.append(item)
    return out


@bp.route("/activities/<int:activity_id>/import", methods=["GET", "POST"])
@role_required(*STAFF)
def import_upload(activity_id: int):
    """Upload a CSV/XLSX list; it is kept server-side under a random id until confirmed."""
    activity = _load(activity_id, edit=True)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        ext = os.path.splitext(upload.filename or "")[1].lower()
        if ext not in IMPORT_EXTS:
            form.file.errors = ["Chỉ nhận tệp .csv hoặc .xlsx."]
        else:
            upload_id = secrets.token_hex(16)
            path = os.path.join(_import_dir(), f"{activity.id}-{upload_id}{ext}")
            upload.save(path)
            try:
                read_table(path)
            except Exception:  # noqa: BLE001 — any unreadable file is the user's input, not our bug
                os.remove(path)
                form.file.errors = ["Không đọc được tệp này."]
            else:
                return redirect(url_for("checkin.import_preview", activity_id=activity.id, upload_id=upload_id))
    return render_template("checkin/import.html", activity=activity, form=form)


@bp.get("/activities/<int:activity_id>/import/<upload_id>")
@role_required(*STAFF)
def import_preview(activity_id: int, upload_id: str):
    """Column mapping and a preview with per-row errors; nothing is written yet."""
    activity = _load(activity_id, edit=True)
    path = _import_path(activity, upload_id)
    if path is None:
        abort(404)
    rows = read_table(path)
    header = rows[0] if rows else []
    mapping = _mapping_from_args(request.args, header)
    items = _preview(activity, rows, mapping)
    return render_template("checkin/import_preview.html", activity=activity, upload_id=upload_id, header=header,
                           mapping=mapping, items=items, labels=FIELD_LABELS, action_form=ActionForm(),
                           valid=sum(1 for i in items if not i["errors"] and not i["note"]))


@bp.post("/activities/<int:activity_id>/import/<upload_id>")
@role_required(*STAFF)
def import_confirm(activity_id: int, upload_id: str):
    """Write the valid rows of the previewed file (source `import`), then delete the file."""
    activity = _load(activity_id, edit=True)
    path = _import_path(activity, upload_id)
    if path is None or not ActionForm().validate_on_submit():
        abort(404 if path is None else 400)
    rows = read_table(path)
    mapping = _mapping_from_args(request.form, rows[0] if rows else [])
    created = duplicates = errors = 0
    now = utcnow()
    for row in rows[1:]:
        try:
            outcome = svc.record_checkin(activity, _row_data(row, mapping), "import", current_user, now)
        except svc.CheckinRefused:
            errors += 1
            continue
        duplicates += outcome.duplicate
        created += not outcome.duplicate
    record(current_user.id, "checkin.import", "activity", activity.id, created=created, duplicates=duplicates,
           errors=errors)
    db.session.commit()
    os.remove(path)
    flash(f"Đã nhập {created} người; {duplicates} đã điểm danh trước đó; {errors} dòng lỗi bị bỏ qua.", "success")
    return redirect(url_for("checkin.attendance", activity_id=activity.id))
