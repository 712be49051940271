"""Queries behind the dashboards: targets against actuals, enrolments recorded at activities."""

from sqlalchemy import extract, func, select

from app import data
from app.extensions import db
from app.models import Activity, Target, TargetActual
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


def enrolments_by_year() -> dict[int, dict[str, int]]:
    """New BHYT and voluntary-BHXH enrolments recorded in held activities' results, by year (one query)."""
    year = extract("year", Activity.evidence_date)
    rows = db.session.execute(
        select(
            year.label("year"),
            func.coalesce(func.sum(Activity.results["new_bhyt"].as_integer()), 0),
            func.coalesce(func.sum(Activity.results["new_bhxh"].as_integer()), 0),
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


__all__ = ["actuals_history", "enrolments_by_year", "record_actual", "targets_table"]
