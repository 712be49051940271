"""DB → task-register dataclasses in a constant number of queries (SPEC §14), whatever the number of units.

Beside `loader.py` (campaigns): the plan with its tasks and lead agencies (three queries), the communes,
the agencies, the submissions and the activities that can count (one query each).
"""

from datetime import date

from sqlalchemy import String, or_, select, type_coerce
from sqlalchemy.orm import selectinload

from app.compliance.engine import ACTIVITY_HELD, ACTIVITY_PLANNED, collector_paused
from app.compliance.schedules import Schedule
from app.compliance.tasks import LEAD_COMMUNES, Register, TaskSpec, TaskSubmissionFact, UnitActivityFact, evaluate_tasks
from app.extensions import db
from app.models import Activity, Agency, Commune, Plan, Task, TaskSubmission


def load_plan(slug: str, city_id: int | None = None) -> Plan | None:
    """The plan with its tasks and their lead agencies, or None (a plan of another city is None too)."""
    stmt = (select(Plan).where(Plan.slug == slug[:64])
            .options(selectinload(Plan.tasks).selectinload(Task.lead_agency))
            .execution_options(populate_existing=True))
    if city_id is not None:
        stmt = stmt.where(Plan.city_id == city_id)
    return db.session.scalars(stmt).first()


def task_spec(task: Task) -> TaskSpec:
    """The engine's view of a task row."""
    return TaskSpec(task.id, task.section, task.no, task.text, Schedule.from_dict(task.schedule), task.lead_type,
                    tuple(task.lead_codes), frozenset(task.kinds or ()))


def _rows(stmt) -> list:
    """A Core SELECT on the session's connection: plain rows, without the ORM's row loading (as loader.py does)."""
    return db.session.connection().execute(stmt).all()


def _day(value) -> date:
    """SQLite gives a date column back as 'YYYY-MM-DD' text (callers parse each distinct day once); PostgreSQL as a
    date. The C fromisoformat is several times faster than SQLAlchemy's per-row Date processing (loader.py)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def unit_codes(city_id: int) -> tuple[dict[int, str], dict[int, str]]:
    """Codes by id of the city's communes and agencies (two queries)."""
    communes = dict(_rows(select(Commune.id, Commune.code).where(Commune.city_id == city_id).order_by(Commune.code)))
    agencies = dict(_rows(select(Agency.id, Agency.code).where(Agency.city_id == city_id)))
    return communes, agencies


def load_register(plan: Plan, as_of: date, year: int | None = None, tasks: list[Task] | None = None,
                  communes: list[str] | None = None) -> Register:
    """Every active task's instances as of a date; `tasks` and `communes` narrow it (a lead, a unit).

    Hundreds of thousands of instances at national scale: the cyclic collector is paused over the load and the
    evaluation, as `loader.load_matrix` does (the rows and facts hold no cycles; bench/tasks.py).
    """
    with collector_paused():
        rows = [t for t in (plan.tasks if tasks is None else tasks) if t.active]
        specs = [task_spec(t) for t in rows]
        commune_by_id, agency_by_id = unit_codes(plan.city_id)
        codes = list(commune_by_id.values()) if communes is None else communes
        submissions = load_task_submissions([t.id for t in rows], as_of, commune_by_id, agency_by_id)
        kinds = sorted({k for s in specs for k in s.kinds})
        activities = load_unit_activities(kinds, plan, as_of, commune_by_id, agency_by_id) if kinds else []
        return evaluate_tasks(specs, codes, submissions, activities, as_of, plan.start_year, plan.end_year, year)


def load_task_submissions(task_ids: list[int], as_of: date, commune_by_id: dict[int, str],
                          agency_by_id: dict[int, str]) -> list[TaskSubmissionFact]:
    """Submissions that still count (not withdrawn), made on or before `as_of`, in one query."""
    if not task_ids:
        return []
    stmt = (select(TaskSubmission.id, TaskSubmission.task_id, TaskSubmission.period, TaskSubmission.agency_id,
                   TaskSubmission.commune_id, type_coerce(TaskSubmission.submitted_on, String))
            .where(TaskSubmission.task_id.in_(task_ids), TaskSubmission.withdrawn_at.is_(None),
                   TaskSubmission.submitted_on <= as_of))
    parsed: dict = {}
    fact, communes, agencies, out = TaskSubmissionFact, commune_by_id.get, agency_by_id.get, []
    for id_, task_id, period, agency_id, commune_id, on in _rows(stmt):
        day = parsed.get(on)
        if day is None:
            day = parsed[on] = _day(on)
        out.append(fact(id_, task_id, period, agencies(agency_id) if agency_id else communes(commune_id, ""), day))
    return out


def load_unit_activities(kinds: list[str], plan: Plan, as_of: date, commune_by_id: dict[int, str],
                         agency_by_id: dict[int, str]) -> list[UnitActivityFact]:
    """Held or planned activities of communes and agencies, of kinds some task counts, in the plan's years."""
    lo = date(plan.start_year, 1, 1)
    stmt = (select(Activity.id, Activity.commune_id, Activity.agency_id, Activity.kind, Activity.status,
                   type_coerce(Activity.evidence_date, String))
            .where(Activity.kind.in_(kinds), Activity.status.in_((ACTIVITY_HELD, ACTIVITY_PLANNED)),
                   Activity.evidence_date >= lo,
                   or_(Activity.commune_id.is_not(None), Activity.agency_id.is_not(None))))
    parsed: dict = {}
    out = []
    for id_, commune_id, agency_id, kind, status, when in _rows(stmt):
        code = agency_by_id.get(agency_id) if agency_id else commune_by_id.get(commune_id)
        if code is not None:
            day = parsed.get(when)
            if day is None:
                day = parsed[when] = _day(when)
            out.append(UnitActivityFact(id_, code, kind, status, day))
    return out


def tasks_led_by(plan: Plan, lead: str | None) -> list[Task]:
    """The plan's tasks led by an agency code (co-leads included), by every commune ("communes"), or all."""
    if not lead:
        return list(plan.tasks)
    if lead == LEAD_COMMUNES:
        return [t for t in plan.tasks if t.lead_type == LEAD_COMMUNES]
    return [t for t in plan.tasks if lead in t.lead_codes]
