"""Pages of the plans' task register (SPEC §14): register, unit page, task matrix, progress, exports."""

import os

from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from pydantic import ValidationError
from sqlalchemy import select

from app.auth.access import get_scoped_or_404, role_required
from app.compliance.engine import TASK_STATUS_LABELS_VI, TASK_STATUSES
from app.compliance.schedules import Schedule, periods
from app.compliance.task_loader import load_register, tasks_led_by
from app.compliance.tasks import LEAD_COMMUNES
from app.domain.roles import CITY_OFFICE_ROLES, CITY_READER_ROLES, ROLES, SUBMITTER_ROLES
from app.extensions import db
from app.formatting import today_local
from app.forms import BaseForm
from app.idempotency import ALREADY_SENT, submit_once
from app.models import Agency, Commune, TaskSubmission
from app.models.types import utcnow
from app.schemas.tasks import TaskSubmissionIn, field_errors
from app.status_icons import STATUS_ICONS
from app.tabular import download
from app.tasks import bp, exports, files, pages
from app.tasks.forms import SubmissionForm
from app.tasks.services import (
    SubmissionRefused,
    agencies_of,
    city_of,
    plan_or_none,
    plans_of,
    register_for,
    register_query,
    submit_product,
    task_in_city,
    withdraw,
)


@bp.context_processor
def _globals():
    return {"status_labels": TASK_STATUS_LABELS_VI, "status_icons": STATUS_ICONS, "statuses": TASK_STATUSES,
            "missing": pages.missing}


bp.add_app_template_global(pages.period_label, "period_label")  # the agency home (main.index) names periods too


def _city_id() -> int:
    city = city_of(current_app.config["CITY"])
    if city is None:
        abort(404)
    return city.id


def _plan(slug: str):
    plan = plan_or_none(slug, _city_id())
    if plan is None:
        abort(404)
    return plan


def _query():
    """as_of, year (default: the year of as_of) and lead, or a flashed message and today."""
    try:
        as_of, year, lead = register_query(request.args, today_local())
    except SubmissionRefused as exc:
        flash(exc.message, "danger")
        as_of, year, lead = today_local(), None, None
    return as_of, year or as_of.year, lead


def _status_filter() -> str | None:
    status = request.args.get("status") or None
    return status if status in TASK_STATUSES else None


@bp.route("/")
@role_required(*ROLES)
def index():
    """The city's plans; agency users go to their own tasks."""
    plans = plans_of(_city_id())
    if len(plans) == 1:
        plan = plans[0][0]
        if current_user.role == "agency":
            return redirect(url_for("tasks.unit", slug=plan.slug, code=current_user.agency.code))
        return redirect(url_for("tasks.register", slug=plan.slug))
    return render_template("tasks/index.html", plans=plans)


def _register(slug: str):
    """The plan, the query and the filtered sections, as the page and its Excel read them."""
    plan = _plan(slug)
    as_of, year, lead = _query()
    view, reg = register_for(current_user, plan, as_of, year, lead)
    status, q = _status_filter(), (request.args.get("q") or "")[:100]
    query = {"as_of": as_of, "year": year, "lead": lead, "status": status, "q": q}
    return plan, reg, pages.sections(plan, view.tasks, reg, status, q), query


@bp.route("/<slug>")
@role_required(*ROLES)
def register(slug: str):
    """The register (sections I–VI) with each instance's status; filters by lead, status, year, search."""
    plan, reg, grouped, query = _register(slug)
    args = {k: v for k, v in {**query, "as_of": query["as_of"].isoformat()}.items() if v}
    return render_template("tasks/register.html", plan=plan, sections=grouped, summary=reg.summary, args=args,
                           agencies=agencies_of(plan.city_id), years=range(plan.start_year, plan.end_year + 1),
                           **query)


@bp.route("/<slug>/danh-muc.xlsx")
@role_required(*ROLES)
def register_xlsx(slug: str):
    """The register page as Excel (same filters, same cells)."""
    plan, _reg, grouped, query = _register(slug)
    as_of = query["as_of"]
    return _xlsx(exports.register_xlsx(plan, grouped, as_of), f"danh-muc-nhiem-vu-{plan.slug}-{as_of}")


def _unit(plan, code: str):
    """The agency or commune of this code in the plan's city, as the user may see it (404 otherwise)."""
    agency = db.session.scalar(select(Agency).where(Agency.city_id == plan.city_id, Agency.code == code[:16]))
    commune = None if agency else db.session.scalar(select(Commune).where(Commune.city_id == plan.city_id,
                                                                          Commune.code == code[:5]))
    if agency is None and commune is None:
        abort(404)
    if current_user.role == "agency" and (agency is None or agency.id != current_user.agency_id):
        abort(404)
    if current_user.role == "commune" and (commune is None or commune.id != current_user.commune_id):
        abort(404)
    return agency, commune


