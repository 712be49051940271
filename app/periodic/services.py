"""Periodic report services (SPEC §15): the reporting units, drafts, submission (figures and PDF frozen), reopening.

Services take the user and the day as arguments, flush, and leave the commit to the caller; the page, its autosave
and the API call the same `save_report`.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from app.collation import vi_sorted
from app.extensions import db
from app.models import Agency, City, Commune, PeriodicReport, PeriodicReportVersion, ReportingPeriod
from app.models.audit import record
from app.periodic import figures as collected
from app.periodic.calendar import window_of
from app.periodic.obligations import Consolidation, consolidate, status
from app.periodic.pdf import ReportDocument, build_unit_report
from app.reports.common import commune_header
from app.reports.frame import DocHeader
from app.reports.services import Signer
from app.schemas.periodic import SECTION_KEYS, PeriodicReportIn

PAPER_ROLES = ("admin", "city")
CITY_UNIT = ("city", "TP")  # the consolidated report's unit


class ReportRefused(Exception):
    """A report that cannot be saved: `status` 403/404/409/422, a message and per-field messages."""

    def __init__(self, status: int, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields or {}


@dataclass(frozen=True)
class Unit:
    """A reporting unit: a commune or an agency of the city."""

    unit_type: str
    code: str
    name: str
    commune_id: int | None = None
    agency_id: int | None = None

    @property
    def key(self) -> tuple[str, str]:
        """(unit type, code)."""
        return self.unit_type, self.code


def city_of(key: str) -> City | None:
    """The configured city's row."""
    return db.session.scalar(select(City).where(City.key == key))


def units_of(city_id: int) -> list[Unit]:
    """Every reporting unit of the city: its communes (Vietnamese order), then its active agencies (by code)."""
    communes = db.session.execute(select(Commune.id, Commune.code, Commune.name).where(Commune.city_id == city_id))
    agencies = db.session.execute(select(Agency.id, Agency.code, Agency.name)
                                  .where(Agency.city_id == city_id, Agency.active.is_(True)).order_by(Agency.code))
    return ([Unit("commune", c.code, c.name, commune_id=c.id) for c in vi_sorted(communes.all(), key=lambda r: r.name)]
            + [Unit("agency", a.code, a.name, agency_id=a.id) for a in agencies.all()])


def unit_by_code(city_id: int, code: str, unit_type: str | None = None) -> Unit | None:
    """A commune or an agency of the city by its code (communes' codes are numbers, agencies' letters)."""
    code = (code or "")[:16]
    if unit_type in (None, "commune"):
        c = db.session.scalar(select(Commune).where(Commune.city_id == city_id, Commune.code == code))
        if c is not None:
            return Unit("commune", c.code, c.name, commune_id=c.id)
    if unit_type in (None, "agency"):
        a = db.session.scalar(select(Agency).where(Agency.city_id == city_id, Agency.code == code))
        if a is not None:
            return Unit("agency", a.code, a.name, agency_id=a.id)
    return None


def own_unit(user, unit: Unit) -> bool:
    """Whether `unit` is the user's own commune or agency."""
    if user.role == "commune":
        return unit.commune_id is not None and unit.commune_id == user.commune_id
    if user.role == "agency":
        return unit.agency_id is not None and unit.agency_id == user.agency_id
    return False


def reads_all(user) -> bool:
    """The city office, viewers and Sở Nội vụ's users (who consolidate with BHXH thành phố, seed 000 §VIII.2) read
    every unit's submitted report."""
    if user.role in ("admin", "city", "viewer"):
        return True
    agency = getattr(user, "agency", None) if user.role == "agency" else None
    return agency is not None and agency.code == consolidator_code()


def consolidator_code() -> str:
    """The agency that consolidates the reports (data: `reporting_calendar.json`)."""
    from app.periodic.calendar import calendar_settings

    return calendar_settings().get("consolidator", "SNV")


def may_see(user, unit: Unit) -> bool:
    """Commune and agency users see only their own unit's report; the city office, viewers and Sở Nội vụ every
    unit's (drafts only the unit itself and the city office: `sees_draft`)."""
    return own_unit(user, unit) or reads_all(user)


