"""Task register services (SPEC §14): what each user may see, the register as data, products submitted.

Services take the user, the day and the upload folder as arguments, flush, and leave the commit to the caller.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app import params
from app.compliance.schedules import Schedule, periods
from app.compliance.task_loader import load_plan, load_register, tasks_led_by
from app.compliance.tasks import LEAD_COMMUNES, Instance, Register
from app.domain.roles import CITY_OFFICE_ROLES
from app.extensions import db
from app.models import Agency, City, Commune, Plan, Task, TaskSubmission
from app.models.audit import record
from app.models.types import utcnow
from app.routing import MAX_ID
from app.schemas.tasks import TaskSubmissionIn
from app.tasks import files


class SubmissionRefused(Exception):
    """A submission that cannot be taken: `status` 403/404/422, a message and per-field messages."""

    def __init__(self, status: int, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields or {}


def city_of(key: str) -> City | None:
    """The configured city's row."""
    return db.session.scalar(select(City).where(City.key == key))


def agencies_of(city_id: int, active_only: bool = True) -> list[Agency]:
    """The city's agencies by code."""
    stmt = select(Agency).where(Agency.city_id == city_id).order_by(Agency.code)
    if active_only:
        stmt = stmt.where(Agency.active.is_(True))
    return list(db.session.scalars(stmt))


def plans_of(city_id: int) -> list[tuple[Plan, int]]:
    """The city's active plans with their number of active tasks (a city never sees another's plans)."""
    counts = (select(Task.plan_id, func.count(Task.id).label("n")).where(Task.active.is_(True))
              .group_by(Task.plan_id).subquery())
    stmt = (select(Plan, func.coalesce(counts.c.n, 0)).outerjoin(counts, counts.c.plan_id == Plan.id)
            .where(Plan.city_id == city_id, Plan.active.is_(True)).order_by(Plan.start_year.desc(), Plan.slug))
    return [(plan, n) for plan, n in db.session.execute(stmt)]


@dataclass(frozen=True)
class View:
    """The part of a plan's register one user sees: which tasks, and which communes' instances."""

    tasks: list[Task]
    communes: list[str] | None  # None: every commune


def view_for(user, plan: Plan, lead: str | None = None) -> View:
    """An agency user sees the tasks its agency leads; a commune user its own instances of commune tasks."""
    if user.role == "agency":
        return View(tasks_led_by(plan, user.agency.code if user.agency else "—"), [])
    if user.role == "commune":
        return View(tasks_led_by(plan, LEAD_COMMUNES), [user.commune.code] if user.commune else [])
    return View(tasks_led_by(plan, lead), None)


def register_for(user, plan: Plan, as_of: date, year: int | None = None, lead: str | None = None
                 ) -> tuple[View, Register]:
    """The register as `user` may see it, as of a date."""
    view = view_for(user, plan, lead)
    return view, load_register(plan, as_of, year, view.tasks, view.communes)


def instance_as_dict(instance: Instance) -> dict:
    """One instance as the API and the CLI print it."""
    p = instance.period
    return {"period": p.key, "label": p.label, "window_start": p.start.isoformat() if p.start else None,
            "window_end": p.end.isoformat() if p.end else None, "unit_code": instance.unit_code,
            "status": instance.status, "need": instance.need, "submissions": list(instance.submissions),
            "activities": list(instance.activities)}


def register_as_dicts(view: View, register: Register) -> list[dict]:
    """`GET /api/v1/plans/<slug>/tasks` (SPEC §12 second wave): every task with its instances."""
    by_id = {t.id: t for t in view.tasks}
    out = []
    for row in register.rows:
        task = by_id[row.task.id]
        lead = {"type": task.lead_type, "code": task.lead_agency.code if task.lead_agency else None}
        out.append({"id": task.id, "section": task.section, "no": task.no, "label": task.label, "text": task.text,
                    "lead": lead, "lead_text": task.lead_text, "partners": list(task.partner_codes or ()),
                    "partners_text": task.partners_text, "product": task.product, "time_text": task.time_text,
                    "schedule": task.schedule, "instances": [instance_as_dict(i) for i in row.instances]})
    return out


