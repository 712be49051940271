"""Pages of the periodic reports (SPEC §15): the calendar, a unit's report form, consolidation, documents."""

import io

from flask import Response, abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from pydantic import ValidationError

from app.auth.access import role_required
from app.compliance.engine import TASK_STATUS_LABELS_VI, TASK_STATUSES
from app.extensions import db
from app.formatting import today_local
from app.models.types import utcnow
from app.periodic import bp, consolidated, office
from app.periodic.calendar import current_period, periods_of
from app.periodic.reminders import remind_missing
from app.periodic.services import (
    ReportRefused,
    figures_for,
    history_of,
    lines_for,
    live_totals,
    own_unit,
    reads_all,
    reopen,
    report_of,
    save_report,
    sees_draft,
    unit_by_code,
    unit_status,
    units_of,
)
from app.periodic.views import (
    ALREADY_SENT,
    OFFICE,
    READERS,
    WRITERS,
    XLSX,
    as_of_arg,
    city_or_404,
    consolidating,
    own_unit_code,
    period_or_404,
    unit_or_404,
)
from app.schemas.periodic import SECTION_KEYS, PeriodicReportIn, field_errors


@bp.route("/")
@role_required(*READERS)
def index():
    """The calendar's periods: the unit's own report of each, or (city office, Sở Nội vụ) each period's counts."""
    city = city_or_404()
    periods = periods_of(city.id)
    as_of = as_of_arg()
    own = own_unit_code()
    unit = unit_by_code(city.id, own) if own else None
    rows = []
    for period in periods:
        report = report_of(period, unit.unit_type, unit.code) if unit else None
        rows.append({"period": period, "report": report,
                     "status": unit_status(period, report, as_of) if unit else None})
    return render_template("periodic/index.html", rows=rows, unit=unit, reads_all=reads_all(current_user),
                           current=current_period(periods, as_of), as_of=as_of)


@bp.route("/<period>/<code>", methods=["GET", "POST"])
@role_required(*READERS)
def report(period: str, code: str):
    """A unit's report of a period: figures pre-filled from the window, free sections, draft, submit."""
    city = city_or_404()
    found, unit = period_or_404(city, period), unit_or_404(city, code)
    report = report_of(found, unit.unit_type, unit.code)
    if report is not None and not report.submitted and not sees_draft(current_user, unit):
        report = None  # a viewer or Sở Nội vụ reads submitted reports only
    today = today_local()
    errors: dict = {}
    writable = (current_user.role in OFFICE or own_unit(current_user, unit)) and not (report and report.submitted)
    if request.method == "POST":
        if current_user.role not in OFFICE and not own_unit(current_user, unit):
            abort(403)
        if report is not None and report.submitted:  # a second click, a resent form: nothing is created
            flash(ALREADY_SENT, "info")
            return redirect(url_for("periodic.report", period=found.key, code=unit.code))
        submit = request.form.get("action") == "submit"
        raw = {"unit_type": unit.unit_type, "unit_code": unit.code, "period": found.key, "submit": submit,
               "sections": {k: request.form.get(k, "") for k in SECTION_KEYS}}
        try:
            report, _created = save_report(city, found, unit, current_user, PeriodicReportIn.model_validate(raw),
                                           today, utcnow())
        except ValidationError as exc:
            errors = field_errors(exc)
        except ReportRefused as exc:
            db.session.rollback()
            if exc.status == 409:
                flash(ALREADY_SENT, "info")
                return redirect(url_for("periodic.report", period=found.key, code=unit.code))
            flash(exc.message, "danger")
            errors = exc.fields
        else:
            db.session.commit()
            flash("Đã gửi báo cáo." if submit else "Đã lưu nháp.", "success")
            return redirect(url_for("periodic.report", period=found.key, code=unit.code))
    sections = {k: request.form.get(k, "") for k in SECTION_KEYS} if errors else dict((report.sections or {})
                                                                                       if report else {})
    figures = report.figures if report is not None and report.submitted else figures_for(city, found, unit)
    history = history_of(report) if report is not None and current_user.role in OFFICE else []
    return render_template("periodic/report.html", period=found, unit=unit, report=report, sections=sections,
                           figures=figures, errors=errors, writable=writable,
                           status=unit_status(found, report, today), history=history, today=today,
                           hide_people=current_user.role == "viewer")


