"""DB → engine dataclasses in a constant number of queries (never one per commune or cell): the one entry point.

`load_facts` reads what the engine needs for a campaign as of a date, `load_matrix` evaluates it; every caller
(campaign pages and API, reports, dashboards, reminders, CLI) goes through them. Only the columns the engine
reads are selected, and only activities whose kind and date could matter to one of the campaign's duties or
city requirements.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String, select, type_coerce, union_all
from sqlalchemy.orm import selectinload

from app.compliance.engine import (
    ActivityFact,
    CampaignSpec,
    CityRequirementSpec,
    CommuneFact,
    DutySpec,
    Matrix,
    SubmissionFact,
    collector_paused,
    evaluate,
)
from app.compliance.yearly import as_it_was, in_force
from app.extensions import db
from app.models import Activity, Campaign, CityRequirement, Commune, Duty, ReportSubmission

CANCELLED = "cancelled"  # the one status of SPEC §3 that is never evidence (app.domain.kinds.STATUSES)


@dataclass(frozen=True)
class Facts:
    """What the engine reads for one campaign as of a date, and the campaign row it came from."""

    campaign: Campaign
    spec: CampaignSpec
    communes: list[CommuneFact]
    activities: list[ActivityFact]
    submissions: list[SubmissionFact]
    as_of: date

    def evaluate(self) -> Matrix:
        """The commune × duty matrix of these facts (SPEC §4)."""
        return evaluate(self.spec, self.communes, self.activities, self.submissions, self.as_of)


def load_facts(slug: str, as_of: date) -> Facts:
    """The campaign's facts as of a date, in a constant number of queries; LookupError if the campaign is unknown.

    Tens of thousands of rows and facts at national scale: the cyclic collector is paused meanwhile, or its
    passes over every young object (and a full one over the whole heap) take a third of the load
    (bench/compliance.py); the rows and facts hold no cycles.
    """
    with collector_paused():
        campaign = load_campaign(slug)
        if campaign is None:
            raise LookupError(slug)
        spec = campaign_spec(campaign, as_of)
        communes, code_by_id = load_communes()
        activities = load_activities(spec, as_of, code_by_id)
        return Facts(campaign, spec, communes, activities, load_submissions(campaign.id, as_of), as_of)


def load_matrix(slug: str, as_of: date) -> Matrix:
    """The commune × duty matrix of a campaign as of a date (one engine for every caller); LookupError if unknown."""
    with collector_paused():  # one pause over the load and the evaluation
        return load_facts(slug, as_of).evaluate()


def nearest_campaign_slug(campaigns: list[Campaign], today: date) -> str | None:
    """The active campaign nearest to today (running ones first), else the nearest of all; None when there is none."""
    def distance(c):
        return 0 if c.start <= today <= c.end else min(abs((c.start - today).days), abs((today - c.end).days))

    active = [c for c in campaigns if c.active] or campaigns
    if not active:
        return None
    return min(active, key=lambda c: (distance(c), c.start)).slug


def load_campaign(slug: str) -> Campaign | None:
    """The campaign with its duties and city requirements, each with its revisions (three queries), or None."""
    stmt = (
        select(Campaign)
        .where(Campaign.slug == slug)
        .options(selectinload(Campaign.duties).joinedload(Duty.revisions),
                 selectinload(Campaign.city_requirements).joinedload(CityRequirement.revisions))
        .execution_options(populate_existing=True)  # a long-lived session must see the office's latest edits
    )
    return db.session.scalars(stmt).first()


def campaign_spec(campaign: Campaign, as_of: date | None = None) -> CampaignSpec:
    """The engine's view of a campaign row, duties and requirements in the office's order; with `as_of`, only
    those in force on that day, each as it was that day (SPEC §18: past statuses replay with the duty set and the
    windows, kinds and texts of their day); without it, every one, retired ones included, as it is now."""
    return _spec(campaign, as_of, as_of)


def campaign_versions(campaign: Campaign) -> list[CampaignSpec]:
    """Every duty and requirement (retired ones included) as it is now, then as it was before each day an edit
    took effect: what some day of the campaign may need (the activities to read, the evidence a removal would
    orphan). One spec when nothing was edited after the start."""
    days = sorted({r.replaced_on for d in campaign.duties for r in d.revisions}
                  | {r.replaced_on for q in campaign.city_requirements for r in q.revisions})
    return [_spec(campaign, None, None), *(_spec(campaign, None, day - timedelta(days=1)) for day in days)]


def _spec(campaign: Campaign, in_force_on: date | None, values_on: date | None) -> CampaignSpec:
    """The duties and requirements in force on `in_force_on` (None: every one), with their values of `values_on`
    (None: the current ones)."""
    duties = []
    for duty in sorted(campaign.duties, key=lambda d: (d.position, d.no)):
        if in_force_on is None or in_force(duty.added_on, duty.retired_on, in_force_on, duty.past_retirements):
            d = as_it_was(duty, duty.revisions, values_on)
            duties.append(DutySpec(duty.no, d.text, d.evidence, frozenset(d.kinds or ()), d.min_count,
                                   d.window_start, d.window_end, d.hint or ""))
    requirements = []
    for requirement in sorted(campaign.city_requirements, key=lambda r: (r.position, r.id)):
        if in_force_on is None or in_force(requirement.added_on, requirement.retired_on, in_force_on,
                                           requirement.past_retirements):
            r = as_it_was(requirement, requirement.revisions, values_on)
            requirements.append(CityRequirementSpec(requirement.key, r.label, frozenset(r.kinds or ()), r.min_count,
                                                    r.window_start, r.window_end))
    return CampaignSpec(campaign.slug, campaign.name, campaign.start, campaign.end, tuple(duties),
                        tuple(requirements))


def kind_spans(spec: CampaignSpec | Iterable[CampaignSpec],
               as_of: date) -> dict[tuple[date | None, date | None], set[str]]:
    """For each kind that matters to a spec (or to any of several), the widest date span in which it can count;
    kinds grouped by span.

    Held evidence counts up to `as_of` (late evidence whenever it comes); plans count only inside
    a window, so the upper bound is the later of `as_of` and the last window end. A window with no
    start (a deadline-only duty) has no lower bound.
    """
    specs = (spec,) if isinstance(spec, CampaignSpec) else tuple(spec)
    lower: dict[str, date | None] = {}
    upper: dict[str, date | None] = {}
    windows = [(d.kinds, d.window_start, d.window_end) for s in specs for d in s.duties if d.evidence == "activity"]
    windows += [(r.kinds, r.window_start, r.window_end) for s in specs for r in s.city_requirements]
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
    rows = _rows(select(Commune.id, Commune.code, Commune.name, Commune.kind).order_by(Commune.code))
    return [CommuneFact(code, name, kind) for _, code, name, kind in rows], {id_: code for id_, code, _, _ in rows}


def load_activities(spec: CampaignSpec | Iterable[CampaignSpec], as_of: date,
                    code_by_id: dict[int, str] | None = None) -> list[ActivityFact]:
    """Held or planned activities of the kinds and dates that can matter to a spec (or any of several), in one query.

    The query reads only the index ix_activities_kind_date (kind, date, status, commune, id), a range per span of
    dates, never the table. Commune ids become codes through `code_by_id` (the communes are read anyway).
    """
    columns = (Activity.id, Activity.commune_id, Activity.kind, Activity.status,
               type_coerce(Activity.evidence_date, String))
    # One SELECT per span of dates, glued by UNION ALL (a kind belongs to one span only): each is a range of the
    # index, where one WHERE with an OR of the spans makes SQLite scan every held or planned row instead. "Held or
    # planned" is written "not cancelled" (the three statuses of SPEC §3), which no index can serve: an IN would
    # make SQLite prefer the index on status, 90 % of the table.
    parts = []
    for (lo, hi), kinds in kind_spans(spec, as_of).items():
        part = select(*columns).where(Activity.kind.in_(sorted(kinds)), Activity.status != CANCELLED)
        if lo is not None:
            part = part.where(Activity.evidence_date >= lo)
        if hi is not None:
            part = part.where(Activity.evidence_date <= hi)
        parts.append(part)
    if not parts:
        return []
    if code_by_id is None:
        code_by_id = dict(_rows(select(Commune.id, Commune.code)))
    # The date comes back as the driver gives it (SQLite: 'YYYY-MM-DD' text, parsed by the C fromisoformat,
    # several times faster than SQLAlchemy's per-row Date processing; PostgreSQL: already a date).
    stmt = parts[0] if len(parts) == 1 else union_all(*parts)
    rows = _rows(stmt)
    if not rows:
        return []
    get, fact = {**code_by_id, None: None}.get, ActivityFact  # commune_id None: a city-level activity
    if isinstance(rows[0][4], str):
        parse = date.fromisoformat
        return [fact(id_, get(cid), kind, status, parse(when)) for id_, cid, kind, status, when in rows]
    return [fact(id_, get(cid), kind, status, when) for id_, cid, kind, status, when in rows]


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
    return [SubmissionFact(*row) for row in _rows(stmt)]


def _rows(stmt) -> list:
    """A Core SELECT run on the session's connection: plain rows, without the ORM's row loading on top."""
    return db.session.connection().execute(stmt).all()
