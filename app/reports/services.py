"""Report services: load what a document needs, build its rows, draw it. Explicit arguments; the caller commits."""

import dataclasses
import datetime as dt
from pathlib import Path

from sqlalchemy import select

from app.activities.counted import counted_results
from app.checkin.links import checkin_url
from app.extensions import db
from app.models import Activity, City, Message
from app.reports.activity_report import MAX_PHOTOS, activity_report_data, build_activity_report
from app.reports.city_summary import build_city_summary, city_summary_data
from app.reports.common import KindTotal, ResultTotal
from app.reports.commune_report import ActivitySummary, build_commune_report, commune_report_data
from app.reports.period_report import PeriodReportData, build_period_report, period_report_data
from app.reports.poster import PosterData, build_poster, poster_message


class ReportUnavailable(LookupError):
    """The document cannot be made for this object (e.g. a poster for a kind without QR check-in)."""


@dataclasses.dataclass(frozen=True)
class Signer:
    """Who signs a document (ND 30/2020): the position above the signature, the printed name below."""

    name: str = ""
    position: str = ""

    @classmethod
    def of(cls, user) -> "Signer":
        """The signer from a user's profile (full name, position); None signs nothing."""
        if user is None:
            return cls()
        return cls(user.full_name or "", getattr(user, "position", None) or "")


def signed(data, signer: Signer | None):
    """The document data with the signer's printed name and, when the profile has one, position."""
    if signer is None:
        return data
    changes = {"signer_name": signer.name}
    if signer.position:
        changes["signer_title"] = signer.position
    return dataclasses.replace(data, **changes)


def unit_recipients(commune_name: str | None) -> tuple[str, ...]:
    """ "Nơi nhận" of a commune's document: the city office, the commune's People's Committee by name, the archive."""
    lines = ["Bảo hiểm xã hội thành phố (để b/c)"]
    if commune_name:
        lines.append(f"UBND {commune_name}")
    return (*lines, "Lưu: VT")


def city() -> City:
    """The city this installation serves."""
    return db.session.scalars(select(City).limit(1)).one()


def attendance_by_audience(activity: Activity) -> dict[int, int]:
    """Check-ins per audience group (one query); people without a group are left out of this table."""
    from app.checkin.services import counts_by_audience

    return {k: v for k, v in counts_by_audience(activity.id).items() if k is not None}


def activity_report_pdf(activity: Activity, upload_dir: str | Path, today: dt.date,
                        signer: Signer | None = None) -> bytes:
    """The activity report (SPEC §6.1) with up to four of its photos that exist on disk."""
    photos = [Path(upload_dir) / p.stored_name for p in activity.photos]
    photos = [p for p in photos if p.is_file()][:MAX_PHOTOS]
    data = activity_report_data(activity, attendance_by_audience(activity), photos, issued_on=today,
                                counted=counted_results([activity.id])[activity.id])
    data = dataclasses.replace(data, recipients=unit_recipients(activity.commune.name if activity.commune else None))
    return build_activity_report(signed(data, signer))


def attendance_list_pdf(activity: Activity, today: dt.date, full_phones: bool, signer: Signer | None = None) -> bytes:
    """The attendance list (SPEC §6.2): every check-in once, phones masked unless `full_phones`."""
    from app.checkin.services import checkins_with_residence, mask_phone
    from app.models import Audience
    from app.reports.attendance_list import AttendanceEntry, AttendanceListData, build_attendance_list
    from app.reports.common import city_header, commune_header

    c = city()
    audiences = dict(db.session.execute(select(Audience.id, Audience.short_name)).all())
    entries = tuple(
        AttendanceEntry(full_name=ci.full_name, birth_year=ci.birth_year, audience=audiences.get(ci.audience, ""),
                        residence=residence or "", phone=(ci.phone if full_phones else mask_phone(ci.phone)) or "",
                        checked_in_at=ci.created_at)
        for ci, residence in checkins_with_residence(activity.id)
    )
    number = "Số:      /DS-BHXH"  # a list, not a report (ND 30/2020, Appendix III: DS)
    header = (commune_header(c.lead_office, activity.commune.name, c.name, today, number) if activity.commune
              else city_header(c.lead_office, c.name, today, number))
    data = AttendanceListData(header=header, activity_title=activity.title,
                              start=activity.start_at, venue=activity.venue, entries=entries)
    return build_attendance_list(signed(data, signer))