@bp.post("/<period>/<code>/nhap")
@role_required(*WRITERS)
def autosave(period: str, code: str):
    """The form's autosave (JSON, CSRF header): the draft's sections stored on the server; never submits."""
    city = city_or_404()
    found, unit = period_or_404(city, period), unit_or_404(city, code)
    raw = request.get_json(silent=True)
    if not isinstance(raw, dict):
        return jsonify({"error": {"code": "bad_request", "message": "Nội dung phải là JSON.", "fields": {}}}), 400
    body = {"unit_type": unit.unit_type, "unit_code": unit.code, "period": found.key, "submit": False,
            "sections": raw.get("sections")}
    try:
        saved, _ = save_report(city, found, unit, current_user, PeriodicReportIn.model_validate(body), today_local(),
                               utcnow())
    except ValidationError as exc:
        return jsonify({"error": {"code": "invalid", "message": "Dữ liệu không hợp lệ.",
                                  "fields": field_errors(exc)}}), 422
    except ReportRefused as exc:
        db.session.rollback()
        return jsonify({"error": {"code": "refused", "message": exc.message, "fields": exc.fields}}), exc.status
    db.session.commit()
    return jsonify({"saved_at": saved.updated_at.isoformat(), "state": saved.state})


@bp.route("/<period>/<code>.pdf")
@role_required(*READERS)
def report_pdf(period: str, code: str):
    """The frozen PDF of a submitted report (404 until it is submitted)."""
    city = city_or_404()
    found, unit = period_or_404(city, period), unit_or_404(city, code)
    report = report_of(found, unit.unit_type, unit.code)
    if report is None or not report.submitted or not report.pdf:
        abort(404)
    return send_file(io.BytesIO(report.pdf), mimetype="application/pdf", as_attachment=False,
                     download_name=f"bao-cao-{found.key}-{unit.code}.pdf")


@bp.route("/<period>/<code>/ban-<int:version>.pdf")
@role_required(*OFFICE)
def version_pdf(period: str, code: str, version: int):
    """A frozen copy kept when the report was reopened (its history)."""
    city = city_or_404()
    found, unit = period_or_404(city, period), unit_or_404(city, code)
    report = report_of(found, unit.unit_type, unit.code)
    kept = next((v for v in history_of(report) if v.version == version), None) if report else None
    if kept is None or not kept.pdf:
        abort(404)
    return send_file(io.BytesIO(kept.pdf), mimetype="application/pdf", as_attachment=False,
                     download_name=f"bao-cao-{found.key}-{unit.code}-ban-{version}.pdf")


@bp.post("/<period>/<code>/mo-lai")
@role_required("admin")
def reopen_report(period: str, code: str):
    """Admin: reopen a submitted report (audited); the frozen copy stays in its history."""
    city = city_or_404()
    found, unit = period_or_404(city, period), unit_or_404(city, code)
    report = report_of(found, unit.unit_type, unit.code)
    if report is None:
        abort(404)
    try:
        reopen(report, current_user, (request.form.get("reason") or "").strip(), utcnow())
    except ReportRefused as exc:
        flash(exc.message, "warning")
    else:
        db.session.commit()
        flash("Đã mở lại báo cáo; bản đã gửi được lưu trong lịch sử.", "success")
    return redirect(url_for("periodic.report", period=found.key, code=unit.code))


@bp.route("/<period>")
@role_required(*READERS)
def consolidation(period: str):
    """Every unit's report of a period — on time, late, missing — with a filter and reminders to the missing."""
    city, found = consolidating(period)
    as_of = as_of_arg()
    lines = lines_for(current_user, found, units_of(city.id), as_of)
    counts = {s: sum(1 for line in lines if line.status == s) for s in TASK_STATUSES}
    wanted, kind = request.args.get("status") or "", request.args.get("type") or ""
    shown = [line for line in lines if (not wanted or line.status == wanted) and (not kind or line.unit.unit_type == kind)]
    return render_template("periodic/consolidation.html", period=found, lines=shown, counts=counts, as_of=as_of,
                           wanted=wanted, kind=kind, periods=periods_of(city.id),
                           summary=consolidated.consolidated_of(found))


@bp.post("/<period>/chua-gui/nhac")
@role_required(*OFFICE)
def remind(period: str):
    """Send a reminder to every unit still without a report (once per unit and day)."""
    city = city_or_404()
    found = period_or_404(city, period)
    added = remind_missing(found, today_local(), utcnow())
    db.session.commit()
    flash(f"Đã gửi {added} thông báo nhắc gửi báo cáo.", "success")
    return redirect(url_for("periodic.consolidation", period=found.key))


@bp.route("/<period>/so-lieu.xlsx")
@role_required(*READERS)
def figures_xlsx(period: str):
    """Every unit's figures of the period in one Excel sheet (frozen ones for submitted reports)."""
    city, found = consolidating(period)
    as_of = today_local()
    live = live_totals(found)
    rows = []
    for line in lines_for(current_user, found, units_of(city.id), as_of):
        report = line.report if line.report is not None and line.report.submitted else None
        figures = report.figures if report else {"total": live.get(line.unit.key, {})}
        rows.append((line.unit.unit_type, line.unit.code, line.unit.name, TASK_STATUS_LABELS_VI[line.status],
                     report.submitted_on if report else None, figures))
    return Response(office.figures_xlsx(found.label, rows), mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="so-lieu-{found.key}.xlsx"'})

