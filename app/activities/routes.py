"""Activity pages: list, calendar, detail, create/edit, mark held, cancel, copy, delete, photos, exports."""

import calendar as pycalendar
import os
from datetime import date, timedelta

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.activities import bp, services
from app.activities.counted import counted_results, total_results
from app.activities.forms import ActivityForm, CancelForm, ConfirmForm, CopyForm, ResultsForm
from app.activities.kinds import KINDS, PARTNER_TAGS, QR_KINDS, STATUS_LABELS, STATUSES, parse_date
from app.auth.access import can_edit_commune, get_scoped_or_404, role_required
from app.checkin.links import current_checkin_url
from app.collation import vi_sorted
from app.extensions import db
from app.formatting import local, today_local
from app.models import Activity, Audience, Commune, Message, Photo
from app.models.audit import AuditLog, record
from app.models.types import utcnow
from app.routing import requested_page

WRITERS = ("admin", "city", "commune")
MAX_EXPORT_ROWS = 100_000


def _upload_dir() -> str:
    return current_app.config["UPLOAD_DIR"]


def _filters() -> dict:
    """The list filters from the query string (invalid values are ignored), scoped by role."""
    args = request.args
    f = {"commune": "", "kind": "", "status": "", "from": "", "to": "", "q": (args.get("q") or "").strip()[:100]}
    query = {"q": f["q"] or None}
    code = (args.get("commune") or "").strip()[:10]
    if current_user.role != "commune" and code:
        if code == "city":
            query["commune_id"], f["commune"] = "city", code
        else:
            commune_id = db.session.scalar(select(Commune.id).where(Commune.code == code))
            if commune_id is not None:
                query["commune_id"], f["commune"] = commune_id, code
    if args.get("kind") in KINDS:
        query["kind"] = f["kind"] = args["kind"]
    if args.get("status") in STATUSES:
        query["status"] = f["status"] = args["status"]
    for name, key in (("from", "date_from"), ("to", "date_to")):
        day = parse_date(args.get(name) or "")
        if day and 2000 <= day.year <= 2100:
            query[key], f[name] = day, day.isoformat()
    return {"query": query, "args": {k: v for k, v in f.items() if v}, "values": f}


def _lookups() -> dict:
    """Labels the templates need."""
    return {"kinds": KINDS, "status_labels": STATUS_LABELS, "qr_kinds": QR_KINDS}


@bp.route("/activities")
@login_required
def list_activities():
    """Activities with filters and pagination, in a constant number of queries (SPEC §3)."""
    filters = _filters()
    stmt = services.filtered_activities(current_user, **filters["query"])
    page = db.paginate(stmt, page=requested_page(), per_page=current_app.config["PER_PAGE"],
                       error_out=False, max_per_page=200)
    communes = []
    if current_user.role != "commune":
        communes = vi_sorted(db.session.execute(select(Commune.code, Commune.name)).all(), key=lambda c: c.name)
    return render_template("activities/list.html", page=page, filters=filters["values"], args=filters["args"],
                           communes=communes, **_lookups())


@bp.route("/activities/calendar")
@login_required
def calendar():
    """A month of activities by local start day (`?month=2026-07`)."""
    month = request.args.get("month", "")
    try:
        year, mon = (int(p) for p in month.split("-"))
        first = date(year, mon, 1)
        if not 2000 <= year <= 2100:
            raise ValueError
    except (ValueError, TypeError):
        first = today_local().replace(day=1)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    filters = _filters()
    query = dict(filters["query"], date_from=first, date_to=last)
    rows = db.session.scalars(services.filtered_activities(current_user, **query)
                              .order_by(None).order_by(Activity.start_at, Activity.id)).all()
    by_day: dict[date, list] = {}
    for a in rows:
        by_day.setdefault(local(a.start_at).date(), []).append(a)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    prev_month = (first - timedelta(days=1)).strftime("%Y-%m")
    next_month = (last + timedelta(days=1)).strftime("%Y-%m")
    args = {k: v for k, v in filters["args"].items() if k not in ("from", "to")}
    return render_template("activities/calendar.html", first=first, weeks=weeks, by_day=by_day, total=len(rows),
                           prev_month=prev_month, next_month=next_month, args=args, today=today_local(),
                           **_lookups())


def _export_rows():
    """The filtered, scoped activities for an export, and the filters for the audit log."""
    filters = _filters()
    stmt = services.filtered_activities(current_user, **filters["query"]).limit(MAX_EXPORT_ROWS)
    return db.session.scalars(stmt).unique().all(), filters["args"]


