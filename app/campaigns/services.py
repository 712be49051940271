"""Campaign services: seeding templates, the matrix, report submissions and admin edits (SPEC §4, §12).

Services never read the request or the current user: the actor and the time are arguments.
They flush; the caller commits once.
"""

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.campaigns import revisions
from app.collation import vi_key
from app.compliance import loader
from app.compliance.engine import Matrix
from app.extensions import db
from app.formatting import TZ
from app.models import Campaign, CityRequirement, Commune, Duty, ReportSubmission
from app.models.audit import record
from app.reports.services import freeze_commune_report


class SubmissionExists(Exception):
    """The commune already has a report that counts for this campaign (unlock it first)."""

    def __init__(self, submission: ReportSubmission):
        super().__init__(f"report already submitted on {submission.submitted_on}")
        self.submission = submission


def active_campaign_slugs(as_of: date) -> list[str]:
    """Active published campaigns whose duties can still be reminded as of a date: from a week before the period opens
    to the day after the last deadline (a duty may fall due before the period, e.g. the May plan by 30/4)."""
    from datetime import timedelta

    last_deadline = (
        select(Duty.campaign_id, func.max(Duty.window_end).label("last")).group_by(Duty.campaign_id).subquery()
    )
    rows = db.session.execute(
        select(Campaign.slug, Campaign.start, Campaign.end, last_deadline.c.last)
        .outerjoin(last_deadline, last_deadline.c.campaign_id == Campaign.id)
        .where(Campaign.active.is_(True), Campaign.state == "published").order_by(Campaign.start)
    ).all()
    return [slug for slug, start, end, last in rows
            if start - timedelta(days=45) <= as_of <= max(end, last or end) + timedelta(days=1)]


def matrix_as_dict(matrix: Matrix, codes: set[str] | None = None) -> dict:
    """The API / CLI shape of a matrix (SPEC §12); only the rows of `codes` when given."""
    communes = [
        {
            "code": row.commune.code,
            "name": row.commune.name,
            "duties": [{"no": c.duty_no, "status": c.status, "evidence": list(c.evidence)} for c in row.cells],
            "done": row.completed,
            "total": row.total,
        }
        for row in matrix.rows
        if codes is None or row.commune.code in codes
    ]
    summary = {k: (v.isoformat() if isinstance(v, date) else v) for k, v in matrix.summary.items()}
    return {
        "campaign": matrix.campaign.slug,
        "as_of": matrix.as_of.isoformat(),
        "communes": communes,
        "city_requirements": [
            {"key": r.key, "label": r.label, "required": r.required, "actual": r.actual, "met": r.met}
            for r in matrix.city_requirements
        ],
        "summary": summary,
    }


def current_submission(campaign: Campaign, commune: Commune) -> ReportSubmission | None:
    """The commune's report that counts for this campaign (not unlocked), if any."""
    stmt = (
        select(ReportSubmission)
        .where(ReportSubmission.campaign_id == campaign.id, ReportSubmission.commune_id == commune.id,
               ReportSubmission.unlocked_at.is_(None))
        .order_by(ReportSubmission.id.desc())
    )
    return db.session.scalars(stmt).first()


def submit_report(campaign: Campaign, commune: Commune, actor, now: datetime, submitted_on: date | None = None,
                  source: str | None = None, note: str = "") -> ReportSubmission:
    """Record the commune's campaign report (Appendix II, duty 9): online today, or on paper with its date."""
    existing = current_submission(campaign, commune)
    if existing is not None:
        raise SubmissionExists(existing)
    if source is None:
        source = "online" if submitted_on is None else "paper"
    submission = ReportSubmission(
        campaign_id=campaign.id,
        commune_id=commune.id,
        submitted_at=now,
        submitted_on=submitted_on or now.astimezone(TZ).date(),
        submitted_by_id=actor.id if actor else None,
        source=source,
        note=note or "",
    )
    try:
        with db.session.begin_nested():  # a concurrent submission loses on the partial unique index
            db.session.add(submission)
    except IntegrityError:
        raise SubmissionExists(current_submission(campaign, commune)) from None
    record(actor.id if actor else None, "submit_report", "report_submission", submission.id,
           campaign=campaign.slug, commune=commune.code, submitted_on=submission.submitted_on.isoformat(),
           source=source)
    matrix = loader.load_matrix(campaign.slug, submission.submitted_on)
    freeze_commune_report(submission, matrix, submission.submitted_on)
    db.session.flush()
    return submission


