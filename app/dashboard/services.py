"""Queries behind the dashboards: campaign completion (SPEC §4), targets against actuals (§9).

Every dashboard is built in a constant number of SQL queries, whatever the number of communes or
activities: the compliance loader once, then the activities' GROUP BY aggregate; the trend is counted in memory.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import extract, func, select

from app import data
from app.activities.counted import counted_column
from app.activities.totals import TOTAL_FIELDS, activity_totals
from app.compliance import loader
from app.compliance.engine import Matrix
from app.compliance.trend import completion_by_day
from app.domain.kinds import KINDS
from app.extensions import db
from app.models import Activity, Campaign, ComplianceSnapshot, Target, TargetActual
from app.models.audit import record


def targets_table() -> list[dict]:
    """Per metric and year: the target, the latest recorded actual (month) and the ratio — 4 queries in all."""
    metrics = data.targets()["metrics"]
    targets = {(t.year, t.metric): t.value for t in db.session.scalars(select(Target))}
    latest_month = (
        select(TargetActual.year, TargetActual.metric, func.max(TargetActual.month).label("month"))
        .group_by(TargetActual.year, TargetActual.metric).subquery()
    )
    actual_rows = db.session.execute(
        select(TargetActual.year, TargetActual.metric, TargetActual.month, TargetActual.value).join(
            latest_month,
            (TargetActual.year == latest_month.c.year) & (TargetActual.metric == latest_month.c.metric)
            & (TargetActual.month == latest_month.c.month),
        )
    ).all()
    actuals = {(y, m): (month, v) for y, m, month, v in actual_rows}
    enrolments = enrolments_by_year()
    years = sorted({y for y, _ in targets} | {y for y, _ in actuals})
    rows = []
    for key, meta in metrics.items():
        for year in years:
            target = targets.get((year, key))
            month, actual = actuals.get((year, key), (None, None))
            if target is None and actual is None:
                continue
            rows.append({
                "metric": key, "label": meta["label"], "unit": meta["unit"], "year": year,
                "target": target, "actual": actual, "month": month,
                "ratio": (actual / target) if target and actual is not None else None,
                "recorded_at_activities": enrolments.get(year, {}).get(
                    {"bhxh_voluntary": "new_bhxh"}.get(key, ""), None),
            })
    return rows


def has_targets() -> bool:
    """Whether the city office has any target (a fresh Hà Nội install has none, SPEC §18)."""
    return db.session.scalar(select(Target.id).limit(1)) is not None


def enrolments_by_year() -> dict[int, dict[str, int]]:
    """New BHYT and voluntary-BHXH enrolments recorded in held activities' results, by year (one query)."""
    year = extract("year", Activity.evidence_date)
    rows = db.session.execute(
        select(
            year.label("year"),
            func.coalesce(func.sum(func.coalesce(Activity.results["new_bhyt"].as_integer(), 0)
                                   + counted_column("new_bhyt")), 0),
            func.coalesce(func.sum(func.coalesce(Activity.results["new_bhxh"].as_integer(), 0)
                                   + counted_column("new_bhxh")), 0),
        ).where(Activity.status == "held").group_by(year)
    ).all()
    return {int(y): {"new_bhyt": int(b), "new_bhxh": int(x)} for y, b, x in rows}


def record_actual(year: int, month: int, metric: str, value: float, actor_id: int | None) -> TargetActual:
    """Create or replace the actual figure of a metric for a month (audited)."""
    row = db.session.scalar(select(TargetActual).where(
        TargetActual.year == year, TargetActual.month == month, TargetActual.metric == metric))
    if row is None:
        row = TargetActual(year=year, month=month, metric=metric)
        db.session.add(row)
    old = row.value
    row.value, row.recorded_by_id = value, actor_id
    db.session.flush()
    record(actor_id, "record_actual", "target_actual", row.id, metric=metric, year=year, month=month,
           old=old, new=value)
    return row


def actuals_history(metric: str) -> list[tuple[int, int, float]]:
    """(year, month, value) of a metric, in time order."""
    return [tuple(r) for r in db.session.execute(
        select(TargetActual.year, TargetActual.month, TargetActual.value)
        .where(TargetActual.metric == metric).order_by(TargetActual.year, TargetActual.month)
    ).all()]