@bp.route("/activities/export.xlsx")
@login_required
def export_xlsx():
    """The filtered list as an Excel workbook; written to the audit log."""
    rows, args = _export_rows()
    body = services.export_xlsx(rows)
    record(current_user.id, "export", "activity", None, format="xlsx", filters=args, rows=len(rows))
    db.session.commit()
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename=hoat-dong-{today_local():%Y%m%d}.xlsx"})


@bp.route("/activities/export.csv")
@login_required
def export_csv():
    """The filtered list as CSV (UTF-8 with BOM); written to the audit log."""
    rows, args = _export_rows()
    body = services.export_csv(rows)
    record(current_user.id, "export", "activity", None, format="csv", filters=args, rows=len(rows))
    db.session.commit()
    return Response(body, mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f"attachment; filename=hoat-dong-{today_local():%Y%m%d}.csv"})


def _apply_errors(form, errors: dict) -> dict:
    """Put service errors beside their form fields; returns the result errors by key."""
    result_errors = {}
    for key, message in errors.items():
        if key.startswith("results."):
            result_errors[key.split(".", 1)[1]] = message
        elif key in form and key != "csrf_token":
            form[key].errors = list(form[key].errors or []) + [message]
        else:
            flash(message, "danger")
    return result_errors


def _form_page(form, activity, result_values, result_errors, status):
    return render_template("activities/form.html", form=form, activity=activity, result_values=result_values,
                           result_errors=result_errors, **_lookups()), status


@bp.route("/activities/new", methods=["GET", "POST"])
@role_required(*WRITERS)
def new_activity():
    """Record a new activity; result fields follow the kind (SPEC §3)."""
    form = ActivityForm(actor=current_user)
    if request.method == "GET":
        form.kind.data = request.args.get("kind") if request.args.get("kind") in KINDS else "fair"
        form.status.data = "planned"
        return _form_page(form, None, {}, {}, 200)
    result_errors = {}
    if form.validate_on_submit():
        try:
            activity = services.create_activity(form.to_input(request.form), current_user, utcnow())
        except services.ActivityError as exc:
            db.session.rollback()
            result_errors = _apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash("Đã ghi nhận hoạt động.", "success")
            return redirect(url_for("activities.show_activity", activity_id=activity.id))
    return _form_page(form, None, request.form, result_errors, 422)


def _load_for_write(activity_id: int) -> Activity:
    """An activity the current user may change (404 out of scope, 403 when not allowed)."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    if not can_edit_commune(current_user, activity.commune_id):
        abort(403)
    return activity


@bp.route("/activities/<int:activity_id>")
@login_required
def show_activity(activity_id: int):
    """One activity: every field, results with the kind's labels, photos, audit history."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    history = db.session.scalars(
        select(AuditLog).options(joinedload(AuditLog.user))
        .where(AuditLog.object_type == "activity", AuditLog.object_id == str(activity.id))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())).all()
    audiences = db.session.scalars(select(Audience).where(Audience.id.in_(activity.audiences or [0]))).all()
    messages = db.session.scalars(select(Message).where(Message.id.in_(activity.messages or [0]))).all()
    can_edit = current_user.role in WRITERS and can_edit_commune(current_user, activity.commune_id)
    link = None
    if can_edit:
        had_nonce = bool(activity.qr_nonce)
        link = current_checkin_url(activity)
        if link and not had_nonce:
            db.session.commit()  # the new QR nonce must outlive this request
    from app.checkin.services import checkin_counts

    checkins = checkin_counts([activity.id]).get(activity.id, 0) if activity.qr_capable else 0
    counted = counted_results([activity.id])[activity.id]
    return render_template("activities/show.html", activity=activity, history=history, audiences=audiences,
                           checkins=checkins, counted=counted, results_total=total_results(activity.results, counted),
                           messages=messages, can_edit=can_edit, show_people=current_user.role != "viewer",
                           cancel_form=CancelForm(), confirm_form=ConfirmForm(), checkin_link=link,
                           max_photos=current_app.config["UPLOAD_MAX_FILES"], **_lookups())


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@role_required(*WRITERS)
def edit_activity(activity_id: int):
    """Edit an activity; every rule is checked again on save."""
    activity = _load_for_write(activity_id)
    form = ActivityForm(actor=current_user)
    if request.method == "GET":
        form.commune_code.data = activity.commune.code if activity.commune else ""
        form.kind.data, form.title.data = activity.kind, activity.title
        form.start.data = local(activity.start_at).strftime("%Y-%m-%dT%H:%M")
        form.end.data = local(activity.end_at).strftime("%Y-%m-%dT%H:%M")
        form.venue.data, form.organiser.data = activity.venue, activity.organiser
        form.partners.data = [p for p in activity.partners or [] if p in PARTNER_TAGS]
        form.partners_other.data = "\n".join(p for p in activity.partners or [] if p not in PARTNER_TAGS)
        form.audiences.data = [str(i) for i in activity.audiences or []]
        form.messages.data = [str(i) for i in activity.messages or []]
        form.links.data = "\n".join(activity.links or [])
        form.status.data = activity.status if activity.status != "cancelled" else "planned"
        form.notes.data = activity.notes
        values = {f"r-{activity.kind}-{k}": ("\n".join(v) if isinstance(v, list) else v)
                  for k, v in (activity.results or {}).items()}
        return _form_page(form, activity, values, {}, 200)
    result_errors = {}
    if form.validate_on_submit():
        data = form.to_input(request.form)
        if activity.status == "cancelled" and data.get("status") == "planned":
            data["status"] = "cancelled"  # editing a cancelled activity keeps it cancelled
        try:
            services.update_activity(activity, data, current_user, utcnow())
        except services.ActivityError as exc:
            db.session.rollback()
            result_errors = _apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash("Đã lưu thay đổi.", "success")
            return redirect(url_for("activities.show_activity", activity_id=activity.id))
    return _form_page(form, activity, request.form, result_errors, 422)


