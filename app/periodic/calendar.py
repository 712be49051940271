"""The reporting calendar in the database (SPEC §15): seeded from `app/data/reporting_calendar.json` for the years
of the city's plans, edited by the city office, ad-hoc periods ("đột xuất") added with their own window."""

import json
import re
from datetime import date
from functools import cache

from sqlalchemy import func, select

from app.data import DATA_DIR
from app.extensions import db
from app.models import Plan, ReportingPeriod
from app.periodic.obligations import Window, windows_of_year

PERIOD_KEY = re.compile(r"[0-9A-Za-z][0-9A-Za-z_-]{0,23}")
FIRST_YEAR, LAST_YEAR = 2026, 2030  # the five-year programme of seed 000 when the city has no plan


@cache
def calendar_settings() -> dict:
    """The shipped calendar file: rules of the periods and the consolidating agency."""
    return json.loads((DATA_DIR / "reporting_calendar.json").read_text(encoding="utf-8"))


def calendar_rules() -> tuple[dict, ...]:
    """The calendar's rules as data (cut-off windows of ND 09/2019 Điều 12, due dates of SPEC §15)."""
    return tuple(calendar_settings()["periods"])


def window_of(period: ReportingPeriod) -> Window:
    """The engine's view of a calendar row."""
    return Window(period.key, period.kind, period.label, period.data_start, period.data_end, period.due)


def seed_calendar(city) -> int:
    """Create the six-month and annual periods of the years the city's plans cover (never overwriting edits)."""
    years = db.session.execute(select(func.min(Plan.start_year), func.max(Plan.end_year))
                               .where(Plan.city_id == city.id)).one()
    first, last = years[0] or FIRST_YEAR, years[1] or LAST_YEAR
    existing = set(db.session.scalars(select(ReportingPeriod.key).where(ReportingPeriod.city_id == city.id)))
    added = 0
    for year in range(first, last + 1):
        for w in windows_of_year(calendar_rules(), year):
            if w.key not in existing:
                db.session.add(ReportingPeriod(city_id=city.id, key=w.key, kind=w.kind, label=w.label,
                                               data_start=w.data_start, data_end=w.data_end, due=w.due))
                added += 1
    db.session.flush()
    return added


def periods_of(city_id: int, active_only: bool = True) -> list[ReportingPeriod]:
    """The city's periods, by due date."""
    stmt = select(ReportingPeriod).where(ReportingPeriod.city_id == city_id)
    if active_only:
        stmt = stmt.where(ReportingPeriod.active.is_(True))
    return list(db.session.scalars(stmt.order_by(ReportingPeriod.due, ReportingPeriod.key)))


def period_by_key(city_id: int, key: str) -> ReportingPeriod | None:
    """An active period of the city by its key ("2026-H1"), or None."""
    if not isinstance(key, str) or not PERIOD_KEY.fullmatch(key):
        return None
    return db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.city_id == city_id,
                                                           ReportingPeriod.key == key,
                                                           ReportingPeriod.active.is_(True)))


def current_period(periods: list[ReportingPeriod], today: date) -> ReportingPeriod | None:
    """The period whose due date comes next (or the last one): the one a unit is working on."""
    upcoming = [p for p in periods if p.due >= today]
    return upcoming[0] if upcoming else (periods[-1] if periods else None)