def submission_as_dict(s: TaskSubmission) -> dict:
    """A task submission in the API."""
    return {"id": s.id, "task_id": s.task_id, "period": s.period, "unit_code": s.unit_code, "title": s.title,
            "doc_number": s.doc_number, "doc_date": s.doc_date.isoformat() if s.doc_date else None, "url": s.url,
            "file": s.original_name or None, "submitted_on": s.submitted_on.isoformat(), "source": s.source,
            "withdrawn": s.withdrawn_at is not None}


def task_in_city(task_id, city_id: int) -> Task | None:
    """An active task of an active plan of the city, or None."""
    try:
        ident = int(task_id)
    except (TypeError, ValueError):
        return None
    if not 0 < ident <= MAX_ID:  # past an INTEGER column PostgreSQL raises instead of finding nothing
        return None
    return db.session.scalar(select(Task).join(Plan).where(Task.id == ident, Task.active.is_(True),
                                                            Plan.active.is_(True), Plan.city_id == city_id))


def _unit_for(task: Task, user, unit_code: str | None) -> tuple[Agency | None, Commune | None]:
    """The unit a submission is made for, or SubmissionRefused (another unit's task looks missing: 404)."""
    if task.lead_type == LEAD_COMMUNES:
        if user.role == "agency":
            raise SubmissionRefused(404, "Không có nhiệm vụ này.")
        if user.role == "commune":
            if unit_code not in (None, "", user.commune.code):
                raise SubmissionRefused(404, "Không có đơn vị này.")
            return None, user.commune
        commune = db.session.scalar(select(Commune).where(Commune.code == (unit_code or ""),
                                                          Commune.city_id == task.plan.city_id))
        if commune is None:
            raise SubmissionRefused(422, "Thiếu mã đơn vị cấp xã.", {"unit_code": "Chọn một đơn vị cấp xã."})
        return None, commune
    if user.role == "commune":
        raise SubmissionRefused(404, "Không có nhiệm vụ này.")
    leads = task.lead_codes
    if user.role == "agency":
        own = user.agency.code if user.agency else None
        if own not in leads or unit_code not in (None, "", own):
            raise SubmissionRefused(404, "Không có nhiệm vụ này.")
        return user.agency, None
    code = unit_code or leads[0]
    if code not in leads:
        raise SubmissionRefused(422, "Đơn vị này không chủ trì nhiệm vụ.", {"unit_code": "Không phải đơn vị chủ trì."})
    agency = db.session.scalar(select(Agency).where(Agency.code == code, Agency.city_id == task.plan.city_id))
    return agency, None