@bp.route("/activities/<int:activity_id>/held", methods=["GET", "POST"])
@role_required(*WRITERS)
def mark_held(activity_id: int):
    """Mark an activity held with its results; the kind's required results are needed (SPEC §3)."""
    activity = _load_for_write(activity_id)
    form = ResultsForm()
    values = {f"r-{activity.kind}-{k}": ("\n".join(v) if isinstance(v, list) else v)
              for k, v in (activity.results or {}).items()}
    errors: dict = {}
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            results = {f.key: request.form.get(f"r-{activity.kind}-{f.key}", "") for f in KINDS[activity.kind].results}
            try:
                services.mark_held(activity, results, current_user, utcnow())
            except services.ActivityError as exc:
                db.session.rollback()
                errors = {k.split(".", 1)[1]: v for k, v in exc.errors.items() if k.startswith("results.")}
                for key, message in exc.errors.items():
                    if not key.startswith("results."):
                        flash(message, "danger")
            else:
                db.session.commit()
                flash("Đã đánh dấu hoạt động đã tổ chức.", "success")
                return redirect(url_for("activities.show_activity", activity_id=activity.id))
        else:
            flash("Phiên làm việc đã hết hạn, vui lòng tải lại trang và gửi lại.", "danger")
        values = request.form
    activity = db.session.get(Activity, activity.id)
    return render_template("activities/held.html", activity=activity, form=form, result_values=values,
                           result_errors=errors, counted=counted_results([activity.id])[activity.id],
                           **_lookups()), status


@bp.route("/activities/<int:activity_id>/cancel", methods=["POST"])
@role_required(*WRITERS)
def cancel_activity(activity_id: int):
    """Cancel an activity with a reason; its data is kept."""
    activity = _load_for_write(activity_id)
    form = CancelForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn, vui lòng tải lại trang và gửi lại.", "danger")
        return redirect(url_for("activities.show_activity", activity_id=activity.id))
    try:
        services.cancel_activity(activity, form.cancel_reason.data or "", current_user, utcnow())
    except services.ActivityError as exc:
        db.session.rollback()
        for message in exc.errors.values():
            flash(message, "danger")
        return redirect(url_for("activities.show_activity", activity_id=activity_id))
    db.session.commit()
    flash("Đã hủy hoạt động (dữ liệu vẫn được giữ lại).", "success")
    return redirect(url_for("activities.show_activity", activity_id=activity.id))