def kind_rows(totals: dict[str, dict[str, int]]) -> tuple[list[dict], dict[str, int]]:
    """Totals by kind in the order of SPEC §3 (kinds with nothing left out), and their sum."""
    rows = [{"kind": k, "label": KINDS[k].label, **totals[k]} for k in KINDS if k in totals]
    rows += [{"kind": k, "label": k, **v} for k, v in totals.items() if k not in KINDS]
    return rows, {f: sum(r[f] for r in rows) for f in TOTAL_FIELDS}


# --- Campaign dashboards (SPEC §4) ---------------------------------------------------------------------------


def list_campaigns() -> list[Campaign]:
    """Every campaign, newest period first (one query)."""
    return list(db.session.scalars(select(Campaign).order_by(Campaign.start.desc())))


@dataclass(frozen=True)
class TrendPoint:
    """Completion of the whole matrix at the end of one day."""

    day: date
    completed_rate: float
    on_time_rate: float
    source: str  # "snapshot" (nightly job) or "replay" (counted by the engine over the facts already loaded)


@dataclass(frozen=True)
class CampaignDashboard:
    """Everything the campaign dashboards show, computed once for a campaign and an as-of date."""

    campaign: Campaign
    matrix: Matrix
    period_end: date  # last day counted in the totals: min(as_of, end of the campaign)
    kinds: list[dict]
    kinds_total: dict[str, int]
    timeline: list[dict]
    trend: list[TrendPoint]

    @property
    def kpis(self) -> dict:
        """The headline numbers (SPEC §4.3): communes fully done (on time / at all), rates, overdue, next deadline."""
        s = self.matrix.summary
        on_time_all = sum(1 for row in self.matrix.rows if row.counts["done"] == row.total)
        next_deadline = s["next_deadline"]
        return {
            "communes": s["communes"], "cells": s["cells"],
            "communes_all_on_time": on_time_all, "communes_all_done": s["communes_all_done"],
            "on_time_rate": s["on_time_rate"], "completed": s["completed"],
            "completed_rate": s["completed"] / s["cells"] if s["cells"] else 0.0,
            "done": s["done"], "overdue": s["overdue"], "next_deadline": next_deadline,
            "days_to_deadline": (next_deadline - self.matrix.as_of).days if next_deadline else None,
        }

    @property
    def duties(self) -> list[dict]:
        """Per duty: its number, text and count of communes in each status."""
        return [{"no": d.no, "text": d.text, **self.matrix.duty_totals[d.no]} for d in self.matrix.campaign.duties]

    def laggards(self, n: int = 10) -> list:
        """The communes furthest behind: fewest duties completed, then most overdue, then by code."""
        return sorted(self.matrix.rows, key=lambda r: (r.completed, -r.counts["overdue"], r.commune.code))[:n]


def campaign_dashboard(slug: str, as_of: date, commune_id: int | None = None, trend: bool = True) -> CampaignDashboard:
    """The matrix, totals by kind, daily timeline and completion trend of a campaign as of a date, in a
    constant number of queries; LookupError if the campaign is unknown. `commune_id` narrows the totals."""
    facts = loader.load_facts(slug, as_of)
    campaign, matrix = facts.campaign, facts.evaluate()
    period_end = min(as_of, campaign.end)
    # One aggregate by day and kind over the whole period serves the totals by kind and the daily timeline.
    per_day_kind = activity_totals(campaign.start, campaign.end, by=("day", "kind"), commune_id=commune_id)
    last_day = campaign.end if commune_id is not None else period_end  # a commune sees its plans too
    by_kind: dict[str, dict[str, int]] = {}
    for (day, kind), values in per_day_kind.items():
        if day <= last_day:
            acc = by_kind.setdefault(kind, dict.fromkeys(TOTAL_FIELDS, 0))
            for f in TOTAL_FIELDS:
                acc[f] += values[f]
    kinds, kinds_total = kind_rows(by_kind)
    timeline = daily_timeline(campaign.start, campaign.end, as_of, per_day_kind) if commune_id is None else []
    points = completion_trend(campaign, matrix, facts) if trend else []
    return CampaignDashboard(campaign, matrix, period_end, kinds, kinds_total, timeline, points)