def sees_draft(user, unit: Unit) -> bool:
    """Drafts are the unit's own and the city office's; viewers and Sở Nội vụ read submitted reports only."""
    return user.role in PAPER_ROLES or own_unit(user, unit)


def may_write(user, unit: Unit) -> bool:
    """The unit's own users write its report; the city office may write any (a report received on paper)."""
    return user.role in PAPER_ROLES or own_unit(user, unit)


def report_of(period: ReportingPeriod, unit_type: str, code: str) -> PeriodicReport | None:
    """The report of one unit for one period, or None."""
    return db.session.scalar(select(PeriodicReport).where(PeriodicReport.period_id == period.id,
                                                          PeriodicReport.unit_type == unit_type,
                                                          PeriodicReport.unit_code == code))


def reports_of(period: ReportingPeriod) -> dict[tuple[str, str], PeriodicReport]:
    """Every report of a period by (unit type, code): one query."""
    rows = db.session.scalars(select(PeriodicReport).where(PeriodicReport.period_id == period.id))
    return {(r.unit_type, r.unit_code): r for r in rows}


def consolidation(period: ReportingPeriod, units: list[Unit], as_of: date) -> Consolidation:
    """Every unit's obligation for the period as of a date (the engine's rule)."""
    submitted = {k: r.submitted_on for k, r in reports_of(period).items() if r.submitted and r.submitted_on}
    return consolidate(window_of(period), [u.key for u in units], submitted, as_of)


def unit_status(period: ReportingPeriod, report: PeriodicReport | None, as_of: date) -> str:
    """One unit's status as of a date."""
    on = report.submitted_on if report is not None and report.submitted else None
    return status(window_of(period), on, as_of)


def figures_for(city: City, period: ReportingPeriod, unit: Unit) -> dict:
    """The figures pre-filled from the cut-off window (live for a draft; frozen once submitted)."""
    return collected.collect(city.id, window_of(period), unit.unit_type, unit.code, unit.commune_id, unit.agency_id)


def header_for(city: City, unit: Unit, issued_on: date) -> DocHeader:
    """The issuing body: a commune's BHXH cơ sở, or the agency under the city's people's committee."""
    if unit.unit_type == "commune":
        return commune_header(city.lead_office, unit.name, city.name, issued_on)
    return DocHeader(f"UBND {city.full_name}", unit.name, number="Số:      /BC", place=city.name, date=issued_on)


def document_for(city: City, period: ReportingPeriod, unit: Unit, sections: dict, figures: dict, signer: Signer,
                 issued_on: date) -> ReportDocument:
    """The report's printed data."""
    return ReportDocument(header_for(city, unit, issued_on), unit.name, period.label,
                          (period.data_start, period.data_end), sections, figures,
                          recipients=("Sở Nội vụ", city.lead_office, "Lưu: VT"), signer_title=signer.position or "Thủ trưởng đơn vị", signer_name=signer.name)


def save_report(city: City, period: ReportingPeriod, unit: Unit, user, body: PeriodicReportIn, today: date,
                now: datetime) -> tuple[PeriodicReport, bool]:
    """Save a draft or submit (SPEC §15); returns (report, created). Submitting freezes the figures and the PDF
    and is the evidence of the period's obligation; a submitted report is never overwritten (409)."""
    if not may_see(user, unit):
        raise ReportRefused(404, "Không có đơn vị này.")
    if not may_write(user, unit):
        raise ReportRefused(403, "Vai trò của bạn không gửi báo cáo.")
    if body.submitted_on is not None and user.role not in PAPER_ROLES:
        raise ReportRefused(403, "Chỉ BHXH thành phố ghi nhận báo cáo nhận bản giấy.",
                            {"submitted_on": "Không được phép."})
    on = body.submitted_on or today
    if body.submitted_on is not None and body.submitted_on > today:
        raise ReportRefused(422, "Ngày nhận chưa tới.", {"submitted_on": "Không được sau hôm nay."})
    report = report_of(period, unit.unit_type, unit.code)
    if report is not None and report.submitted:
        raise ReportRefused(409, "Báo cáo kỳ này đã được gửi; chỉ quản trị viên mở lại được.")
    if body.submit and on < period.data_end:
        raise ReportRefused(422, f"Chưa đến ngày chốt số liệu ({period.data_end:%d/%m/%Y}): chưa gửi được báo cáo.",
                            {"submit": "Lưu nháp và gửi từ ngày chốt số liệu."})
    created = report is None
    if created:
        report = PeriodicReport(period_id=period.id, unit_type=unit.unit_type, unit_code=unit.code,
                                commune_id=unit.commune_id, agency_id=unit.agency_id, state="draft")
        db.session.add(report)
    report.sections = {k: getattr(body.sections, k) for k in SECTION_KEYS}
    report.updated_by_id, report.updated_at = user.id, now
    if body.submit:
        frozen = figures_for(city, period, unit)
        signer = Signer.of(user)
        report.figures = frozen
        report.pdf = build_unit_report(document_for(city, period, unit, report.sections, frozen, signer, on))
        report.state, report.submitted_on, report.submitted_at = "submitted", on, now
        report.submitted_by_id = user.id
        report.source = "paper" if body.submitted_on is not None else "online"
    db.session.flush()
    if body.submit:
        record(user.id, "submit", "periodic_report", report.id, period=period.key, unit=unit.code,
               source=report.source, submitted_on=on.isoformat())
    return report, created