@bp.route("/activities/<int:activity_id>/copy", methods=["GET", "POST"])
@role_required(*WRITERS)
def copy_activity(activity_id: int):
    """Copy an activity to new dates as a new planned activity."""
    activity = _load_for_write(activity_id)
    form = CopyForm()
    if request.method == "GET":
        form.start.data = local(activity.start_at).strftime("%Y-%m-%dT%H:%M")
        form.end.data = local(activity.end_at).strftime("%Y-%m-%dT%H:%M")
        return render_template("activities/copy.html", activity=activity, form=form, **_lookups())
    if form.validate_on_submit():
        try:
            copy = services.copy_activity(activity, form.start.data, form.end.data, current_user, utcnow())
        except services.ActivityError as exc:
            db.session.rollback()
            for key, message in exc.errors.items():
                if key in ("start", "end"):
                    form[key].errors = [message]
                else:
                    flash(message, "danger")
        else:
            db.session.commit()
            flash("Đã sao chép thành hoạt động mới (kế hoạch).", "success")
            return redirect(url_for("activities.show_activity", activity_id=copy.id))
    activity = db.session.get(Activity, activity_id)
    return render_template("activities/copy.html", activity=activity, form=form, **_lookups()), 422


@bp.route("/activities/<int:activity_id>/delete", methods=["GET", "POST"])
@role_required(*WRITERS)
def delete_activity(activity_id: int):
    """Delete an activity after confirmation (GET shows the confirmation)."""
    activity = _load_for_write(activity_id)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        title = activity.title
        services.delete_activity(activity, current_user, utcnow(), _upload_dir())
        db.session.commit()
        flash(f"Đã xóa hoạt động “{title[:80]}”.", "success")
        return redirect(url_for("activities.list_activities"))
    return render_template("activities/delete.html", activity=activity, form=form, **_lookups()), (
        200 if request.method == "GET" else 422)


@bp.route("/activities/<int:activity_id>/photos", methods=["POST"])
@role_required(*WRITERS)
def upload_photos(activity_id: int):
    """Add photos (JPEG/PNG/WebP checked by content, ≤ 5 MB each, ≤ 10 per activity)."""
    activity = _load_for_write(activity_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn, vui lòng tải lại trang và gửi lại.", "danger")
        return redirect(url_for("activities.show_activity", activity_id=activity.id))
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if not files:
        flash("Vui lòng chọn ít nhất một ảnh.", "warning")
    added = 0
    for upload in files:
        try:
            services.add_photo(activity, upload, current_user, _upload_dir(),
                               current_app.config["UPLOAD_MAX_BYTES"], current_app.config["UPLOAD_MAX_FILES"])
        except services.ActivityError as exc:
            for message in exc.errors.values():
                flash(message, "danger")
        else:
            db.session.commit()
            added += 1
    if added:
        flash(f"Đã thêm {added} ảnh.", "success")
    return redirect(url_for("activities.show_activity", activity_id=activity_id, _anchor="photos"))


def _scoped_photo(activity_id: int, photo_id: int) -> Photo:
    """A photo of an activity the user may see (404 otherwise)."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    photo = db.session.scalar(select(Photo).where(Photo.id == photo_id, Photo.activity_id == activity.id))
    if photo is None:
        abort(404)
    return photo


def _send_image(name: str, mimetype: str) -> Response:
    """An uploaded image's bytes (≤ 5 MB, read whole: no file handle outlives the request); private caching."""
    path = os.path.join(_upload_dir(), os.path.basename(name))
    try:
        with open(path, "rb") as fh:
            body = fh.read()
    except FileNotFoundError:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/activities/<int:activity_id>/photos/<int:photo_id>")
@login_required
def photo_file(activity_id: int, photo_id: int):
    """A photo, only through this scoped route."""
    photo = _scoped_photo(activity_id, photo_id)
    return _send_image(photo.stored_name, photo.content_type)


@bp.route("/activities/<int:activity_id>/photos/<int:photo_id>/thumb")
@login_required
def photo_thumb(activity_id: int, photo_id: int):
    """A photo's thumbnail, only through this scoped route."""
    photo = _scoped_photo(activity_id, photo_id)
    return _send_image(photo.thumb_name, "image/jpeg")


@bp.route("/activities/<int:activity_id>/photos/<int:photo_id>/delete", methods=["POST"])
@role_required(*WRITERS)
def delete_photo(activity_id: int, photo_id: int):
    """Delete one photo."""
    _load_for_write(activity_id)
    photo = _scoped_photo(activity_id, photo_id)
    if ConfirmForm().validate_on_submit():
        services.delete_photo(photo, current_user, _upload_dir())
        db.session.commit()
        flash("Đã xóa ảnh.", "success")
    return redirect(url_for("activities.show_activity", activity_id=activity_id, _anchor="photos"))

