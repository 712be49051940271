"""Ship each city's agencies and plans (SPEC §13, §14): created when missing, never overwriting the office's edits."""

from sqlalchemy import select

from app import data
from app.compliance.schedules import Schedule
from app.extensions import db
from app.models import Agency, City, Plan, Task

LEAD_COMMUNES = "communes"


def seed_agencies(city: City) -> int:
    """The city's agencies from `data/agencies.json`; returns how many were added now."""
    existing = set(db.session.scalars(select(Agency.code).where(Agency.city_id == city.id)))
    added = 0
    for row in data.agencies(city.key):
        if row["code"] not in existing:
            db.session.add(Agency(city_id=city.id, code=row["code"], name=row["name"], kind=row["kind"]))
            added += 1
    db.session.flush()
    return added


def seed_plans(city: City) -> int:
    """The city's plans and every task of their registers; returns how many tasks were added now."""
    agencies = {a.code: a for a in db.session.scalars(select(Agency).where(Agency.city_id == city.id))}
    added = 0
    for shipped in data.plans(city.key):
        plan = db.session.scalar(select(Plan).where(Plan.slug == shipped["slug"]))
        if plan is None:
            plan = Plan(city_id=city.id, slug=shipped["slug"], title=shipped["title"], number=shipped["number"],
                        start_year=shipped["start_year"], end_year=shipped["end_year"],
                        sections=shipped["sections"])
            db.session.add(plan)
            db.session.flush()
        have = {tuple(r) for r in db.session.execute(select(Task.section, Task.no).where(Task.plan_id == plan.id))}
        groups = shipped.get("kind_groups", {})
        for position, row in enumerate(shipped["tasks"], 1):
            if (row["section"], row["no"]) in have:
                continue
            db.session.add(task_from_row(plan, row, position, agencies, groups))
            added += 1
    db.session.flush()
    return added


def task_from_row(plan: Plan, row: dict, position: int, agencies: dict, groups: dict) -> Task:
    """A Task from one row of a plan data file (its schedule checked by the engine's own rules)."""
    lead = row["lead"]
    communes = lead == [LEAD_COMMUNES]
    kinds = row.get("kinds", [])
    return Task(
        plan_id=plan.id, section=row["section"], no=row["no"], position=position, text=row["text"],
        lead_type=LEAD_COMMUNES if communes else "agency",
        lead_agency_id=None if communes else agencies[lead[0]].id,
        co_lead_codes=[] if communes else lead[1:], partner_codes=row.get("partners", []),
        lead_text=row["lead_text"], partners_text=row.get("partners_text", ""), product=row.get("product", ""),
        time_text=row.get("time_text", ""), schedule=Schedule.from_dict(row["schedule"]).to_dict(),
        kinds=sorted(groups.get(kinds, ())) if isinstance(kinds, str) else sorted(kinds),
    )