def reopen(report: PeriodicReport, user, reason: str, now: datetime) -> PeriodicReportVersion:
    """Admin: reopen a submitted report as a draft; its frozen copy is kept in the history (audited)."""
    if not report.submitted:
        raise ReportRefused(409, "Báo cáo chưa gửi, không cần mở lại.")
    kept = PeriodicReportVersion(report_id=report.id, version=report.version, sections=dict(report.sections or {}),
                                 figures=report.figures, pdf=report.pdf, submitted_on=report.submitted_on,
                                 submitted_by_id=report.submitted_by_id, reopened_at=now, reopened_by_id=user.id,
                                 reason=reason[:2000])
    db.session.add(kept)
    report.state, report.pdf, report.figures = "draft", None, None
    report.submitted_on = report.submitted_at = report.submitted_by_id = None
    report.version += 1
    db.session.flush()
    record(user.id, "reopen", "periodic_report", report.id, version=kept.version, reason=reason[:200])
    return kept


def history_of(report: PeriodicReport) -> list[PeriodicReportVersion]:
    """The frozen copies of earlier submissions, newest first."""
    return list(db.session.scalars(select(PeriodicReportVersion).where(PeriodicReportVersion.report_id == report.id)
                                   .order_by(PeriodicReportVersion.version.desc())))


def visible_units(user, units: list[Unit]) -> list[Unit]:
    """The units whose reports `user` may see."""
    return [u for u in units if may_see(user, u)]


@dataclass(frozen=True)
class Line:
    """One unit of a period as the consolidation page and the API list it."""

    unit: Unit
    status: str
    report: PeriodicReport | None

    @property
    def state(self) -> str:
        """ "none", "draft" or "submitted"."""
        return self.report.state if self.report is not None else "none"


def lines_for(user, period: ReportingPeriod, units: list[Unit], as_of: date) -> list[Line]:
    """Every unit `user` may see with its status as of a date; a viewer sees no draft (only submitted reports)."""
    reports = reports_of(period)
    judged = consolidation(period, units, as_of)
    out = []
    for unit, row in zip(units, judged.rows, strict=True):
        if not may_see(user, unit):
            continue
        report = reports.get(unit.key)
        if report is not None and not report.submitted and not sees_draft(user, unit):
            report = None
        out.append(Line(unit, row.status, report))
    return out


def live_totals(period: ReportingPeriod) -> dict[tuple[str, str], dict]:
    """Every unit's activity totals in the period's window, two GROUP BY queries (the Excel of unsent reports)."""
    from app.activities.totals import activity_totals

    communes = dict(db.session.execute(select(Commune.id, Commune.code).where(Commune.city_id == period.city_id)).all())
    agencies = dict(db.session.execute(select(Agency.id, Agency.code).where(Agency.city_id == period.city_id)).all())
    out = {}
    for by, codes, unit_type in (("commune", communes, "commune"), ("agency", agencies, "agency")):
        for ident, totals in activity_totals(period.data_start, period.data_end, by=by).items():
            if ident in codes:
                out[(unit_type, codes[ident])] = totals
    return out
