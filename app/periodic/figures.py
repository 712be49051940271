"""The figures of a periodic report, collected from the data of the cut-off window and never typed (SPEC §15).

Activities and results by kind are the dashboards' own aggregate (`activity_totals`), the same the period report of
SPEC §6.6 prints, so the two never disagree; task completion comes from the task register's engine, campaign duties
from the compliance engine, targets and actuals from the commune targets, satisfaction from the ratings. The result
is plain JSON (it is frozen into the report when submitted).
"""

from datetime import date

from sqlalchemy import case, func, select

from app.activities.totals import TOTAL_FIELDS, activity_totals
from app.compliance.loader import load_matrix
from app.domain.kinds import KINDS
from app.extensions import db
from app.models import Activity, Campaign, CommuneActual, CommuneTarget, Plan, Rating
from app.periodic.obligations import Window
from app.reports.common import kind_label

TASK_COUNTED = ("done", "late", "pending", "planned", "overdue")


def by_kind(window: Window, commune_id: int | None = None, agency_id: int | None = None) -> list[dict]:
    """Activities and their results per kind in the window, in the order of SPEC §3 (one GROUP BY)."""
    totals = activity_totals(window.data_start, window.data_end, by="kind", commune_id=commune_id,
                             agency_id=agency_id)
    order = [k for k in KINDS if k in totals] + [k for k in totals if k not in KINDS]
    return [{"kind": k, "label": kind_label(k), **{f: totals[k][f] for f in TOTAL_FIELDS}} for k in order]


def total_of(rows: list[dict]) -> dict:
    """The sum of the rows by kind."""
    return {f: sum(r[f] for r in rows) for f in TOTAL_FIELDS}


def task_completion(city_id: int, window: Window, unit_type: str, unit_code: str) -> dict | None:
    """The unit's task instances due inside the window, per status, as of the window's last day (None: no task)."""
    from app.compliance.task_loader import load_plan, load_register, tasks_led_by

    counts = dict.fromkeys(TASK_COUNTED, 0)
    seen = 0
    for slug in db.session.scalars(select(Plan.slug).where(Plan.city_id == city_id, Plan.active.is_(True))):
        plan = load_plan(slug, city_id)
        tasks = [t for t in tasks_led_by(plan, "communes" if unit_type == "commune" else unit_code) if t.active]
        if not tasks:
            continue
        register = load_register(plan, window.data_end, None, tasks, [unit_code] if unit_type == "commune" else [])
        for row in register.rows:
            for i in row.instances:
                end = i.period.end
                if i.unit_code in (unit_code, *row.task.lead_codes[:1]) and end and window.contains(end):
                    if i.status in counts:
                        counts[i.status] += 1
                        seen += 1
    if not seen:
        return None
    completed = counts["done"] + counts["late"]
    return {**counts, "total": seen, "completed": completed, "rate": round(completed / seen, 4)}


def campaign_duties(window: Window, commune_code: str) -> list[dict]:
    """Each published campaign of the window: the commune's duties per status as of the window's last day."""
    stmt = (select(Campaign.slug, Campaign.name).where(Campaign.active.is_(True), Campaign.state == "published",
                                                       Campaign.start <= window.data_end,
                                                       Campaign.end >= window.data_start)
            .order_by(Campaign.start))
    out = []
    for slug, name in db.session.execute(stmt).all():
        try:
            row = load_matrix(slug, window.data_end).row(commune_code)
        except (LookupError, KeyError):
            continue
        out.append({"slug": slug, "name": name, "done": row.counts["done"], "late": row.counts["late"],
                    "overdue": row.counts["overdue"], "total": len(row.cells)})
    return out


def targets(window: Window, commune_id: int) -> dict | None:
    """The commune's targets of the window's year and its latest actuals known by the window's last day."""
    year = window.data_end.year
    target = db.session.scalar(select(CommuneTarget).where(CommuneTarget.commune_id == commune_id,
                                                           CommuneTarget.year == year))
    actual = db.session.scalar(select(CommuneActual).where(
        CommuneActual.commune_id == commune_id, CommuneActual.year == year,
        CommuneActual.month < window.data_end.month + (1 if _month_ended(window.data_end) else 0))
        .order_by(CommuneActual.month.desc()).limit(1))
    if target is None and actual is None:
        return None
    names = ("bhxh_bat_buoc", "bhxh_tu_nguyen", "bhyt_rate")
    return {"year": year, "month": actual.month if actual else None,
            "target": {n: getattr(target, n) for n in names} if target else None,
            "actual": {n: getattr(actual, n) for n in names} if actual else None}


def _month_ended(day: date) -> bool:
    from calendar import monthrange

    return day.day == monthrange(day.year, day.month)[1]


def satisfaction(window: Window, commune_id: int | None = None, agency_id: int | None = None) -> dict | None:
    """Ratings of the unit's activities held in the window: how many, the mean, the share of 4–5 (None: none)."""
    stmt = (select(func.count(Rating.id), func.avg(Rating.score),
                   func.coalesce(func.sum(case((Rating.score >= 4, 1), else_=0)), 0))
            .select_from(Rating).join(Activity, Activity.id == Rating.activity_id)
            .where(Activity.evidence_date >= window.data_start, Activity.evidence_date <= window.data_end))
    stmt = stmt.where(Activity.commune_id == commune_id) if commune_id else stmt.where(Activity.agency_id == agency_id)
    n, mean, satisfied = db.session.execute(stmt).one()
    if not n:
        return None
    return {"ratings": int(n), "mean": round(float(mean), 2), "share_satisfied": round(int(satisfied) / int(n), 4)}


def collect(city_id: int, window: Window, unit_type: str, unit_code: str, commune_id: int | None,
            agency_id: int | None) -> dict:
    """Every figure of one unit's report for a window (plain JSON)."""
    rows = by_kind(window, commune_id, agency_id)
    figures = {"window": [window.data_start.isoformat(), window.data_end.isoformat()], "by_kind": rows,
               "total": total_of(rows), "tasks": task_completion(city_id, window, unit_type, unit_code),
               "campaigns": [], "targets": None,
               "satisfaction": satisfaction(window, commune_id, agency_id)}
    if unit_type == "commune":
        figures["campaigns"] = campaign_duties(window, unit_code)
        figures["targets"] = targets(window, commune_id)
    return figures


def city_totals(window: Window) -> dict:
    """The whole city's activities by kind in the window (for the consolidated report)."""
    rows = by_kind(window)
    return {"window": [window.data_start.isoformat(), window.data_end.isoformat()], "by_kind": rows,
            "total": total_of(rows), "tasks": None, "campaigns": [], "targets": None, "satisfaction": None}