def daily_timeline(start: date, end: date, as_of: date, per_day_kind: dict) -> list[dict]:
    """Activities per day over the period, from the day × kind aggregate: held up to as_of, and planned (or
    held after as_of, which was still a plan on that day)."""
    per_day: dict[date, dict[str, int]] = {}
    for (day, _kind), values in per_day_kind.items():
        slot = per_day.setdefault(day, {"held": 0, "planned": 0})
        if day <= as_of:
            slot["held"] += values["held"]
            slot["planned"] += values["planned"]
        else:
            slot["planned"] += values["held"] + values["planned"]
    days = []
    day = start
    while day <= end:
        days.append({"day": day, **per_day.get(day, {"held": 0, "planned": 0})})
        day += timedelta(days=1)
    return days


def completion_trend(campaign: Campaign, matrix: Matrix, facts: loader.Facts) -> list[TrendPoint]:
    """% of cells completed and on time, each day from the start to as_of (or the end): the nightly snapshot
    where there is one, else a replay over the facts already loaded (no query per day), the as_of day from
    the matrix itself.

    The replay is `completion_by_day`, one pass over the facts per duty set, which counts what `evaluate`
    would as of each day. Each day is counted with the duty set in force on that day (SPEC §18: a duty added
    after the start counts from its day, a retired one until the day before, an edited one with the values of
    the day), as the matrix of that day is.
    The facts loaded for as_of are a superset of those of any earlier day with the same duty set, and the
    engine ignores what happened after its own as_of, so a replay equals load_matrix(slug, day); when the set
    changed within the period, the activities of every duty set replayed are read once more (one query).
    """
    as_of = matrix.as_of
    last = min(as_of, campaign.end)
    if last < campaign.start:
        return []
    snapshots = {day: summary for day, summary in db.session.execute(
        select(ComplianceSnapshot.day, ComplianceSnapshot.summary).where(
            ComplianceSnapshot.campaign_slug == campaign.slug,
            ComplianceSnapshot.day >= campaign.start, ComplianceSnapshot.day <= last))
        if day != as_of and summary and summary.get("cells")}
    days = [campaign.start + timedelta(days=n) for n in range((last - campaign.start).days + 1)]
    missing = [day for day in days if day not in snapshots and day != as_of]
    replayed = {summary.day: summary for summary in _replay(campaign, facts, missing)}
    points = []
    for day in days:
        if day in snapshots:
            summary = snapshots[day]
            cells = summary["cells"]
            points.append(TrendPoint(day, (summary["done"] + summary["late"]) / cells, summary["done"] / cells,
                                     "snapshot"))
        elif day == as_of:
            cells = matrix.summary["cells"]
            points.append(TrendPoint(day, matrix.summary["completed"] / cells if cells else 0.0,
                                     matrix.summary["on_time_rate"], "replay"))
        else:
            points.append(TrendPoint(day, replayed[day].completed_rate, replayed[day].on_time_rate, "replay"))
    return points


def _replay(campaign: Campaign, facts: loader.Facts, days: list[date]) -> list:
    """`completion_by_day` over `days`, each day with the duty set in force on it, each duty as it was that day
    (SPEC §18)."""
    by_set: dict = {}
    for day in days:
        by_set.setdefault(loader.campaign_spec(campaign, day), []).append(day)
    activities = facts.activities
    if any(spec != facts.spec for spec in by_set):  # a duty added, retired or edited within the period
        activities = loader.load_activities(by_set, facts.as_of)
    return [summary for spec, some in by_set.items()
            for summary in completion_by_day(spec, facts.communes, activities, facts.submissions, some)]


def commune_next_deadline(matrix: Matrix, code: str) -> date | None:
    """The commune's next deadline: the earliest window end, on or after as_of, of a duty it has not met yet."""
    row = matrix.row(code)
    upcoming = [c.deadline for c in row.cells if not c.completed and c.deadline and c.deadline >= matrix.as_of]
    return min(upcoming, default=None)


__all__ = ["actuals_history", "campaign_dashboard", "commune_next_deadline",
           "completion_trend", "daily_timeline", "enrolments_by_year", "has_targets", "kind_rows",
           "list_campaigns", "record_actual", "targets_table"]