@bp.route("/<slug>/don-vi/<code>")
@role_required(*ROLES)
def unit(slug: str, code: str):
    """ "Nhiệm vụ của đơn vị": one unit's tasks of the year, what is due next and what is overdue."""
    plan = _plan(slug)
    agency, commune = _unit(plan, code)
    as_of, year, _ = _query()
    tasks = [t for t in tasks_led_by(plan, agency.code if agency else LEAD_COMMUNES) if t.active]
    reg = load_register(plan, as_of, year, tasks, [commune.code] if commune else [])
    grouped = pages.sections(plan, tasks, reg)
    return render_template("tasks/unit.html", plan=plan, agency=agency, commune=commune, sections=grouped,
                           summary=reg.summary, next_due=pages.next_due(reg, as_of), overdue=pages.overdue(reg),
                           tasks={t.id: t for t in tasks}, as_of=as_of, year=year,
                           can_submit=current_user.role in SUBMITTER_ROLES)


def _task(plan, task_id):
    """A task of the plan the user may see: agency users only the tasks their agency leads."""
    task = task_in_city(task_id, plan.city_id)
    if task is None or task.plan_id != plan.id:
        abort(404)
    if current_user.role == "agency" and (current_user.agency is None
                                          or current_user.agency.code not in task.lead_codes):
        abort(404)
    if current_user.role == "commune" and task.lead_type != LEAD_COMMUNES:
        abort(404)
    return task


@bp.route("/<slug>/nhiem-vu/<int:task_id>", methods=["GET", "POST"])
@role_required(*ROLES)
def task(slug: str, task_id: int):
    """One task: every instance (commune × period for every-commune tasks), its evidence, and the submit form."""
    plan = _plan(slug)
    t = _task(plan, task_id)
    as_of, year, _ = _query()
    communes = [current_user.commune.code] if current_user.role == "commune" else None
    row = load_register(plan, as_of, year, [t], communes).rows[0]
    form = _submission_form(plan, t) if current_user.role in SUBMITTER_ROLES else None
    if request.method == "POST":
        if form is None:
            abort(403)
        result = _submit(t, form)
        if result is not None:
            return result
    periods_ = sorted({i.period for i in row.instances}, key=lambda p: (p.end or p.start, p.key))
    cells = {(i.unit_code, i.period.key): i for i in row.instances}
    units = sorted({i.unit_code for i in row.instances})
    names = dict(db.session.execute(select(Commune.code, Commune.name).where(Commune.city_id == plan.city_id)).all())
    subs = db.session.scalars(select(TaskSubmission).where(TaskSubmission.task_id == t.id)
                              .order_by(TaskSubmission.id)).all()
    visible = {s.id for s in subs if _may_see(s)}
    return render_template("tasks/task.html", plan=plan, task=t, row=row, periods=periods_, cells=cells,
                           units=units, names=names, submissions={s.id: s for s in subs if s.id in visible},
                           as_of=as_of, year=year, form=form), 422 if request.method == "POST" else 200


def _may_see(s: TaskSubmission) -> bool:
    if current_user.role == "agency":
        return s.agency_id == current_user.agency_id
    if current_user.role == "commune":
        return s.commune_id == current_user.commune_id
    return True


def _submission_form(plan, t) -> SubmissionForm:
    form = SubmissionForm()
    keys = periods(Schedule.from_dict(t.schedule), plan.start_year, plan.end_year)
    form.period.choices = [(p.key, p.label) for p in keys]
    if current_user.role in CITY_OFFICE_ROLES:
        if t.lead_type == LEAD_COMMUNES:
            rows = db.session.execute(select(Commune.code, Commune.name).where(Commune.city_id == plan.city_id)
                                      .order_by(Commune.code)).all()
            form.unit_code.choices = [(c, f"{c} · {n}") for c, n in rows]
        else:
            form.unit_code.choices = [(c, c) for c in t.lead_codes]
    else:
        form.unit_code.choices = []
    return form


