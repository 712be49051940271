"""The consolidated report for UBND thành phố (seed 000 §VIII.2): gathered from every submitted report, with the
units that reported and those missing, and every unit's "Khó khăn, vướng mắc" and "Đề xuất, kiến nghị" by unit.

It is a report of the city level (unit type "city"): a draft the city office edits, then submits (frozen PDF).
"""

from dataclasses import dataclass
from datetime import date, datetime

from app.extensions import db
from app.models import City, PeriodicReport, ReportingPeriod
from app.models.audit import record
from app.periodic import evidence
from app.periodic import figures as collected
from app.periodic.calendar import window_of
from app.periodic.pdf import ConsolidatedDocument, UnitLine, build_consolidated
from app.periodic.services import CITY_UNIT, ReportRefused, Unit, consolidation, report_of, reports_of
from app.reports.common import city_header
from app.reports.services import Signer
from app.reports.text import fmt_int
from app.schemas.periodic import SECTION_KEYS

STATUS_WORDS = {"done": "đúng hạn", "late": "trễ hạn"}


@dataclass(frozen=True)
class Gathered:
    """What the submitted reports of a period say, unit by unit, and who is missing."""

    reported: tuple[UnitLine, ...]
    missing: tuple[str, ...]
    figures: dict


def gather(period: ReportingPeriod, units: list[Unit], as_of: date) -> Gathered:
    """Every submitted report's free sections (by unit, in the units' order), the missing units, the city totals."""
    reports = reports_of(period)
    judged = consolidation(period, units, as_of)
    reported, missing = [], []
    for unit, row in zip(units, judged.rows, strict=True):
        report = reports.get(unit.key)
        if row.status in STATUS_WORDS and report is not None:
            s = report.sections or {}
            reported.append(UnitLine(unit.name, STATUS_WORDS[row.status], s.get("kho_khan", ""), s.get("de_xuat", "")))
        else:
            missing.append(unit.name)
    return Gathered(tuple(reported), tuple(missing), collected.city_totals(window_of(period)))


def prefilled_sections(period: ReportingPeriod, gathered: Gathered) -> dict:
    """The draft's starting text: a summary sentence and the units' difficulties and proposals gathered by unit."""
    total = gathered.figures["total"]
    n = len(gathered.reported) + len(gathered.missing)
    t = {k: fmt_int(v) for k, v in total.items()}
    summary = (f"{period.label}: {len(gathered.reported)}/{n} đơn vị đã gửi báo cáo. Toàn thành phố tổ chức "
               f"{t['held']} hoạt động tuyên truyền, {t['attendees']} người tham dự, {t['consultations']} "
               f"lượt tư vấn; {t['new_bhyt']} người tham gia BHYT mới, {t['new_bhxh']} người tham gia BHXH "
               "tự nguyện mới.")

    def by_unit(key):
        return "\n".join(f"- {u.name}: {getattr(u, key)}" for u in gathered.reported if getattr(u, key).strip())

    return {"ket_qua": summary, "han_che": "", "kho_khan": by_unit("kho_khan"), "de_xuat": by_unit("de_xuat")}


def consolidated_of(period: ReportingPeriod) -> PeriodicReport | None:
    """The city's consolidated report of a period, or None when no draft was saved yet."""
    return report_of(period, *CITY_UNIT)


def document(city: City, period: ReportingPeriod, sections: dict, gathered: Gathered, signer: Signer,
             issued_on: date) -> ConsolidatedDocument:
    """The consolidated report's printed data."""
    return ConsolidatedDocument(city_header(city.lead_office, city.name, issued_on), period.label,
                                (period.data_start, period.data_end), sections, gathered.figures, gathered.reported,
                                gathered.missing, signer_title=signer.position or "Giám đốc", signer_name=signer.name)


def save_consolidated(city: City, period: ReportingPeriod, units: list[Unit], user, sections: dict, submit: bool,
                      today: date, now: datetime, pdf_url: str = "") -> PeriodicReport:
    """Save the city office's draft, or submit it (PDF frozen; recorded at `pdf_url` as the product of the plan
    tasks it answers, app/periodic/evidence.py); a submitted one is never overwritten (409)."""
    report = consolidated_of(period)
    if report is not None and report.submitted:
        raise ReportRefused(409, "Báo cáo tổng hợp kỳ này đã được gửi; chỉ quản trị viên mở lại được.")
    if report is None:
        report = PeriodicReport(period_id=period.id, unit_type=CITY_UNIT[0], unit_code=CITY_UNIT[1], state="draft")
        db.session.add(report)
    report.sections = {k: (sections.get(k) or "")[:20_000] for k in SECTION_KEYS}
    report.updated_by_id, report.updated_at = user.id, now
    if submit:
        gathered = gather(period, units, today)
        report.figures = {**gathered.figures, "reported": [u.name for u in gathered.reported],
                          "missing": list(gathered.missing)}
        report.pdf = build_consolidated(document(city, period, report.sections, gathered, Signer.of(user), today))
        report.state, report.submitted_on, report.submitted_at, report.submitted_by_id = "submitted", today, now, user.id
    db.session.flush()
    if submit:
        record(user.id, "submit", "periodic_report", report.id, period=period.key, unit="city")
        for added in evidence.record_evidence(city.id, period, report, pdf_url, user.id, today) if pdf_url else ():
            record(user.id, "submit", "task_submission", added.id, task=added.task_id, period=added.period,
                   source="periodic_report")
    return report
