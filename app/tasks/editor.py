"""Plan and task editor pages (SPEC §14): the city office adds, edits, retires and brings back plans and tasks,
with a schedule editor that previews the instances before saving. Every edit audited (`editing`)."""

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from app.auth.access import role_required
from app.compliance.schedules import SCHEDULE_LABELS_VI, Schedule, parse_time
from app.compliance.task_loader import load_plan
from app.domain.roles import CITY_OFFICE_ROLES
from app.extensions import db
from app.forms import BaseForm, choices
from app.models import Commune, Plan, Task
from app.tasks import bp, editing
from app.tasks.editor_forms import PlanForm, TaskForm
from app.tasks.services import agencies_of, city_of

SESSION_EXPIRED = "Phiên làm việc đã hết hạn, vui lòng tải lại trang và gửi lại."


def _city_id() -> int:
    city = city_of(current_app.config["CITY"])
    if city is None:
        abort(404)
    return city.id


def _plan_any(slug: str) -> Plan:
    """A plan of the city, retired or not (the editor brings retired ones back)."""
    plan = load_plan(slug, _city_id())
    if plan is None:
        abort(404)
    return plan


def _task_any(plan: Plan, task_id: int) -> Task:
    task = next((t for t in plan.tasks if t.id == task_id), None)
    if task is None:
        abort(404)
    return task


def _plan_errors(form: PlanForm, fields: dict) -> None:
    for name, message in fields.items():
        getattr(form, name).errors = [*getattr(form, name).errors, message]


def _sections_text(plan: Plan) -> str:
    return "\n".join(f"{code}. {title}" for code, title in plan.sections or ())


def _plans_page(form: PlanForm, plan: Plan | None, status: int = 200):
    city_id = _city_id()
    plans = db.session.scalars(select(Plan).where(Plan.city_id == city_id)
                               .order_by(Plan.active.desc(), Plan.start_year.desc(), Plan.slug)).all()
    return render_template("tasks/plan_form.html", form=form, plan=plan, plans=plans,
                           state_form=BaseForm()), status


@bp.route("/moi", methods=["GET", "POST"])
@role_required(*CITY_OFFICE_ROLES)
def new_plan():
    """Add a plan of the city (its code, title, number, years and sections); its tasks are added next."""
    form = PlanForm()
    if request.method == "GET":
        return _plans_page(form, None)
    if form.validate_on_submit():
        try:
            plan = editing.create_plan(_city_id(), form.slug.data, form.title.data, form.number.data,
                                       form.start_year.data, form.end_year.data, form.sections.data, current_user)
        except editing.EditRefused as exc:
            db.session.rollback()
            _plan_errors(form, exc.fields)
        else:
            db.session.commit()
            flash("Đã tạo kế hoạch; thêm các nhiệm vụ của danh mục.", "success")
            return redirect(url_for("tasks.edit_plan", slug=plan.slug))
    return _plans_page(form, None, 422)


@bp.route("/<slug>/sua", methods=["GET", "POST"])
@role_required(*CITY_OFFICE_ROLES)
def edit_plan(slug: str):
    """Edit a plan (title, number, years, sections) and reach its tasks, retired ones included."""
    plan = _plan_any(slug)
    if request.method == "GET":
        form = PlanForm(obj=plan)
        form.sections.data = _sections_text(plan)
        return _plans_page(form, plan)
    form = PlanForm()
    if form.validate_on_submit():
        try:
            changed = editing.update_plan(plan, form.title.data, form.number.data, form.start_year.data,
                                          form.end_year.data, form.sections.data, current_user)
        except editing.EditRefused as exc:
            db.session.rollback()
            _plan_errors(form, exc.fields)
        else:
            db.session.commit()
            flash("Đã lưu thay đổi." if changed else "Không có gì thay đổi.", "success")
            return redirect(url_for("tasks.edit_plan", slug=plan.slug))
    return _plans_page(form, _plan_any(slug), 422)


@bp.route("/<slug>/trang-thai", methods=["POST"])
@role_required(*CITY_OFFICE_ROLES)
def plan_state(slug: str):
    """Retire a plan, or bring it back (`active=1`)."""
    plan = _plan_any(slug)
    if BaseForm().validate_on_submit():
        active = request.form.get("active") == "1"
        editing.set_plan_active(plan, active, current_user)
        db.session.commit()
        flash("Đã khôi phục kế hoạch." if active else "Đã ngừng kế hoạch; lịch sử vẫn được giữ.", "success")
    else:
        flash(SESSION_EXPIRED, "danger")
    return redirect(url_for("tasks.edit_plan", slug=plan.slug))


