"""Pages of the consolidated report for UBND thành phố and of the reporting calendar (SPEC §15)."""

import io
import re
from datetime import date

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app.auth.access import role_required
from app.domain.dates import parse_date
from app.extensions import db
from app.formatting import today_local
from app.models import ReportingPeriod
from app.models.audit import record
from app.models.types import utcnow
from app.periodic import bp, consolidated, office
from app.periodic.calendar import PERIOD_KEY, periods_of
from app.periodic.obligations import Window
from app.periodic.services import ReportRefused, units_of
from app.periodic.views import DOCX, OFFICE, READERS, city_or_404, consolidating
from app.reports.services import Signer
from app.schemas.periodic import SECTION_KEYS


def _gathered(city, period):
    return consolidated.gather(period, units_of(city.id), today_local())


@bp.route("/<period>/tong-hop", methods=["GET", "POST"])
@role_required(*READERS)
def consolidated_report(period: str):
    """The consolidated report: gathered from every submitted report, edited by the city office, then submitted."""
    city, found = consolidating(period)
    report = consolidated.consolidated_of(found)
    if request.method == "POST":
        if current_user.role not in OFFICE:
            abort(403)
        submit = request.form.get("action") == "submit"
        sections = {k: request.form.get(k, "") for k in SECTION_KEYS}
        try:
            consolidated.save_consolidated(city, found, units_of(city.id), current_user, sections, submit,
                                           today_local(), utcnow(),
                                           url_for("periodic.consolidated_pdf", period=found.key))
        except ReportRefused as exc:
            db.session.rollback()
            flash(exc.message, "info")
        else:
            db.session.commit()
            flash("Đã gửi báo cáo tổng hợp." if submit else "Đã lưu nháp báo cáo tổng hợp.", "success")
        return redirect(url_for("periodic.consolidated_report", period=found.key))
    gathered = _gathered(city, found)
    if report is not None and not report.submitted and current_user.role not in OFFICE:
        report = None  # Sở Nội vụ and viewers read the submitted one
    sections = dict(report.sections) if report else consolidated.prefilled_sections(found, gathered)
    return render_template("periodic/consolidated.html", period=found, report=report, sections=sections,
                           gathered=gathered, editable=current_user.role in OFFICE and not (report and report.submitted))


def _document(city, found):
    report = consolidated.consolidated_of(found)
    gathered = _gathered(city, found)
    sections = dict(report.sections) if report else consolidated.prefilled_sections(found, gathered)
    return report, consolidated.document(city, found, sections, gathered, Signer.of(current_user), today_local())


@bp.route("/<period>/tong-hop.pdf")
@role_required(*READERS)
def consolidated_pdf(period: str):
    """The consolidated report's PDF: the frozen one once submitted, else the current draft."""
    city, found = consolidating(period)
    report, doc = _document(city, found)
    from app.periodic.pdf import build_consolidated

    pdf = report.pdf if report is not None and report.submitted and report.pdf else build_consolidated(doc)
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=f"tong-hop-{found.key}.pdf")


@bp.route("/<period>/tong-hop.docx")
@role_required(*READERS)
def consolidated_docx(period: str):
    """The consolidated report as a Word file the secretary can still edit."""
    city, found = consolidating(period)
    _report, doc = _document(city, found)
    return send_file(io.BytesIO(office.consolidated_docx(doc)), mimetype=DOCX, as_attachment=True,
                     download_name=f"tong-hop-{found.key}.docx")


def _date(raw: str) -> date | None:
    """A date typed dd/mm/yyyy (or ISO); None when empty or not a date (the form says which field)."""
    return parse_date(raw.strip()) if raw else None


@bp.route("/lich", methods=["GET", "POST"])
@role_required(*OFFICE)
def calendar():
    """The reporting calendar: edit a period's window and due date, add an ad-hoc ("đột xuất") report."""
    city = city_or_404()
    errors: dict = {}
    if request.method == "POST":
        form = request.form
        key = (form.get("key") or "").strip()
        start, end, due = _date(form.get("data_start", "")), _date(form.get("data_end", "")), _date(form.get("due", ""))
        label = (form.get("label") or "").strip()[:200]
        if not PERIOD_KEY.fullmatch(key):
            errors["key"] = "Mã kỳ gồm chữ, số, dấu gạch (tối đa 24 ký tự), ví dụ 2026-DX1."
        for name, value in (("data_start", start), ("data_end", end), ("due", due)):
            if value is None:
                errors[name] = "Ngày không hợp lệ."
        if not label:
            errors["label"] = "Bắt buộc."
        if not errors:
            try:
                Window(key, "ad_hoc", label, start, end, due)
            except ValueError as exc:
                errors["due"] = str(exc)
        if not errors:
            errors = _store_period(city, key, label, start, end, due, (form.get("note") or "")[:2000])
        if not errors:
            flash("Đã lưu kỳ báo cáo.", "success")
            return redirect(url_for("periodic.calendar"))
    return render_template("periodic/calendar.html", periods=periods_of(city.id, active_only=False), errors=errors,
                           form=request.form if errors else {})


def _store_period(city, key, label, start, end, due, note) -> dict:
    """Edit an existing period of that key, or add an ad-hoc one; audited."""
    period = db.session.query(ReportingPeriod).filter_by(city_id=city.id, key=key).one_or_none()
    if period is None:
        kind = "ad_hoc" if not re.fullmatch(r"\d{4}-(H1|Y)", key) else ("half_year" if key.endswith("H1") else "year")
        period = ReportingPeriod(city_id=city.id, key=key, kind=kind)
        db.session.add(period)
    old = {"data_start": str(period.data_start), "data_end": str(period.data_end), "due": str(period.due)}
    period.label, period.data_start, period.data_end, period.due, period.note = label, start, end, due, note
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        return {"key": "Kỳ này đã có."}
    record(current_user.id, "edit", "reporting_period", period.id, key=key, old=old)
    db.session.commit()
    return {}