def _submit(t, form: SubmissionForm):
    """The page's submit: the API's rules, messages next to the fields; None when the form is shown again."""
    if not form.validate_on_submit():
        return None
    upload = None
    if form.file.data and getattr(form.file.data, "filename", ""):
        upload = (form.file.data.filename, form.file.data.read(files.MAX_BYTES + 1))
    def create() -> str:
        body = TaskSubmissionIn.model_validate(form.payload())
        submit_product(t, current_user, body, upload, today_local(), current_app.config["UPLOAD_DIR"])
        return url_for("tasks.task", slug=t.plan.slug, task_id=t.id)

    try:
        url, replayed = submit_once(form.form_token.data, "tasks.task", current_user.id, utcnow(), create)
    except ValidationError as exc:
        form.show_errors(field_errors(exc))
        return None
    except SubmissionRefused as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        form.show_errors(exc.fields or {"title": exc.message})
        return None
    flash(ALREADY_SENT if replayed else "Đã ghi nhận sản phẩm.", "info" if replayed else "success")
    return redirect(url)


@bp.route("/<slug>/nhiem-vu/<int:task_id>.xlsx")
@role_required(*ROLES)
def task_xlsx(slug: str, task_id: int):
    """The task's commune × period matrix (or its periods) as Excel."""
    plan = _plan(slug)
    t = _task(plan, task_id)
    as_of, year, _ = _query()
    communes = [current_user.commune.code] if current_user.role == "commune" else None
    reg = load_register(plan, as_of, year, [t], communes)
    return _xlsx(exports.task_xlsx(t, reg.rows[0], as_of), f"nhiem-vu-{t.label}-{as_of}")


def _progress(slug: str):
    plan = _plan(slug)
    as_of, year, _ = _query()
    view, reg = register_for(current_user, plan, as_of, year)
    return plan, as_of, year, view, reg, pages.progress(view.tasks, reg, agencies_of(plan.city_id))


@bp.route("/<slug>/tien-do")
@role_required(*CITY_READER_ROLES)
def progress(slug: str):
    """Agency × task progress for the year: completed over due, each cell opening the task."""
    plan, as_of, year, view, reg, rows = _progress(slug)
    return render_template("tasks/progress.html", plan=plan, rows=rows, summary=reg.summary, as_of=as_of, year=year,
                           sections=pages.by_section(view.tasks, reg), years=range(plan.start_year, plan.end_year + 1))


@bp.route("/<slug>/tien-do.xlsx")
@role_required(*CITY_READER_ROLES)
def progress_xlsx(slug: str):
    """The progress table as Excel."""
    plan, as_of, year, _view, _reg, rows = _progress(slug)
    return _xlsx(exports.progress_xlsx(plan, rows, as_of, year), f"tien-do-{plan.slug}-{year}-{as_of}")


@bp.route("/<slug>/tien-do.pdf")
@role_required(*CITY_READER_ROLES)
def progress_pdf(slug: str):
    """ "Báo cáo tiến độ thực hiện nhiệm vụ" for the Steering Committee, in the ND 30 frame."""
    from app.reports.task_progress import build_task_progress, task_progress_data

    plan, as_of, year, view, reg, rows = _progress(slug)
    city = plan.city
    communes = dict(db.session.execute(select(Commune.code, Commune.name).where(Commune.city_id == city.id)).all())
    data = task_progress_data(plan, view.tasks, reg, rows, pages.by_section(view.tasks, reg),
                              lead_office=city.lead_office, place=city.name, year=year, communes=communes,
                              agencies={a.code: a.name for a in agencies_of(city.id, active_only=False)})
    return Response(build_task_progress(data), mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="bao-cao-tien-do-{plan.slug}-{year}-{as_of}.pdf"'})


@bp.route("/san-pham/<int:submission_id>/tep")
@role_required(*ROLES)
def submission_file(submission_id: int):
    """A product's stored file; another unit's submission is 404 (scoped query)."""
    s = get_scoped_or_404(TaskSubmission, submission_id, current_user)
    if not s.stored_name:
        abort(404)
    path = files.path_of(current_app.config["UPLOAD_DIR"], s.stored_name)
    if not os.path.isfile(path):
        abort(404)
    return send_file(path, mimetype=s.content_type, as_attachment=True, download_name=s.original_name or s.stored_name)


@bp.route("/san-pham/<int:submission_id>/rut", methods=["POST"])
@role_required(*CITY_OFFICE_ROLES)
def withdraw_submission(submission_id: int):
    """Withdraw a submission (it stops counting; audited)."""
    s = get_scoped_or_404(TaskSubmission, submission_id, current_user)
    if BaseForm().validate_on_submit():  # the CSRF token
        withdraw(s, current_user)
        db.session.commit()
        flash("Đã rút sản phẩm; kỳ này được tính lại.", "success")
    return redirect(url_for("tasks.task", slug=s.task.plan.slug, task_id=s.task_id))


def _xlsx(body: bytes, name: str) -> Response:
    return download(body, f"{name}.xlsx")
