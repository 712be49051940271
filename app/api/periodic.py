"""Periodic reports in the API (SPEC §12 second wave, §15): every unit's status for a period; drafts and submission."""


from flask import Response, current_app, jsonify, request, url_for
from pydantic import ValidationError

from app import params
from app.api import bp
from app.api.auth import api_roles, api_user
from app.errors import json_error
from app.extensions import db
from app.formatting import today_local
from app.models.types import utcnow
from app.periodic.calendar import current_period, period_by_key, periods_of
from app.periodic.services import (
    ReportRefused,
    city_of,
    lines_for,
    may_see,
    report_of,
    save_report,
    unit_by_code,
    unit_status,
    units_of,
)
from app.schemas.periodic import PeriodicReportIn, field_errors

READERS = ("admin", "city", "commune", "viewer", "agency")
WRITERS = ("admin", "city", "commune", "agency")


def _city():
    return city_of(current_app.config["CITY"])


def _pdf_url(period_key: str, code: str) -> str:
    return url_for("api.periodic_report_pdf", period=period_key, code=code)


def report_as_dict(report, period, status: str) -> dict:
    """A saved report in the API."""
    return {"id": report.id, "unit_type": report.unit_type, "unit_code": report.unit_code, "period": period.key,
            "state": report.state, "status": status, "sections": dict(report.sections or {}),
            "figures": report.figures, "submitted_on": report.submitted_on.isoformat() if report.submitted_on else None,
            "version": report.version,
            "pdf_url": _pdf_url(period.key, report.unit_code) if report.submitted else None}


@bp.get("/periodic-reports")
@api_roles(*READERS)
def list_periodic_reports():
    """One row per reporting unit the caller may see, submitted or not, with its status as of `as_of`."""
    city = _city()
    as_of = params.as_of(request.args.get("as_of"), today_local())  # a bad date: 422 naming `as_of`
    key = request.args.get("period")
    period = period_by_key(city.id, key) if key else current_period(periods_of(city.id), as_of)
    if period is None:
        return json_error(404, "Không có kỳ báo cáo này.", {"period": "Kỳ không có trong lịch báo cáo."})
    units = units_of(city.id)
    code = (request.args.get("unit") or "").strip()
    if code:
        units = [u for u in units if u.code == code]
    rows = []
    for line in lines_for(api_user(), period, units, as_of):
        report = line.report
        submitted = report is not None and report.submitted
        rows.append({"unit_type": line.unit.unit_type, "unit_code": line.unit.code, "unit_name": line.unit.name,
                     "period": period.key, "status": line.status, "state": line.state,
                     "submitted_on": report.submitted_on.isoformat() if submitted else None,
                     "submitted_at": report.submitted_at.isoformat() if submitted else None,
                     "pdf_url": _pdf_url(period.key, line.unit.code) if submitted else None})
    return jsonify(rows)


@bp.post("/periodic-reports")
@api_roles(*WRITERS)
def save_periodic_report():
    """Save a draft (`submit: false`) or submit; 201 when the report is new, 200 for a draft updated; 409 once
    submitted (a second submit creates nothing)."""
    raw = request.get_json(silent=True)
    if not isinstance(raw, dict):
        return json_error(400, "Nội dung phải là một đối tượng JSON.")
    try:
        body = PeriodicReportIn.model_validate(raw)
    except ValidationError as exc:
        return json_error(422, "Dữ liệu không hợp lệ.", field_errors(exc))
    city = _city()
    period = period_by_key(city.id, body.period)
    if period is None:
        return json_error(422, "Kỳ không có trong lịch báo cáo.", {"period": "Kỳ không có trong lịch báo cáo."})
    unit = unit_by_code(city.id, body.unit_code, body.unit_type)
    user = api_user()
    if unit is None or not may_see(user, unit):
        return json_error(404, "Không có đơn vị này.")
    today = today_local()
    try:
        report, created = save_report(city, period, unit, user, body, today, utcnow())
    except ReportRefused as exc:
        db.session.rollback()
        return json_error(exc.status, exc.message, exc.fields)
    db.session.commit()
    return jsonify(report_as_dict(report, period, unit_status(period, report, today))), 201 if created else 200


@bp.get("/periodic-reports/<period>/<code>.pdf")
@api_roles(*READERS)
def periodic_report_pdf(period: str, code: str):
    """The frozen PDF of a submitted report; 404 for another unit's report or one not submitted."""
    city = _city()
    found = period_by_key(city.id, period)
    unit = unit_by_code(city.id, code)
    if found is None or unit is None or not may_see(api_user(), unit):
        return json_error(404, "Không có báo cáo này.")
    report = report_of(found, unit.unit_type, unit.code)
    if report is None or not report.submitted or not report.pdf:
        return json_error(404, "Báo cáo chưa được gửi.")
    return Response(report.pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="bao-cao-{found.key}-{unit.code}.pdf"'})
