"""Commune targets and actuals in the API (SPEC §12 second wave, §16): the allocation read in scope, written by the
city office; any invalid row refuses the whole payload (422, per-row field errors, nothing stored)."""

from functools import partial

from flask import current_app, jsonify, request
from pydantic import ValidationError
from sqlalchemy import select

from app import params
from app.api import bp
from app.api.auth import api_principal, api_roles, api_user
from app.auth.access import scope
from app.errors import json_error
from app.extensions import db
from app.formatting import today_local
from app.models import City, Commune, CommuneTarget
from app.schemas.targets import CommuneActualsIn, CommuneTargetsIn, row_errors
from app.targets import communes as service
from app.targets.standings import standings, weights_for

READERS = ("admin", "city", "commune", "viewer")
WRITERS = ("admin", "city")
INVALID = "Dữ liệu không hợp lệ: không dòng nào được lưu."


def _year_and_as_of(args) -> tuple[int, object]:
    """`?year=` (default: the year of `as_of`) and `?as_of=` (dd/mm/yyyy or ISO, default today), parsed by
    app/params.py like every as_of of the API; a bad one raises ParamError, answered 422 naming each bad field."""
    fields: dict[str, str] = {}
    as_of = today_local()
    try:
        as_of = params.as_of(args.get("as_of"), as_of)
    except params.ParamError as exc:
        fields.update(exc.fields)
    try:
        year = params.year(args.get("year"), as_of.year)
    except params.ParamError as exc:
        fields.update(exc.fields)
    if fields:
        raise params.ParamError(fields)
    return year, as_of


@bp.get("/targets/communes")
@api_roles(*READERS)
def commune_targets():
    """`[{code, name, year, bhxh_bat_buoc, bhxh_tu_nguyen, bhyt_rate}]` of `?year=`; a commune user sees its own."""
    year, _ = _year_and_as_of(request.args)
    return jsonify(service.targets_of(partial(scope, model=CommuneTarget, user=api_user()), year))


def _stored(declaration, store, answer):
    """Validate the payload against `declaration` and the communes, store it, answer `answer(rows)`; or the 422
    answer refusing every row."""
    body = request.get_json(silent=True)
    if body is None:
        return json_error(400, "Nội dung phải là JSON.")
    try:
        rows = declaration.model_validate(body).root
    except ValidationError as exc:
        return json_error(422, INVALID, row_errors(exc))
    fields, ids = service.row_problems(rows)
    if fields:
        return json_error(422, INVALID, fields)
    store(rows, ids, api_user().id)
    db.session.commit()
    return jsonify(answer(rows))


def _targets_answer(rows) -> list[dict]:
    answer = []
    for year in sorted({row.year for row in rows}):
        answer += service.targets_of(lambda stmt: stmt, year, {row.code for row in rows if row.year == year})
    return answer


@bp.put("/targets/communes")
@api_roles(*WRITERS)
def put_commune_targets():
    """Store (insert or replace) the yearly targets of the rows; answers them as stored."""
    return _stored(CommuneTargetsIn, service.store_targets, _targets_answer)


@bp.put("/actuals/communes")
@api_roles(*WRITERS)
def put_commune_actuals():
    """Store (insert or replace) the monthly actuals of the rows; answers them as stored."""
    return _stored(CommuneActualsIn, service.store_actuals,
                   lambda rows: service.actuals_of({(row.code, row.month) for row in rows}))


@bp.get("/emulation")
@api_roles(*READERS)
def emulation():
    """`[{code, name, score, rank, parts: {duties, tasks, targets}}]` for `?year=` as of `?as_of=` (default today),
    best first; a commune user gets its own row (with its rank in the city)."""
    year, as_of = _year_and_as_of(request.args)
    principal = api_principal()
    own = None
    if principal.role == "commune":
        own = db.session.scalar(select(Commune.code).where(Commune.id == principal.commune_id))
    city_id = db.session.scalar(select(City.id).where(City.key == current_app.config["CITY"]))
    return jsonify([{"code": s.code, "name": s.name, "score": s.score, "rank": s.rank, "parts": dict(s.parts)}
                    for s in standings(year, as_of, weights_for(city_id, year)) if own is None or s.code == own])
