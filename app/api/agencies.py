"""Agencies and the plans' task register in the API (SPEC §12 second wave): list, register, submissions."""

from flask import current_app, jsonify, request
from pydantic import ValidationError

from app.api import bp
from app.api.auth import api_roles, api_user
from app.errors import json_error
from app.extensions import db
from app.formatting import today_local
from app.schemas.tasks import TaskSubmissionIn, field_errors
from app.tasks.files import MAX_BYTES
from app.tasks.services import (
    SubmissionRefused,
    agencies_of,
    city_of,
    plan_or_none,
    plans_of,
    register_as_dicts,
    register_for,
    register_query,
    submission_as_dict,
    submit_product,
    task_in_city,
)

READERS = ("admin", "city", "commune", "viewer", "agency")
FORM_FIELDS = ("period", "unit_code", "title", "doc_number", "doc_date", "url", "note", "submitted_on")


def _city_id() -> int | None:
    city = city_of(current_app.config["CITY"])
    return city.id if city else None


@bp.get("/agencies")
@api_roles(*READERS)
def list_agencies():
    """`[{code, name, kind}]`: the city's agencies (SPEC §13)."""
    return jsonify([{"code": a.code, "name": a.name, "kind": a.kind} for a in agencies_of(_city_id())])


@bp.get("/plans")
@api_roles(*READERS)
def list_plans():
    """`[{slug, title, number, start_year, end_year, tasks}]`: the city's plans, `tasks` how many."""
    return jsonify([{"slug": p.slug, "title": p.title, "number": p.number, "start_year": p.start_year,
                     "end_year": p.end_year, "tasks": n} for p, n in plans_of(_city_id())])


@bp.get("/plans/<slug>/tasks")
@api_roles(*READERS)
def plan_tasks(slug: str):
    """Every task with each instance's status as of a date; agency users get their agency's tasks only."""
    plan = plan_or_none(slug, _city_id())
    if plan is None:
        return json_error(404, "Không có kế hoạch này.")
    try:
        as_of, year, lead = register_query(request.args, today_local())
    except SubmissionRefused as exc:
        return json_error(exc.status, exc.message, exc.fields)
    view, register = register_for(api_user(), plan, as_of, year, lead)
    return jsonify(register_as_dicts(view, register))


@bp.post("/tasks/<task_id>/submissions")
@api_roles("admin", "city", "commune", "agency")
def submit_task_product(task_id: str):
    """Submit a product (JSON, or multipart with `file`); 201 with the submission, 404 for another unit's task."""
    task = task_in_city(task_id, _city_id())
    if task is None:
        return json_error(404, "Không có nhiệm vụ này.")
    upload = None
    if request.mimetype == "multipart/form-data":
        raw = {k: request.form[k] for k in FORM_FIELDS if request.form.get(k) not in (None, "")}
        sent = request.files.get("file")
        if sent is not None and sent.filename:
            upload = (sent.filename, sent.read(MAX_BYTES + 1))  # more than the limit is refused, not read on
    else:
        raw = request.get_json(silent=True)
        if not isinstance(raw, dict):
            return json_error(400, "Nội dung phải là một đối tượng JSON (hoặc multipart với tệp).")
    try:
        body = TaskSubmissionIn.model_validate(raw)
    except ValidationError as exc:
        return json_error(422, "Dữ liệu không hợp lệ.", field_errors(exc))
    try:
        submission = submit_product(task, api_user(), body, upload, today_local(), current_app.config["UPLOAD_DIR"])
    except SubmissionRefused as exc:
        db.session.rollback()
        return json_error(exc.status, exc.message, exc.fields)
    db.session.commit()
    return jsonify(submission_as_dict(submission)), 201

