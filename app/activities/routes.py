"""Activity pages: list, calendar, detail, create/edit, mark held, cancel, copy, delete, exports (photos: photo_routes.py)."""

import calendar as pycalendar
from datetime import date, timedelta

from flask import (
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

from app import params
from app.activities import bp, services
from app.activities.counted import counted_results, total_results
from app.activities.forms import AGENCY_PREFIX, ActivityForm, CancelForm, ConfirmForm, CopyForm, ResultsForm
from app.activities.history import describe as describe_changes
from app.activities.validation import ActivityError
from app.auth.access import can_edit_unit, get_scoped_or_404, get_writable_or_404, role_required
from app.checkin.links import current_checkin_url
from app.collation import vi_sorted
from app.domain.kinds import KINDS, PARTNER_TAGS, QR_KINDS, STATUS_LABELS, canonical_partner
from app.domain.roles import RECORDER_ROLES
from app.extensions import db
from app.formatting import local, today_local
from app.idempotency import submit_once
from app.models import Activity, Agency, Audience, Commune, Message
from app.models.audit import AuditLog, record
from app.models.types import utcnow
from app.tabular import download, table_bytes

MAX_EXPORT_ROWS = 100_000


def _filters(report: bool = True) -> params.ActivityFilter:
    """The list filters from the query string, scoped by role; a refused value is left out and, on a page, flashed."""
    found = params.activity_filter(request.args, current_user)
    for message in found.errors.values() if report else ():
        flash(message, "warning")
    return found


def _lookups() -> dict:
    """Labels the templates need."""
    return {"kinds": KINDS, "status_labels": STATUS_LABELS, "qr_kinds": QR_KINDS}


@bp.route("/activities")
@login_required
def list_activities():
    """Activities with filters and pagination, in a constant number of queries (SPEC §3)."""
    filters = _filters()
    stmt = services.filtered_activities(current_user, **filters.query)
    page = db.paginate(stmt, page=params.page(request.args.get("page")), per_page=current_app.config["PER_PAGE"],
                       error_out=False, max_per_page=params.MAX_PER_PAGE)
    communes = []
    if current_user.role not in ("commune", "agency"):  # they see only their own unit's activities
        communes = vi_sorted(db.session.execute(select(Commune.code, Commune.name)).all(), key=lambda c: c.name)
    return render_template("activities/list.html", page=page, filters=filters.values, args=filters.args,
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
    query = dict(filters.query, date_from=first, date_to=last)
    rows = db.session.scalars(services.filtered_activities(current_user, **query)
                              .order_by(None).order_by(Activity.start_at, Activity.id)).all()
    by_day: dict[date, list] = {}
    for a in rows:
        by_day.setdefault(local(a.start_at).date(), []).append(a)
    weeks = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    prev_month = (first - timedelta(days=1)).strftime("%Y-%m")
    next_month = (last + timedelta(days=1)).strftime("%Y-%m")
    args = {k: v for k, v in filters.args.items() if k not in ("from", "to")}
    return render_template("activities/calendar.html", first=first, weeks=weeks, by_day=by_day, total=len(rows),
                           prev_month=prev_month, next_month=next_month, args=args, today=today_local(),
                           **_lookups())


def _export_rows():
    """The filtered, scoped activities for an export, and the filters for the audit log."""
    filters = _filters(report=False)
    stmt = services.filtered_activities(current_user, **filters.query).limit(MAX_EXPORT_ROWS)
    return db.session.scalars(stmt).unique().all(), filters.args


def _export(fmt: str):
    """The filtered list as `fmt` (csv or xlsx); written to the audit log."""
    rows, args = _export_rows()
    body = table_bytes(fmt, services.export_sheet(rows))
    record(current_user.id, "export", "activity", None, format=fmt, filters=args, rows=len(rows))
    db.session.commit()
    return download(body, f"hoat-dong-{today_local():%Y%m%d}.{fmt}")


@bp.route("/activities/export.xlsx")
@login_required
def export_xlsx():
    """The filtered list as an Excel workbook; written to the audit log."""
    return _export("xlsx")


@bp.route("/activities/export.csv")
@login_required
def export_csv():
    """The filtered list as CSV (UTF-8 with BOM); written to the audit log."""
    return _export("csv")


def _apply_errors(form, errors: dict) -> dict:
    """Put service errors beside their form fields; returns the result errors by key."""
    result_errors = {}
    for key, message in errors.items():
        if key == "agency_code" and form.commune_editable:
            key = "commune_code"  # one owner list: communes and agencies
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
@role_required(*RECORDER_ROLES)
def new_activity():
    """Record a new activity; result fields follow the kind (SPEC §3)."""
    form = ActivityForm(actor=current_user)
    if request.method == "GET":
        form.kind.data = request.args.get("kind") if request.args.get("kind") in KINDS else "fair"
        form.status.data = "planned"
        if current_user.role == "agency" and current_user.agency:
            form.organiser.data = current_user.agency.name  # its own activity (SPEC §13): the agency organises it
        return _form_page(form, None, {}, {}, 200)
    result_errors = {}
    if form.validate_on_submit():
        def create() -> str:
            activity = services.create_activity(form.to_input(request.form), current_user, utcnow())
            return url_for("activities.show_activity", activity_id=activity.id)

        try:  # a double click or a second tab with the same form stores one activity (issue 22, issue 15)
            url, replayed = submit_once(form.form_token.data, "activities.new_activity", current_user.id, utcnow(),
                                        create)
        except ActivityError as exc:
            db.session.rollback()
            result_errors = _apply_errors(form, exc.errors)
        else:
            flash("Biểu mẫu này đã được gửi trước đó: đây là hoạt động đã ghi nhận." if replayed
                  else "Đã ghi nhận hoạt động.", "info" if replayed else "success")
            return redirect(url)
    return _form_page(form, None, request.form, result_errors, 422)


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
    can_edit = current_user.role in RECORDER_ROLES and can_edit_unit(current_user, activity.commune_id,
                                                                        activity.agency_id)
    link = None
    if can_edit:
        had_nonce = bool(activity.qr_nonce)
        link = current_checkin_url(activity)
        if link and not had_nonce:
            db.session.commit()  # the new QR nonce must outlive this request
    from app.checkin.links import unreachable_by_phones
    from app.checkin.services import checkin_counts, window, window_state

    checkins = checkin_counts([activity.id]).get(activity.id, 0) if activity.qr_capable else 0
    checkin_window = None
    if activity.qr_capable and activity.status != "cancelled":
        opens, closes = window(activity)
        checkin_window = {"state": window_state(activity, utcnow()), "opens": opens, "closes": closes}
    ids = {v for h in history for v in ((h.details or {}).get("changed") or {}).get("commune_id") or [] if v}
    communes = dict(db.session.execute(select(Commune.id, Commune.name).where(Commune.id.in_(ids))).all()) if ids else {}
    agency_ids = {v for h in history for v in ((h.details or {}).get("changed") or {}).get("agency_id") or [] if v}
    agencies = dict(db.session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(agency_ids))).all()
                    ) if agency_ids else {}
    history = [(h, describe_changes((h.details or {}).get("changed"), communes, activity.kind, agencies))
               for h in history]
    counted = counted_results([activity.id])[activity.id]
    return render_template("activities/show.html", activity=activity, history=history, audiences=audiences,
                           checkins=checkins, counted=counted, results_total=total_results(activity.results, counted),
                           checkin_window=checkin_window,
                           localhost_link=link is not None and unreachable_by_phones(link),
                           messages=messages, can_edit=can_edit, show_people=current_user.role != "viewer",
                           cancel_form=CancelForm(), confirm_form=ConfirmForm(), checkin_link=link,
                           max_photos=current_app.config["UPLOAD_MAX_FILES"], **_lookups())


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@role_required(*RECORDER_ROLES)
def edit_activity(activity_id: int):
    """Edit an activity; every rule is checked again on save."""
    activity = get_writable_or_404(Activity, activity_id, current_user)
    form = ActivityForm(actor=current_user, keep_messages=activity.messages)
    if request.method == "GET":
        form.commune_code.data = activity.commune.code if activity.commune else (
            f"{AGENCY_PREFIX}{activity.agency.code}" if activity.agency else "")
        form.kind.data, form.title.data = activity.kind, activity.title
        form.start.data = local(activity.start_at).strftime("%d/%m/%Y %H:%M")
        form.end.data = local(activity.end_at).strftime("%d/%m/%Y %H:%M")
        form.venue.data, form.organiser.data = activity.venue, activity.organiser
        partners = [canonical_partner(p) for p in activity.partners or []]
        form.partners.data = [p for p in partners if p in PARTNER_TAGS]
        form.partners_other.data = "\n".join(p for p in partners if p not in PARTNER_TAGS)
        form.audiences.data = [str(i) for i in activity.audiences or []]
        form.messages.data = [str(i) for i in activity.messages or []]
        form.links.data = "\n".join(activity.links or [])
        form.status.data = activity.status if activity.status != "cancelled" else "planned"
        form.notes.data = activity.notes
        form.preregistration.data = bool(activity.preregistration)
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
        except ActivityError as exc:
            db.session.rollback()
            result_errors = _apply_errors(form, exc.errors)
        else:
            db.session.commit()
            flash("Đã lưu thay đổi.", "success")
            return redirect(url_for("activities.show_activity", activity_id=activity.id))
    return _form_page(form, activity, request.form, result_errors, 422)


