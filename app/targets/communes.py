"""Store and read the commune allocation and the monthly actuals (SPEC §16). Services flush, the caller commits."""

from sqlalchemy import select

from app.extensions import db
from app.models import Commune, CommuneActual, CommuneTarget

FIGURES = ("bhxh_bat_buoc", "bhxh_tu_nguyen", "bhyt_rate")
UNKNOWN_CODE = "Không có đơn vị cấp xã mã “{code}”."
DUPLICATE = "Trùng với dòng {first} (cùng đơn vị và {period})."


def _period(row) -> tuple:
    return (row.year,) if hasattr(row, "year") else (row.month,)


def row_problems(rows) -> tuple[dict[str, str], dict[str, int]]:
    """Errors no declaration can see — an unknown commune code, a row repeating an earlier one's unit and period —
    as {"<row>.<field>": message}, and the commune ids by code."""
    codes = {row.code for row in rows}
    ids = dict(db.session.execute(select(Commune.code, Commune.id).where(Commune.code.in_(codes))).all())
    fields, seen = {}, {}
    for index, row in enumerate(rows):
        if row.code not in ids:
            fields[f"{index}.code"] = UNKNOWN_CODE.format(code=row.code)
            continue
        key = (row.code, *_period(row))
        if key in seen:
            period = "năm" if hasattr(row, "year") else "tháng"
            fields[f"{index}.code"] = DUPLICATE.format(first=seen[key], period=period)
        seen.setdefault(key, index)
    return fields, ids


def _upsert(model, keys: dict, row, actor_id: int | None):
    stored = db.session.scalar(select(model).filter_by(**keys))
    if stored is None:
        stored = model(**keys)
        db.session.add(stored)
    for name in FIGURES:
        setattr(stored, name, getattr(row, name))
    stored.recorded_by_id = actor_id
    return stored


def store_targets(rows, ids: dict[str, int], actor_id: int | None) -> None:
    """Insert or replace each commune's yearly target (rows already checked by `row_problems`)."""
    for row in rows:
        _upsert(CommuneTarget, {"commune_id": ids[row.code], "year": row.year}, row, actor_id)
    db.session.flush()


def store_actuals(rows, ids: dict[str, int], actor_id: int | None) -> None:
    """Insert or replace each commune's actuals of a month (rows already checked by `row_problems`)."""
    for row in rows:
        year, month = (int(part) for part in row.month.split("-"))
        _upsert(CommuneActual, {"commune_id": ids[row.code], "year": year, "month": month}, row, actor_id)
    db.session.flush()


def _figures(row) -> dict:
    return {name: getattr(row, name) for name in FIGURES}


def targets_of(stmt_scope, year: int, codes=None) -> list[dict]:
    """The stored targets of a year as the API answers them, by commune code; `stmt_scope` restricts the SELECT
    to what the caller may see (app.auth.access.scope bound to the user)."""
    stmt = (select(CommuneTarget, Commune.code, Commune.name).join(Commune, Commune.id == CommuneTarget.commune_id)
            .where(CommuneTarget.year == year).order_by(Commune.code))
    if codes is not None:
        stmt = stmt.where(Commune.code.in_(codes))
    return [{"code": code, "name": name, "year": row.year, **_figures(row)}
            for row, code, name in db.session.execute(stmt_scope(stmt)).all()]


def actuals_of(keys) -> list[dict]:
    """The stored actuals of (code, "YYYY-MM") pairs as the API answers them, by code and month."""
    wanted = set(keys)
    stmt = (select(CommuneActual, Commune.code, Commune.name).join(Commune, Commune.id == CommuneActual.commune_id)
            .where(Commune.code.in_({code for code, _ in wanted})).order_by(Commune.code, CommuneActual.year,
                                                                            CommuneActual.month))
    answer = []
    for row, code, name in db.session.execute(stmt).all():
        month = f"{row.year:04d}-{row.month:02d}"
        if (code, month) in wanted:
            answer.append({"code": code, "name": name, "month": month, **_figures(row)})
    return answer