def submit_product(task: Task, user, body: TaskSubmissionIn, upload: tuple[str, bytes] | None, today: date,
                   upload_dir: str) -> TaskSubmission:
    """Record a product for one instance (SPEC §14): file or link online, or received on paper by admin/city."""
    if user.role not in (*CITY_OFFICE_ROLES, "agency", "commune"):
        raise SubmissionRefused(403, "Vai trò của bạn không nộp sản phẩm.")
    agency, commune = _unit_for(task, user, body.unit_code)
    keys = {p.key for p in periods(Schedule.from_dict(task.schedule), task.plan.start_year, task.plan.end_year)}
    if body.period not in keys:
        raise SubmissionRefused(422, "Kỳ không thuộc lịch của nhiệm vụ.", {"period": "Kỳ không có trong lịch."})
    if body.submitted_on is not None and user.role not in CITY_OFFICE_ROLES:
        raise SubmissionRefused(403, "Chỉ BHXH thành phố ghi nhận sản phẩm nhận bản giấy.",
                                {"submitted_on": "Không được phép."})
    if body.submitted_on is not None and body.submitted_on > today:
        raise SubmissionRefused(422, "Ngày nhận chưa tới.", {"submitted_on": "Không được sau hôm nay."})
    paper = body.submitted_on is not None
    if not paper and upload is None and not body.url:
        raise SubmissionRefused(422, "Gửi kèm tệp hoặc liên kết của sản phẩm.",
                                {"file": "Chọn tệp hoặc nhập liên kết.", "url": "Nhập liên kết hoặc chọn tệp."})
    stored = kind = content_type = None
    if upload is not None:
        try:
            kind, content_type = files.check(upload[0], upload[1])
        except files.FileRefused as exc:
            raise SubmissionRefused(422, str(exc), {"file": str(exc)}) from None
    submission = TaskSubmission(
        task_id=task.id, period=body.period, agency_id=agency.id if agency else None,
        commune_id=commune.id if commune else None, title=body.title, doc_number=body.doc_number,
        doc_date=body.doc_date, url=body.url, note=body.note, submitted_on=body.submitted_on or today,
        submitted_by_id=user.id, source="paper" if paper else "online")
    if upload is not None:
        stored = files.store(upload_dir, kind, upload[1])
        submission.stored_name, submission.original_name = stored, upload[0][:255]
        submission.content_type, submission.size = content_type, len(upload[1])
    db.session.add(submission)
    db.session.flush()
    record(user.id, "submit", "task_submission", submission.id, task=task.label, period=body.period,
           unit=submission.unit_code, source=submission.source)
    return submission


def withdraw(submission: TaskSubmission, user) -> None:
    """Withdraw a submission (admin/city): it stops counting, stays in the history; audited."""
    if submission.withdrawn_at is None:
        submission.withdrawn_at, submission.withdrawn_by_id = utcnow(), user.id
        db.session.flush()
        record(user.id, "withdraw", "task_submission", submission.id, task=submission.task.label,
               period=submission.period)


def plan_or_none(slug: str, city_id: int) -> Plan | None:
    """An active plan of the city by slug."""
    plan = load_plan(slug, city_id)
    return plan if plan is not None and plan.active else None


def register_query(args, today: date) -> tuple[date, int | None, str | None]:
    """`as_of`, `year` and `lead` of a register request, read the same way on pages, API and CLI."""
    lead = (args.get("lead") or "").strip()
    try:
        as_of = params.as_of(args.get("as_of"), today)  # dd/mm/yyyy or ISO, like every as_of of the app
        year = params.year(args.get("year"), 0) or None  # empty: every year of the plan
    except params.ParamError as exc:
        raise SubmissionRefused(400, exc.message, exc.fields) from None
    return as_of, year, lead[:16] or None


def agency_home(user, city_id: int, as_of: date) -> list[dict]:
    """An agency user's home: per plan, its next deadline and its overdue instances (SPEC §14)."""
    from app.compliance.task_loader import load_register
    from app.tasks.pages import next_due, overdue

    out = []
    for plan, _n in plans_of(city_id):
        tasks = [t for t in tasks_led_by(plan, user.agency.code) if t.active]
        if not tasks:
            continue
        reg = load_register(plan, as_of, None, tasks, [])
        out.append({"plan": plan, "tasks": {t.id: t for t in tasks}, "next": next_due(reg, as_of, 3),
                    "overdue": overdue(reg), "summary": reg.summary})
    return out


def dashboard_tasks(city_id: int, as_of: date) -> list[dict]:
    """Dashboard (issue 17): each plan's task completion for the year of `as_of`, per agency and per section."""
    from app.compliance.task_loader import load_register
    from app.tasks.pages import by_section, progress

    out = []
    for listed, _n in plans_of(city_id):
        plan = load_plan(listed.slug, city_id)  # tasks and lead agencies in two queries, not one per task
        tasks = [t for t in plan.tasks if t.active]
        reg = load_register(plan, as_of, as_of.year, tasks)
        out.append({"plan": plan, "year": as_of.year, "summary": reg.summary,
                    "agencies": progress(tasks, reg, agencies_of(city_id)), "sections": by_section(tasks, reg)})
    return out
