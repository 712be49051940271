"""Activity totals: ONE aggregate, shared by the dashboards and the period report (SPEC §3, §6.6)."""

from datetime import date

from sqlalchemy import Integer, case, func, select

from app.activities.counted import counted_column
from app.extensions import db
from app.models import Activity, CheckIn

TOTAL_FIELDS = ("held", "planned", "cancelled", "attendees", "consultations", "new_bhyt", "new_bhxh")


def _held_sum(per_activity):
    """SUM of a per-activity number over held activities only (only held activities are evidence, SPEC §3)."""
    return func.coalesce(func.sum(case((Activity.status == "held", per_activity), else_=0)), 0)


def attendance_totals():
    """The attendees column of the aggregate (SPEC §3): extra_attendees + check-ins of each held activity."""
    checkins = (select(func.count(CheckIn.id)).where(CheckIn.activity_id == Activity.id)
                .correlate(Activity).scalar_subquery())
    per_activity = func.coalesce(Activity.results["extra_attendees"].as_integer(), 0) + checkins
    return _held_sum(per_activity)


def _result_total(key: str):
    """SUM of one whole-number result over held activities, its counted part included (app/activities/counted.py)."""
    return _held_sum(func.coalesce(Activity.results[key].as_integer(), 0) + counted_column(key))


def _status_count(status: str):
    """How many activities of the group have this status."""
    return func.coalesce(func.sum(case((Activity.status == status, 1), else_=0)), 0).cast(Integer)


GROUP_KEYS = {"kind": Activity.kind, "commune": Activity.commune_id, "agency": Activity.agency_id,
              "day": Activity.evidence_date}


def activity_totals(start: date, end: date, by: str | tuple[str, ...] = "kind", commune_id: int | None = None,
                    session=None, agency_id: int | None = None) -> dict[object, dict[str, int]]:
    """Activities (held / planned / cancelled) and results of held ones grouped by kind, commune id, agency id or day
    (or a tuple of them), for evidence dates in [start, end], optionally of one commune or one agency: one GROUP BY
    query."""
    session = session or db.session
    names = (by,) if isinstance(by, str) else tuple(by)
    keys = [GROUP_KEYS[name] for name in names]
    columns = [_status_count("held"), _status_count("planned"), _status_count("cancelled"), attendance_totals(),
               _result_total("consultations"), _result_total("new_bhyt"), _result_total("new_bhxh")]
    stmt = select(*keys, *columns).where(Activity.evidence_date >= start, Activity.evidence_date <= end)
    if commune_id is not None:
        stmt = stmt.where(Activity.commune_id == commune_id)
    if agency_id is not None:
        stmt = stmt.where(Activity.agency_id == agency_id)
    out = {}
    for row in session.execute(stmt.group_by(*keys)).all():
        key = row[0] if len(keys) == 1 else tuple(row[:len(keys)])
        out[key] = dict(zip(TOTAL_FIELDS, (int(v or 0) for v in row[len(keys):]), strict=True))
    return out
