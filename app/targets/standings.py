"""The emulation ranking from the database (SPEC §16): duty parts from the compliance engine as of a date, target
parts from the commune targets and the actuals known by then. The computation itself is app.targets.emulation."""

import calendar
from collections import defaultdict
from datetime import date

from sqlalchemy import select

from app.compliance import loader
from app.compliance.loader import load_matrix
from app.extensions import db
from app.models import Campaign, CommuneActual, CommuneTarget
from app.targets.communes import FIGURES
from app.targets.emulation import DEFAULT_WEIGHTS, Entry, Standing, duty_part, rank, target_part


def year_campaigns(year: int, as_of: date) -> list[str]:
    """The slugs of the published campaigns starting in `year` on or before `as_of`."""
    stmt = (select(Campaign.slug).where(Campaign.active.is_(True), Campaign.state == "published",
                                        Campaign.start >= date(year, 1, 1), Campaign.start <= min(date(year, 12, 31),
                                                                                                  as_of))
            .order_by(Campaign.start))
    return list(db.session.scalars(stmt))


def duty_counts(year: int, as_of: date) -> dict[str, tuple[int, int]]:
    """(done on time, due) per commune code across the year's campaigns as the engine judges them on `as_of`;
    due = done, late or overdue (a duty whose deadline has not come is not counted yet)."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for slug in year_campaigns(year, as_of):
        for row in load_matrix(slug, as_of).rows:
            tally = counts[row.commune.code]
            tally[0] += row.counts["done"]
            tally[1] += row.counts["done"] + row.counts["late"] + row.counts["overdue"]
    return {code: (on_time, due) for code, (on_time, due) in counts.items()}


def _month_closed(year: int, month: int, as_of: date) -> bool:
    return date(year, month, calendar.monthrange(year, month)[1]) <= as_of


def latest_actuals(year: int, as_of: date) -> dict[int, CommuneActual]:
    """Each commune's actuals of the latest month of `year` that had ended by `as_of`."""
    rows = db.session.scalars(select(CommuneActual).where(CommuneActual.year == year)
                              .order_by(CommuneActual.month)).all()
    return {row.commune_id: row for row in rows if _month_closed(year, row.month, as_of)}


def standings(year: int, as_of: date, weights=DEFAULT_WEIGHTS) -> list[Standing]:
    """Every commune's emulation standing for `year` as of `as_of`. Tasks are not measured yet (no task register):
    their part is None and weighs nothing."""
    communes, code_by_id = loader.load_communes()
    duties = duty_counts(year, as_of)
    targets = {t.commune_id: t for t in db.session.scalars(select(CommuneTarget).where(CommuneTarget.year == year))}
    actuals = latest_actuals(year, as_of)
    id_by_code = {code: id_ for id_, code in code_by_id.items()}
    entries = []
    for commune in communes:
        cid = id_by_code[commune.code]
        target, actual = targets.get(cid), actuals.get(cid)
        pairs = [(getattr(target, f), getattr(actual, f, None)) for f in FIGURES] if target else []
        entries.append(Entry(commune.code, commune.name, duty_part(*duties.get(commune.code, (0, 0))), None,
                             target_part(pairs)))
    return rank(entries, weights)
