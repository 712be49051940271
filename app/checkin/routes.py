"""Check-in pages: public self check-in and pre-registration, staff scanner, walk-ins, import, attendance."""

import io
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

from app.auth.access import can_edit_commune, role_required
from app.checkin import bp
from app.checkin import services as svc
from app.checkin.forms import ActionForm, PersonForm
from app.checkin.links import current_checkin_url, unreachable_by_phones
from app.checkin.loading import ALL_ROLES, STAFF
from app.checkin.loading import load_activity as _load
from app.checkin.qr import qr_png, qr_svg
from app.checkin.responders import scanner_answer
from app.collation import vi_sorted
from app.extensions import db, limiter
from app.formatting import fmt_datetime
from app.models import Activity, Audience, Commune
from app.models.audit import record
from app.models.types import utcnow
from app.signals import checkin_recorded
from app.tabular import Sheet, download, table_bytes

BHYT_LABELS = {"valid": "Có thẻ còn hạn", "none": "Chưa có thẻ", "expired": "Thẻ đã hết hạn"}
SOURCE_LABELS = {"self": "Tự điểm danh", "ticket": "Quét vé", "staff": "Cán bộ nhập", "import": "Nhập từ tệp"}


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
            # Someone who only typed a phone number that registered before never sees that person's ticket or
            # name (issue 22): the owner gets it again through the staff at the door.
            ticket = svc.ticket_for(registration, _secret()) if created else None
            return render_template("checkin/ticket.html", activity=activity,
                                   registration=registration if created else None, ticket=ticket)
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


def _export_sheet(activity: Activity) -> Sheet:
    """The attendance export's table, phones masked by role."""
    full = svc.can_see_phones(current_user, activity)
    header = ["STT", "Họ và tên", "Năm sinh", "Nhóm đối tượng", "Nơi cư trú", "Số điện thoại", "Thẻ BHYT",
              "Cần tư vấn", "Giờ điểm danh", "Nguồn", "Mã"]
    rows = [[i, c.full_name, c.birth_year or "", c.audience or "", commune or "",
             (c.phone if full else svc.mask_phone(c.phone)) or "", BHYT_LABELS.get(c.bhyt_status, ""),
             c.topics, fmt_datetime(c.created_at), SOURCE_LABELS.get(c.source, c.source), c.code]
            for i, (c, commune) in enumerate(_rows(activity), 1)]
    return Sheet("Điểm danh", header, rows, freeze=None)


@bp.get("/activities/<int:activity_id>/attendance.<fmt>")
@role_required(*STAFF)
def export_attendance(activity_id: int, fmt: str):
    """Excel or CSV export of the attendance list; written to the audit log (SPEC §5)."""
    activity = _load(activity_id)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    sheet = _export_sheet(activity)
    record(current_user.id, "checkin.export", "activity", activity.id, format=fmt, rows=len(sheet.rows),
           full_phones=svc.can_see_phones(current_user, activity))
    db.session.commit()
    return download(table_bytes(fmt, sheet), f"diem-danh-{activity.id}.{fmt}")


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


@bp.post("/activities/<int:activity_id>/scanner/checkins")
@role_required(*STAFF)
def scanner_checkin(activity_id: int):
    """A scan (ticket) or a manual pick from the scanner page; JSON, CSRF token in X-CSRFToken."""
    activity = _load(activity_id, edit=True)
    outcome = svc.check_in(activity, request.get_json(silent=True), current_user, utcnow(), _secret())
    return scanner_answer(outcome)


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