def _task_form(plan: Plan, task: Task | None) -> TaskForm:
    form = TaskForm()
    agencies = agencies_of(plan.city_id)
    form.section.choices = choices((code, f"{code}. {title}") for code, title in plan.sections or ())
    form.lead.choices = choices([("", "—"), (editing.LEAD_COMMUNES, editing.COMMUNES_LEAD_TEXT),
                                 *((a.code, a.name) for a in agencies)])
    form.co_leads.choices = choices((a.code, a.name) for a in agencies)
    form.partners.choices = choices([(editing.LEAD_COMMUNES, editing.COMMUNES_LEAD_TEXT),
                                     *((a.code, a.name) for a in agencies)])
    if request.method == "GET":
        if task is None:
            form.kind.data, form.count.data = "yearly", "1"
            form.section.data = request.args.get("section") or None
        else:
            for name in ("section", "no", "text", "lead_text", "partners_text", "product", "time_text"):
                getattr(form, name).data = getattr(task, name)
            form.lead.data = task.lead_agency.code if task.lead_agency else editing.LEAD_COMMUNES
            form.co_leads.data, form.partners.data = list(task.co_lead_codes), list(task.partner_codes)
            form.kinds.data = list(task.kinds or ())
            form.fill_schedule(editing.schedule_fields(Schedule.from_dict(task.schedule)))
    return form


def _units(plan: Plan, lead: str | None) -> int:
    if lead != editing.LEAD_COMMUNES:
        return 1
    return db.session.scalar(select(func.count(Commune.id)).where(Commune.city_id == plan.city_id)) or 0


def _task_page(plan: Plan, task: Task | None, form: TaskForm, status: int = 200, schedule: Schedule | None = None):
    """The task form with the preview of the schedule's instances (the one given, else the form's if it reads)."""
    if schedule is None:
        try:
            schedule = editing.schedule_from_fields(form.fields_dict()["schedule"])
        except editing.EditRefused:
            schedule = None
    shown = editing.preview(schedule, plan, _units(plan, form.lead.data)) if schedule else None
    read = parse_time(form.time_text.data or "", form.product.data or "") if form.time_text.data else None
    return render_template("tasks/task_form.html", plan=plan, task=task, form=form, preview=shown,
                           read=read, labels=SCHEDULE_LABELS_VI, state_form=BaseForm()), status


def _save_task(plan: Plan, task: Task | None):
    """POST of the task form: read the time column, preview, or save (messages next to the fields)."""
    form = _task_form(plan, task)
    if not form.validate_on_submit():
        flash(SESSION_EXPIRED, "danger")
        return _task_page(plan, task, form, 422)
    action = request.form.get("action")
    if action == "parse":
        read = parse_time(form.time_text.data or "", form.product.data or "")
        if read is None:
            form.time_text.errors = [*form.time_text.errors, "Chưa đọc được lịch từ cột này: chọn loại lịch bên dưới."]
            return _task_page(plan, task, form, 422)
        form.fill_schedule(editing.schedule_fields(read))
        return _task_page(plan, task, form)
    try:
        if action == "preview":
            return _task_page(plan, task, form, schedule=editing.schedule_from_fields(form.fields_dict()["schedule"]))
        saved = editing.create_task(plan, form.fields_dict(), current_user) if task is None else task
        changed = True if task is None else editing.update_task(task, form.fields_dict(), current_user)
    except editing.EditRefused as exc:
        db.session.rollback()
        for message in form.show_errors(exc.fields):
            flash(message, "danger")
        return _task_page(plan, task if task is None else _task_any(_plan_any(plan.slug), task.id), form, 422)
    db.session.commit()
    flash(("Đã thêm nhiệm vụ." if task is None else "Đã lưu thay đổi.") if changed else "Không có gì thay đổi.",
          "success")
    return redirect(url_for("tasks.edit_task", slug=plan.slug, task_id=saved.id))


@bp.route("/<slug>/nhiem-vu/moi", methods=["GET", "POST"])
@role_required(*CITY_OFFICE_ROLES)
def new_task(slug: str):
    """Add a task to a plan's register, with its schedule (previewed before saving)."""
    plan = _plan_any(slug)
    if request.method == "GET":
        return _task_page(plan, None, _task_form(plan, None))
    return _save_task(plan, None)


@bp.route("/<slug>/nhiem-vu/<int:task_id>/sua", methods=["GET", "POST"])
@role_required(*CITY_OFFICE_ROLES)
def edit_task(slug: str, task_id: int):
    """Edit a task: words, lead, partners, product, activity kinds and schedule; refused if counted products would
    stop counting."""
    plan = _plan_any(slug)
    task = _task_any(plan, task_id)
    if request.method == "GET":
        return _task_page(plan, task, _task_form(plan, task))
    return _save_task(plan, task)


@bp.route("/<slug>/nhiem-vu/<int:task_id>/trang-thai", methods=["POST"])
@role_required(*CITY_OFFICE_ROLES)
def task_state(slug: str, task_id: int):
    """Retire a task from today's register (its products stay), or bring it back (`active=1`)."""
    plan = _plan_any(slug)
    task = _task_any(plan, task_id)
    if BaseForm().validate_on_submit():
        active = request.form.get("active") == "1"
        editing.set_task_active(task, active, current_user)
        db.session.commit()
        flash(f"Đã {'khôi phục' if active else 'ngừng'} nhiệm vụ {task.label}.", "success")
    else:
        flash(SESSION_EXPIRED, "danger")
    return redirect(request.form.get("next") if request.form.get("next") == url_for("tasks.edit_plan", slug=slug)
                    else url_for("tasks.edit_task", slug=slug, task_id=task.id))
