"""The emulation ranking from the database (SPEC §16): duty parts from the compliance engine as of a date, task
parts from the plans' task register as of that date, target parts from the commune targets and the actuals known
by then, with the weights the city office set for the year. The computation itself is app.targets.emulation."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.compliance.loader import load_matrix
from app.extensions import db
from app.models import Campaign, EmulationWeights, Plan
from app.models.audit import record
from app.targets.communes import FIGURES
from app.targets.emulation import DEFAULT_WEIGHTS, PARTS, Entry, Standing, duty_part, rank, target_part
from app.targets.figures import CommuneFigures, commune_figures

DUE = ("done", "late", "overdue")  # a duty or task instance whose window has closed, or that has its evidence


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
            tally[1] += sum(row.counts[s] for s in DUE)
    return {code: (on_time, due) for code, (on_time, due) in counts.items()}


def task_counts(year: int, as_of: date) -> dict[str, tuple[int, int]]:
    """(completed, due) per commune code of the plans' tasks led by every commune (SPEC §14), for the periods of
    `year`, as the task register judges them on `as_of`; completed = done or late, due = done, late or overdue."""
    from app.compliance.task_loader import load_plan, load_register

    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for slug, city_id in db.session.execute(select(Plan.slug, Plan.city_id)).all():
        plan = load_plan(slug, city_id)
        tasks = [t for t in plan.tasks if t.active and t.lead_type == "communes"]
        if not tasks or not plan.start_year <= year <= plan.end_year:
            continue
        for row in load_register(plan, as_of, year, tasks).rows:
            for unit, statuses in row.statuses_by_unit().items():
                tally = counts[unit]
                tally[0] += statuses["done"] + statuses["late"]
                tally[1] += sum(statuses[s] for s in DUE)
    return {code: (completed, due) for code, (completed, due) in counts.items()}


def weights_for(city_id: int | None, year: int) -> dict[str, float]:
    """The weights the city office set for `year` (shares summing to 1), else the default of SPEC §16."""
    row = None if city_id is None else db.session.scalar(
        select(EmulationWeights).where(EmulationWeights.city_id == city_id, EmulationWeights.year == year))
    return dict(DEFAULT_WEIGHTS) if row is None else {part: getattr(row, part) for part in PARTS}


def set_weights(city_id: int, year: int, weights: dict[str, float], actor_id: int | None) -> EmulationWeights:
    """Store the weights of a year (shares summing to 1, checked by the caller's form); audited."""
    row = db.session.scalar(select(EmulationWeights).where(EmulationWeights.city_id == city_id,
                                                           EmulationWeights.year == year))
    old = None if row is None else {part: getattr(row, part) for part in PARTS}
    if row is None:
        row = EmulationWeights(city_id=city_id, year=year)
        db.session.add(row)
    for part in PARTS:
        setattr(row, part, weights[part])
    row.recorded_by_id = actor_id
    db.session.flush()
    record(actor_id, "set_emulation_weights", "emulation_weights", row.id, year=year, old=old, new=dict(weights))
    return row


@dataclass(frozen=True)
class Detail:
    """What a commune's parts are made of: duties (on time, due), tasks (completed, due), the target shares, and
    why the targets part is missing ("no_target", "no_data" — the list's bands — or None when it exists)."""

    duties: tuple[int, int]
    tasks: tuple[int, int]
    targets: dict[str, float | None]
    targets_missing: str | None = None


def _target_detail(target: dict | None, actual: dict | None) -> tuple[dict[str, float | None], str | None]:
    if not target or not any(target.get(f) for f in FIGURES):
        return {}, "no_target"
    if actual is None:
        return {}, "no_data"
    return {f: (min(actual[f] / target[f], 1.0) if target.get(f) else None) for f in FIGURES}, None


def measured(year: int, as_of: date, lines: list[CommuneFigures] | None = None) -> tuple[list[Entry], dict[str, Detail]]:
    """Every commune's measured parts for `year` as of `as_of`, and what each is made of. The targets and latest
    actuals are the commune pages' own (`lines`: commune_figures of the same year and day, when the caller has
    them — the dashboard block does — else read here), so the list and the score judge the same figures."""
    duties, tasks = duty_counts(year, as_of), task_counts(year, as_of)
    entries, details = [], {}
    for line in commune_figures(year, as_of, activities=False) if lines is None else lines:
        duty, task = duties.get(line.code, (0, 0)), tasks.get(line.code, (0, 0))
        entries.append(Entry(line.code, line.name, duty_part(*duty), duty_part(*task),
                             target_part(line.target, line.actual, FIGURES)))
        details[line.code] = Detail(duty, task, *_target_detail(line.target, line.actual))
    return entries, details


def standings(year: int, as_of: date, weights=DEFAULT_WEIGHTS) -> list[Standing]:
    """Every commune's emulation standing for `year` as of `as_of`, best first."""
    return rank(measured(year, as_of)[0], weights)


@dataclass(frozen=True)
class RankedRow:
    """A commune's standing, what its parts are made of, and the communes sharing its rank (by name)."""

    standing: Standing
    detail: Detail
    tied_with: tuple[str, ...]


def ranking(year: int, as_of: date, weights=DEFAULT_WEIGHTS, lines: list[CommuneFigures] | None = None
            ) -> list[RankedRow]:
    """The ranking with its explanation: every commune best first, each with its counts and its ties (`lines`: as
    for `measured`)."""
    entries, details = measured(year, as_of, lines)
    ranked = rank(entries, weights)
    names: dict[int, list[str]] = defaultdict(list)
    for standing in ranked:
        names[standing.rank].append(standing.name)
    return [RankedRow(s, details[s.code], tuple(n for n in names[s.rank] if n != s.name)) for s in ranked]