def unlock_submission(submission: ReportSubmission, actor, now: datetime) -> ReportSubmission:
    """Unlock a submitted report: it no longer counts and the commune can submit again (admin)."""
    if submission.unlocked_at is None:
        submission.unlocked_at = now
        submission.unlocked_by_id = actor.id if actor else None
        db.session.flush()
        record(actor.id if actor else None, "unlock_report", "report_submission", submission.id,
               campaign=submission.campaign.slug, commune=submission.commune.code)
    return submission


def _apply(obj, data: dict, fields: tuple[str, ...]) -> dict:
    """Set the given fields and return {field: [old, new]} for those that changed."""
    changes = {}
    for name in fields:
        new = data[name]
        old = getattr(obj, name)
        if old != new:
            changes[name] = [_plain(old), _plain(new)]
            setattr(obj, name, new)
    return changes


def _plain(value):
    """A JSON-friendly value for the audit log."""
    return value.isoformat() if isinstance(value, date) else value


def update_campaign(campaign: Campaign, data: dict, actor_id: int | None) -> dict:
    """Change a campaign's name, period and active flag; audited."""
    changes = _apply(campaign, data, ("name", "start", "end", "active"))
    if changes:
        db.session.flush()
        record(actor_id, "update", "campaign", campaign.id, slug=campaign.slug, changes=changes)
    return changes


def update_duty(duty: Duty, data: dict, actor_id: int | None, today: date) -> dict:
    """Change a duty's text, kinds, minimum count, window and hint; audited with old and new values. After the
    start, what it said before is kept (SPEC §18), so the days before `today` replay as they were."""
    return _update(duty, data, ("text", "kinds", "min_count", "window_start", "window_end", "hint"), actor_id,
                   today, "duty", no=duty.no)


def update_requirement(requirement: CityRequirement, data: dict, actor_id: int | None, today: date) -> dict:
    """Change a city requirement's label, kinds, minimum count and window; audited, kept as a revision after the
    start (as `update_duty`)."""
    return _update(requirement, data, ("label", "kinds", "min_count", "window_start", "window_end"), actor_id,
                   today, "city_requirement", key=requirement.key)


def _update(obj, data: dict, fields: tuple[str, ...], actor_id: int | None, today: date, kind: str, **name) -> dict:
    before = revisions.values(obj)
    changes = _apply(obj, data, fields)
    if changes:
        kept = revisions.started(obj.campaign, today)
        if kept:
            revisions.keep(obj, before, today)
        db.session.flush()
        record(actor_id, "update", kind, obj.id, campaign=obj.campaign.slug, **name, changes=changes,
               **({"takes_effect": today.isoformat()} if kept else {}))
    return changes


def fold(text: str) -> str:
    """Lower-case without Vietnamese marks, so that "hong bang" finds "Hồng Bàng"."""
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch)).casefold()


def select_rows(matrix: Matrix, codes: set[str] | None = None, status: str | None = None, duty: int | None = None,
                kind: str | None = None, q: str = "", sort: str = "") -> list:
    """The matrix rows a page or export shows: in scope, filtered by status (of one duty or any), unit kind
    and name, sorted by code, by completion or by name in Vietnamese order."""
    needle = fold(q.strip()) if q else ""
    out = []
    for row in matrix.rows:
        if codes is not None and row.commune.code not in codes:
            continue
        if kind and row.commune.kind != kind:
            continue
        if needle and needle not in fold(row.commune.name) and needle not in row.commune.code:
            continue
        if status:
            cells = [c for c in row.cells if duty is None or c.duty_no == duty]
            if not any(c.status == status for c in cells):
                continue
        out.append(row)
    if sort == "completion":
        out.sort(key=lambda r: (r.completed / r.total if r.total else 0, r.commune.code))
    elif sort == "-completion":
        out.sort(key=lambda r: (-(r.completed / r.total if r.total else 0), r.commune.code))
    elif sort == "name":
        out.sort(key=lambda r: vi_key(r.commune.name))
    return out
