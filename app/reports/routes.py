"""Report pages and PDF downloads (SPEC §6): activity report and poster, period report, campaign reports."""

import datetime as dt

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app import params
from app.auth.access import first_scoped_or_404, get_scoped_or_404, role_required, scope, visible
from app.checkin.links import public_base_url
from app.collation import vi_sorted
from app.compliance.loader import load_matrix, nearest_campaign_slug
from app.domain.roles import CITY_READER_ROLES, READER_ROLES, STAFF_ROLES
from app.extensions import db
from app.formatting import today_local
from app.models import Activity, Campaign, Commune
from app.reports import bp, services
from app.reports.responses import frozen_response, pdf_response, upload_dir  # also imported from here by app/api
from app.routing import ascii_int

MAX_PERIOD_DAYS = 3 * 366


def visible_campaigns() -> list[Campaign]:
    """The campaigns the user may see, newest first (from the data: no campaign is named in a template)."""
    return list(db.session.scalars(visible(select(Campaign), current_user).order_by(Campaign.start.desc())))


def load_campaign_matrix(slug: str, as_of: dt.date):
    """The campaign's matrix as of a date, or 404 for an unknown campaign."""
    try:
        return load_matrix(slug, as_of)
    except LookupError:
        abort(404)


@bp.route("/reports/")
@role_required(*READER_ROLES)
def index():
    """The reports this user may download: period report form, campaign reports, recent activities."""
    today = today_local()
    communes = []
    if current_user.role != "commune":
        communes = vi_sorted(db.session.execute(select(Commune.id, Commune.name)).all(), key=lambda c: c.name)
    recent = db.session.scalars(
        scope(select(Activity), Activity, current_user).order_by(Activity.start_at.desc()).limit(15)
    ).all()
    return render_template(
        "reports/index.html",
        communes=communes,
        recent=recent,
        default_from=dt.date(today.year, 1, 1),
        default_to=today,
        campaigns=visible_campaigns(),
        today=today,
    )


@bp.route("/activities/<int:activity_id>/report.pdf")
@role_required(*READER_ROLES)
def activity_report(activity_id):
    """The activity report PDF (SPEC §6.1); another commune's activity is a 404."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    pdf = services.activity_report_pdf(activity, upload_dir(), today_local(), services.Signer.of(current_user))
    return pdf_response(pdf, f"bao-cao-hoat-dong-{activity.id}.pdf")


@bp.route("/activities/<int:activity_id>/attendance.pdf")
@role_required(*STAFF_ROLES)
def attendance_list(activity_id):
    """The attendance list PDF (SPEC §6.2), phones masked by role; written to the audit log (SPEC §5)."""
    from app.checkin.services import can_see_phones
    from app.models.audit import record

    activity = get_scoped_or_404(Activity, activity_id, current_user)
    full = can_see_phones(current_user, activity)
    pdf = services.attendance_list_pdf(activity, today_local(), full, services.Signer.of(current_user))
    record(current_user.id, "checkin.export", "activity", activity.id, format="pdf", full_phones=full)
    db.session.commit()
    return pdf_response(pdf, f"danh-sach-tham-du-{activity.id}.pdf")


@bp.route("/activities/<int:activity_id>/poster.pdf")
@role_required(*STAFF_ROLES)
def activity_poster(activity_id):
    """The A4 QR poster of an activity (SPEC §6.3); 404 for another commune's or a kind without QR."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    try:
        pdf = services.poster_pdf(activity, public_base_url(), current_app.config["SECRET_KEY"])
    except services.ReportUnavailable:
        abort(404)
    db.session.commit()  # a first poster gives the activity its QR nonce
    return pdf_response(pdf, f"poster-diem-danh-{activity.id}.pdf")


def _period_args(args) -> tuple[dt.date, dt.date, int | None, str | None]:
    """Read from/to/commune of the period form; the last item is a Vietnamese error, if any."""
    today = today_local()
    try:
        start = params.day(args.get("from"), "from") or dt.date(today.year, 1, 1)
        end = params.day(args.get("to"), "to") or today
    except params.ParamError as exc:
        return today, today, None, exc.message
    if start > end:
        return start, end, None, "Ngày bắt đầu phải trước ngày kết thúc."
    if (end - start).days > MAX_PERIOD_DAYS:
        return start, end, None, "Kỳ báo cáo tối đa 3 năm."
    commune_id = None
    raw = args.get("commune", "")
    if current_user.role == "commune":
        commune_id = current_user.commune_id
        if raw and raw != str(commune_id):
            abort(404)  # another commune's figures look exactly like a missing page
    elif raw:
        commune_pk = ascii_int(raw)
        commune = db.session.get(Commune, commune_pk) if commune_pk is not None else None
        if commune is None:
            return start, end, None, "Không tìm thấy đơn vị."
        commune_id = commune.id
    return start, end, commune_id, None


@bp.route("/reports/period.pdf")
@role_required(*READER_ROLES)
def period_report():
    """The period report PDF for ?from=&to=&commune= (SPEC §6.6); a commune user gets only their commune."""
    start, end, commune_id, error = _period_args(request.args)
    if error:
        flash(error, "danger")
        return redirect(url_for("reports.index"))
    pdf = services.period_report_pdf(start, end, commune_id, today_local(), services.Signer.of(current_user))
    return pdf_response(pdf, f"bao-cao-{start:%Y%m%d}-{end:%Y%m%d}.pdf")


@bp.route("/reports/city-summary.pdf")
@role_required(*CITY_READER_ROLES)
def city_summary():
    """The Steering Committee's summary of a campaign as of a date (SPEC §6.5); default: the campaign nearest today."""
    slug = request.args.get("campaign") or nearest_campaign_slug(visible_campaigns(), today_local())
    if slug is None:
        abort(404)
    matrix = load_campaign_matrix(slug, params.as_of(request.args.get("as_of"), today_local()))
    pdf = services.city_summary_pdf(matrix, today_local(), services.Signer.of(current_user))
    return pdf_response(pdf, f"bao-cao-tong-hop-{slug}.pdf")


@bp.route("/campaigns/<slug>/communes/<code>/report.pdf")
@role_required(*READER_ROLES)
def commune_report(slug, code):
    """One commune's campaign report (SPEC §6.4); another commune's is a 404 for a commune user."""
    commune = first_scoped_or_404(select(Commune).where(Commune.code == code), Commune, current_user)
    if not request.args.get("as_of"):
        frozen = services.frozen_commune_report(slug, commune)
        if frozen is not None:
            return frozen_response(frozen)
    matrix = load_campaign_matrix(slug, params.as_of(request.args.get("as_of"), today_local()))
    try:
        matrix.row(commune.code)
    except KeyError:
        abort(404)
    pdf = services.commune_report_pdf(matrix, commune, today_local(), signer=services.Signer.of(current_user))
    return pdf_response(pdf, f"bao-cao-{slug}-{commune.code}.pdf")
