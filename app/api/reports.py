"""API: the PDFs of an activity (SPEC §12), with the same scoping as the pages."""

from flask import current_app, request

from app import params
from app.api import bp
from app.api.auth import api_roles, api_user
from app.auth.access import get_scoped_or_404
from app.errors import json_error
from app.extensions import db
from app.formatting import today_local
from app.models import Activity
from app.reports import services
from app.reports.responses import frozen_response, pdf_response, upload_dir


@bp.get("/activities/<int:activity_id>/report.pdf")
@api_roles("admin", "city", "commune", "viewer")
def activity_report_pdf(activity_id):
    """The activity report PDF; 404 for another commune's activity."""
    activity = get_scoped_or_404(Activity, activity_id, api_user())
    pdf = services.activity_report_pdf(activity, upload_dir(), today_local(), services.Signer.of(api_user()))
    return pdf_response(pdf, f"bao-cao-hoat-dong-{activity.id}.pdf")


@bp.get("/activities/<int:activity_id>/attendance.pdf")
@api_roles("admin", "city", "commune")
def activity_attendance_pdf(activity_id):
    """The attendance list PDF, phones masked by role; audited like every export of personal data."""
    from app.checkin.services import can_see_phones
    from app.models.audit import record

    user = api_user()
    activity = get_scoped_or_404(Activity, activity_id, user)
    full = can_see_phones(user, activity)
    pdf = services.attendance_list_pdf(activity, today_local(), full, services.Signer.of(user))
    record(user.id, "checkin.export", "activity", activity.id, format="pdf", full_phones=full, via="api")
    db.session.commit()
    return pdf_response(pdf, f"danh-sach-tham-du-{activity.id}.pdf")


@bp.get("/activities/<int:activity_id>/poster.pdf")
@api_roles("admin", "city", "commune")
def activity_poster_pdf(activity_id):
    """The A4 QR poster PDF; 404 for another commune's activity or a kind without QR check-in."""
    activity = get_scoped_or_404(Activity, activity_id, api_user())
    base_url = current_app.config.get("PUBLIC_BASE_URL") or request.host_url
    try:
        pdf = services.poster_pdf(activity, base_url, current_app.config["SECRET_KEY"])
    except services.ReportUnavailable as exc:
        return json_error(404, str(exc), code="no_qr")
    db.session.commit()
    return pdf_response(pdf, f"poster-diem-danh-{activity.id}.pdf")


@bp.get("/campaigns/<slug>/reports/<code>.pdf")
@api_roles("admin", "city", "commune", "viewer")
def commune_report_pdf(slug, code):
    """The commune campaign report PDF: the frozen copy once submitted, else as of today (or `as_of`)."""
    from sqlalchemy import select

    from app.auth.access import first_scoped_or_404
    from app.compliance.loader import load_matrix
    from app.models import Commune

    commune = first_scoped_or_404(select(Commune).where(Commune.code == code[:5]), Commune, api_user())
    as_of_text = request.args.get("as_of")
    if not as_of_text:
        frozen = services.frozen_commune_report(slug, commune)
        if frozen is not None:
            return frozen_response(frozen)
    as_of = params.as_of(as_of_text, today_local())  # dd/mm/yyyy or ISO; a bad one: 422 naming it
    try:
        matrix = load_matrix(slug, as_of)
    except LookupError:
        return json_error(404, "Không có chiến dịch này.")
    pdf = services.commune_report_pdf(matrix, commune, today_local(), signer=services.Signer.of(api_user()))
    return pdf_response(pdf, f"bao-cao-{slug}-{commune.code}.pdf")