@bp.route("/activities/<int:activity_id>/held", methods=["GET", "POST"])
@role_required(*RECORDER_ROLES)
def mark_held(activity_id: int):
    """Mark an activity held with its results; the kind's required results are needed (SPEC §3)."""
    activity = get_writable_or_404(Activity, activity_id, current_user)
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
            except ActivityError as exc:
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
@role_required(*RECORDER_ROLES)
def cancel_activity(activity_id: int):
    """Cancel an activity with a reason; its data is kept."""
    activity = get_writable_or_404(Activity, activity_id, current_user)
    form = CancelForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn, vui lòng tải lại trang và gửi lại.", "danger")
        return redirect(url_for("activities.show_activity", activity_id=activity.id))
    try:
        services.cancel_activity(activity, form.cancel_reason.data or "", current_user, utcnow())
    except ActivityError as exc:
        db.session.rollback()
        for message in exc.errors.values():
            flash(message, "danger")
        return redirect(url_for("activities.show_activity", activity_id=activity_id))
    db.session.commit()
    flash("Đã hủy hoạt động (dữ liệu vẫn được giữ lại).", "success")
    return redirect(url_for("activities.show_activity", activity_id=activity.id))


@bp.route("/activities/<int:activity_id>/copy", methods=["GET", "POST"])
@role_required(*RECORDER_ROLES)
def copy_activity(activity_id: int):
    """Copy an activity to new dates as a new planned activity."""
    activity = get_writable_or_404(Activity, activity_id, current_user)
    form = CopyForm()
    if request.method == "GET":
        form.start.data = local(activity.start_at).strftime("%d/%m/%Y %H:%M")
        form.end.data = local(activity.end_at).strftime("%d/%m/%Y %H:%M")
        return render_template("activities/copy.html", activity=activity, form=form, **_lookups())
    if form.validate_on_submit():
        def create() -> str:
            copy = services.copy_activity(activity, form.start.data, form.end.data, current_user, utcnow())
            return url_for("activities.show_activity", activity_id=copy.id)

        try:  # the same copy form sent twice makes one copy
            url, _ = submit_once(form.form_token.data, "activities.copy_activity", current_user.id, utcnow(), create)
        except ActivityError as exc:
            db.session.rollback()
            for key, message in exc.errors.items():
                if key in ("start", "end"):
                    form[key].errors = [message]
                else:
                    flash(message, "danger")
        else:
            flash("Đã sao chép thành hoạt động mới (kế hoạch).", "success")
            return redirect(url)
    activity = db.session.get(Activity, activity_id)
    return render_template("activities/copy.html", activity=activity, form=form, **_lookups()), 422


@bp.route("/activities/<int:activity_id>/delete", methods=["GET", "POST"])
@role_required(*RECORDER_ROLES)
def delete_activity(activity_id: int):
    """Delete an activity after confirmation (GET shows the confirmation)."""
    activity = get_writable_or_404(Activity, activity_id, current_user)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        title = activity.title
        services.delete_activity(activity, current_user, utcnow(), current_app.config["UPLOAD_DIR"])
        db.session.commit()
        flash(f"Đã xóa hoạt động “{title[:80]}”.", "success")
        return redirect(url_for("activities.list_activities"))
    return render_template("activities/delete.html", activity=activity, form=form, **_lookups()), (
        200 if request.method == "GET" else 422)
