"""Per-commune figures of a year as of a day (SPEC §16): target, latest actual, % achieved, the pro-rata
expectation, the pace band, the enrolments recorded at the commune's activities, the city office's note on a
shortfall — in a constant number of queries. Read by the pages, the dashboard and the Excel, so they agree."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from app.activities.totals import activity_totals
from app.extensions import db
from app.models import Commune, CommuneActual, CommuneTarget, Shortfall, Target
from app.targets.prorata import FIGURES, Judged, judge, month_end

RECORDED = ("new_bhxh", "new_bhyt")
# The city totals of SPEC §9 the commune allocation must add up to: BHXH bắt buộc + tự nguyện = the total.
CITY_TOTALS = {"bhxh_participants": ("bhxh_bat_buoc", "bhxh_tu_nguyen"), "bhxh_voluntary": ("bhxh_tu_nguyen",)}


@dataclass(frozen=True)
class CommuneFigures:
    """One commune's line: its figures as stored, judged at the date of its latest actual."""

    code: str
    name: str
    commune_id: int
    year: int
    target: dict | None
    actual: dict | None
    month: int | None  # the month of `actual`
    judged: Judged
    recorded: dict | None  # new_bhxh / new_bhyt recorded at its held activities of the year, to the as-of day
    note: Shortfall | None  # (both None when read with activities=False)

    @property
    def data_date(self) -> date | None:
        """The day the actual figures are of (the end of their month)."""
        return None if self.month is None else month_end(self.year, self.month)


def _figures(row) -> dict | None:
    return None if row is None else {name: getattr(row, name) for name in FIGURES}


def actuals_known(year: int, as_of: date, commune_id: int | None = None) -> dict[int, list[CommuneActual]]:
    """Each commune's actuals of `year` whose month had ended by `as_of`, in month order (one query)."""
    stmt = select(CommuneActual).where(CommuneActual.year == year).order_by(CommuneActual.month)
    if commune_id is not None:
        stmt = stmt.where(CommuneActual.commune_id == commune_id)
    out: dict[int, list[CommuneActual]] = {}
    for row in db.session.scalars(stmt):
        if month_end(year, row.month) <= as_of:
            out.setdefault(row.commune_id, []).append(row)
    return out


def recorded_at_activities(year: int, as_of: date, commune_id: int | None = None, by: str = "commune") -> dict:
    """New BHXH / BHYT participants recorded at held activities of `year` up to `as_of`, per commune id (or per
    (commune id, day) with `by=("commune", "day")`): the one activity aggregate (follow-ups included)."""
    end = min(as_of, date(year, 12, 31))
    if end < date(year, 1, 1):
        return {}
    return activity_totals(date(year, 1, 1), end, by=by, commune_id=commune_id)


def commune_figures(year: int, as_of: date, commune_id: int | None = None,
                    activities: bool = True) -> list[CommuneFigures]:
    """Every commune's line (or one commune's), by code: five queries whatever the number of communes; three with
    `activities=False`: no enrolments recorded at activities (`recorded` None; their year aggregate is the costly
    query over every activity) and no shortfall notes — what the ranking and the dashboard's table need."""
    stmt = select(Commune.id, Commune.code, Commune.name).order_by(Commune.code)
    if commune_id is not None:
        stmt = stmt.where(Commune.id == commune_id)
    communes = db.session.execute(stmt).all()
    target_stmt = select(CommuneTarget).where(CommuneTarget.year == year)
    note_stmt = select(Shortfall).where(Shortfall.year == year)
    if commune_id is not None:
        target_stmt = target_stmt.where(CommuneTarget.commune_id == commune_id)
        note_stmt = note_stmt.where(Shortfall.commune_id == commune_id)
    targets = {t.commune_id: t for t in db.session.scalars(target_stmt)}
    notes = {n.commune_id: n for n in db.session.scalars(note_stmt)} if activities else {}
    actuals = actuals_known(year, as_of, commune_id)
    recorded = recorded_at_activities(year, as_of, commune_id) if activities else {}
    lines = []
    for id_, code, name in communes:
        latest = (actuals.get(id_) or [None])[-1]
        target, actual = _figures(targets.get(id_)), _figures(latest)
        month = latest.month if latest is not None else None
        judged = judge(target, actual, month_end(year, month) if month else None)
        totals = recorded.get(id_, {})
        lines.append(CommuneFigures(code, name, id_, year, target, actual, month, judged,
                                    {key: totals.get(key, 0) for key in RECORDED} if activities else None,
                                    notes.get(id_)))
    return lines


def monthly_trend(commune_id: int, year: int, as_of: date) -> list[dict]:
    """The months of `year` ended by `as_of` (and the current one): the commune's actuals and the enrolments
    recorded at its activities in each month."""
    actuals = {row.month: row for row in actuals_known(year, date(year, 12, 31), commune_id).get(commune_id, [])
               if month_end(year, row.month) <= as_of}
    by_day = recorded_at_activities(year, as_of, commune_id, by="day")
    recorded = {m: dict.fromkeys(RECORDED, 0) for m in range(1, 13)}
    for day, totals in by_day.items():
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        for key in RECORDED:
            recorded[day.month][key] += totals.get(key, 0)
    last = 12 if as_of >= date(year, 12, 31) else (as_of.month if as_of.year == year else 0)
    return [{"month": m, "actual": _figures(actuals.get(m)), "recorded": recorded[m]} for m in range(1, last + 1)]


def city_total_check(year: int, lines: list[CommuneFigures]) -> list[dict]:
    """The commune targets added up against the city's targets of SPEC §9: one row per city total, with
    `differs` when they do not match (a warning on the page, never a refusal)."""
    city = {t.metric: t.value for t in db.session.scalars(select(Target).where(Target.year == year))}
    targeted = [line.target for line in lines if line.target]
    rows = []
    for metric, parts in CITY_TOTALS.items():
        if metric not in city or not targeted:
            continue
        total = sum(sum(t[p] or 0 for p in parts) for t in targeted)
        rows.append({"metric": metric, "city": city[metric], "communes": total,
                     "difference": total - city[metric], "differs": round(total) != round(city[metric])})
    return rows
