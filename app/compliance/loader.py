"""DB → engine dataclasses in a constant number of queries (never one per commune or cell).

Only the columns the engine reads are selected, and only activities whose kind and
date could matter to one of the campaign's duties or city requirements.
"""

from collections import defaultdict
from datetime import date

from sqlalchemy import String, and_, or_, select, type_coerce
from sqlalchemy.orm import selectinload

from app.compliance.engine import (
    ACTIVITY_HELD,
    ACTIVITY_PLANNED,
    ActivityFact,
    CampaignSpec,
    CityRequirementSpec,
    CommuneFact,
    DutySpec,
    SubmissionFact,
)
from app.compliance.yearly import in_force
from app.extensions import db
from app.models import Activity, Campaign, Commune, ReportSubmission


def load_campaign(slug: str) -> Campaign | None:
    """The campaign with its duties and city requirements (three queries), or None."""
    stmt = (
        select(Campaign)
        .where(Campaign.slug == slug)
        .options(selectinload(Campaign.duties), selectinload(Campaign.city_requirements))
        .execution_options(populate_existing=True)  # a long-lived session must see the office's latest edits
    )
    return db.session.scalars(stmt).first()


def campaign_spec(campaign: Campaign, as_of: date | None = None) -> CampaignSpec:
    """The engine's view of a campaign row, duties and requirements in the office's order; with `as_of`, only
    those in force on that day (SPEC §18: past statuses replay with the duty set of their day)."""
    duties = tuple(
        DutySpec(d.no, d.text, d.evidence, frozenset(d.kinds or ()), d.min_count, d.window_start, d.window_end,
                 d.hint or "")
        for d in sorted(campaign.duties, key=lambda d: (d.position, d.no))
        if as_of is None or in_force(d.added_on, d.retired_on, as_of)
    )
    requirements = tuple(
        CityRequirementSpec(r.key, r.label, frozenset(r.kinds or ()), r.min_count, r.window_start, r.window_end)
        for r in sorted(campaign.city_requirements, key=lambda r: (r.position, r.id))
        if as_of is None or in_force(r.added_on, r.retired_on, as_of)
    )
    return CampaignSpec(campaign.slug, campaign.name, campaign.start, campaign.end, duties, requirements)


def kind_spans(spec: CampaignSpec, as_of: date) -> dict[tuple[date | None, date | None], set[str]]:
    """For each kind that matters, the widest date span in which it can count; kinds grouped by span.

    Held evidence counts up to `as_of` (late evidence whenever it comes); plans count only inside
    a window, so the upper bound is the later of `as_of` and the last window end. A window with no
    start (a deadline-only duty) has no lower bound.
    """
    lower: dict[str, date | None] = {}
    upper: dict[str, date | None] = {}
    windows = [(d.kinds, d.window_start, d.window_end) for d in spec.duties if d.evidence == "activity"]
    windows += [(r.kinds, r.window_start, r.window_end) for r in spec.city_requirements]
    for kinds, start, end in windows:
        for kind in kinds:
            if kind in lower:
                lower[kind] = None if lower[kind] is None or start is None else min(lower[kind], start)
                upper[kind] = None if upper[kind] is None or end is None else max(upper[kind], end)
            else:
                lower[kind], upper[kind] = start, end
    groups: dict[tuple[date | None, date | None], set[str]] = defaultdict(set)
    for kind in lower:
        hi = upper[kind]
        groups[(lower[kind], None if hi is None else max(hi, as_of))].add(kind)
    return dict(groups)


def load_communes() -> tuple[list[CommuneFact], dict[int, str]]:
    """The commune-level units by code, and their codes by id (one query)."""
    rows = db.session.execute(select(Commune.id, Commune.code, Commune.name, Commune.kind)
                              .order_by(Commune.code)).all()
    return [CommuneFact(code, name, kind) for _, code, name, kind in rows], {id_: code for id_, code, _, _ in rows}


def load_activities(spec: CampaignSpec, as_of: date, code_by_id: dict[int, str] | None = None) -> list[ActivityFact]:
    """Held or planned activities of the kinds and dates that can matter, in one query.

    Commune ids become codes through `code_by_id` (the communes are read anyway), which spares a join.
    """
    conditions = []
    for (lo, hi), kinds in kind_spans(spec, as_of).items():
        clause = [Activity.kind.in_(sorted(kinds))]
        if lo is not None:
            clause.append(Activity.evidence_date >= lo)
        if hi is not None:
            clause.append(Activity.evidence_date <= hi)
        conditions.append(and_(*clause))
    if not conditions:
        return []
    if code_by_id is None:
        code_by_id = dict(db.session.execute(select(Commune.id, Commune.code)))
    # The date comes back as the driver gives it (SQLite: 'YYYY-MM-DD' text, parsed by the C fromisoformat,
    # several times faster than SQLAlchemy's per-row Date processing; PostgreSQL: already a date).
    stmt = (
        select(Activity.id, Activity.commune_id, Activity.kind, Activity.status,
               type_coerce(Activity.evidence_date, String))
        .where(Activity.status.in_((ACTIVITY_HELD, ACTIVITY_PLANNED)), or_(*conditions))
    )
    get, parse = code_by_id.get, date.fromisoformat
    return [ActivityFact(id_, get(cid) if cid is not None else None, kind, status,
                         when if isinstance(when, date) else parse(when))
            for id_, cid, kind, status, when in db.session.execute(stmt)]


def load_submissions(campaign_id: int, as_of: date) -> list[SubmissionFact]:
    """Submissions that still count (not unlocked), submitted on or before `as_of`, in one query."""
    stmt = (
        select(ReportSubmission.id, Commune.code, ReportSubmission.submitted_on)
        .join(Commune, Commune.id == ReportSubmission.commune_id)
        .where(
            ReportSubmission.campaign_id == campaign_id,
            ReportSubmission.unlocked_at.is_(None),
            ReportSubmission.submitted_on <= as_of,
        )
    )
    return [SubmissionFact(*row) for row in db.session.execute(stmt)]