def poster_pdf(activity: Activity, base_url: str, secret_key: str) -> bytes:
    """The A4 QR poster (SPEC §6.3); ReportUnavailable for kinds without QR check-in."""
    if not activity.qr_capable:
        raise ReportUnavailable("Loại hoạt động này không điểm danh bằng mã QR.")
    texts = dict(db.session.execute(select(Message.id, Message.text)).all())
    issuer = (f"Bảo hiểm xã hội cơ sở {activity.commune.name}" if activity.commune
              else city().lead_office)
    data = PosterData(
        issuer=issuer,
        title=activity.title,
        start=activity.start_at,
        end=activity.end_at,
        venue=activity.venue or "",
        checkin_url=checkin_url(activity, base_url, secret_key),
        message=poster_message(activity.messages, texts),
        faq_url=f"{base_url.rstrip('/')}/hoi-dap",
    )
    return build_poster(data)


def period_report_pdf(start: dt.date, end: dt.date, commune_id: int | None, today: dt.date,
                      signer: Signer | None = None) -> bytes:
    """The period report (SPEC §6.6) for a date range, the whole city or one commune."""
    data = period_report_data(db.session, start, end, commune_id, issued_on=today)
    if commune_id is not None:
        data = dataclasses.replace(data, recipients=unit_recipients(data.unit_name))
    return build_period_report(signed(data, signer))


def _totals(period: PeriodReportData) -> tuple[list[KindTotal], list[ResultTotal]]:
    """Kind totals and main results from the period report's rows (held activities only)."""
    kinds = {v: k for k, v in _kind_labels().items()}
    totals = [KindTotal(kinds.get(r.label, r.label), r.label, r.held, r.attendees) for r in period.by_kind if r.held]
    t = period.total
    results = [ResultTotal("Số người tham dự (điểm danh và ghi nhận thêm)", t.attendees),
               ResultTotal("Số lượt tư vấn", t.consultations),
               ResultTotal("Số người tham gia BHYT mới", t.new_bhyt),
               ResultTotal("Số người tham gia BHXH tự nguyện mới", t.new_bhxh)]
    return totals, [r for r in results if r.value]


def _kind_labels() -> dict[str, str]:
    """Kind code → label."""
    from app.domain.kinds import KINDS

    return {k: v.label for k, v in KINDS.items()}


def city_summary_pdf(matrix, today: dt.date, signer: Signer | None = None) -> bytes:
    """The Steering Committee's summary (SPEC §6.5) of a campaign matrix."""
    c = city()
    campaign = matrix.campaign
    period = period_report_data(db.session, campaign.start, min(campaign.end, matrix.as_of))
    kinds, _ = _totals(period)
    data = city_summary_data(matrix, kinds, lead_office=c.lead_office, place=c.name, issued_on=today)
    return build_city_summary(signed(data, signer))


def commune_report_pdf(matrix, commune, today: dt.date, submitted_at: dt.datetime | None = None,
                       signer: Signer | None = None) -> bytes:
    """One commune's campaign report (SPEC §6.4): duty table with evidence, totals by kind, results."""
    c = city()
    campaign = matrix.campaign
    row = matrix.row(commune.code)
    ids = {i for cell in row.cells for i in (*cell.evidence, *cell.planned)}
    summaries = {
        a.id: ActivitySummary(a.id, a.title, a.evidence_date, a.kind, a.status)
        for a in db.session.execute(
            select(Activity.id, Activity.title, Activity.evidence_date, Activity.kind, Activity.status)
            .where(Activity.id.in_(ids), Activity.commune_id == commune.id)
        ).all()
    } if ids else {}
    period = period_report_data(db.session, campaign.start, min(campaign.end, matrix.as_of), commune.id)
    kinds, results = _totals(period)
    data = commune_report_data(matrix, commune.code, summaries, lead_office=c.lead_office, place=c.name,
                               issued_on=today, kind_totals=kinds, results=results, submitted_at=submitted_at)
    data = dataclasses.replace(data, recipients=unit_recipients(commune.name))
    return build_commune_report(signed(data, signer))


def freeze_commune_report(submission, matrix, today: dt.date) -> None:
    """Store the commune report as submitted (SPEC §6.4), drawn from `matrix` (the campaign as of the submission
    day): later downloads return this frozen copy."""
    import hashlib

    from app.models import User

    submitter = db.session.get(User, submission.submitted_by_id) if submission.submitted_by_id else None
    pdf = commune_report_pdf(matrix, submission.commune, today, submitted_at=submission.submitted_at,
                             signer=Signer.of(submitter))
    submission.pdf = pdf
    submission.pdf_sha256 = hashlib.sha256(pdf).hexdigest()


def frozen_commune_report(slug: str, commune):
    """The counting submission of a commune for a campaign, if it holds a frozen PDF (else None)."""
    from app.models import Campaign, ReportSubmission

    return db.session.scalars(
        select(ReportSubmission).join(Campaign, Campaign.id == ReportSubmission.campaign_id)
        .where(Campaign.slug == slug, ReportSubmission.commune_id == commune.id,
               ReportSubmission.unlocked_at.is_(None), ReportSubmission.pdf.is_not(None))
        .order_by(ReportSubmission.id.desc())
    ).first()
