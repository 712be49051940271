"""The city office edits its plans and their tasks (SPEC §14: "every schedule and choice is editable by the city
office; none is hard-coded"): add, edit, retire and bring back; the schedule checked by the engine's own rules.

Every edit is written to the audit log with what changed. A change that would make counted evidence stop
counting (a period that has products, a lead type with products, a section with tasks) is refused with a message
next to its field. Services take the user as an argument, flush, and leave the commit to the caller.
"""

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from app.compliance.schedules import SCHEDULE_KINDS, Schedule, periods
from app.domain.dates import parse_date
from app.domain.kinds import KINDS
from app.extensions import db
from app.models import Agency, Plan, Task, TaskSubmission
from app.models.audit import record

LEAD_COMMUNES = "communes"
COMMUNES_LEAD_TEXT = "UBND xã, phường, đặc khu"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
RESERVED_SLUGS = frozenset({"moi"})  # /ke-hoach/moi is the new-plan page
SECTION_LINE = re.compile(r"\s*([IVXLC]+|[0-9]+)\s*[.:|-]\s*(.+)")
TASK_FIELDS = ("section", "no", "text", "lead", "co_leads", "partners", "lead_text", "partners_text", "product",
               "time_text", "kinds", "schedule")
LIMITS = {"no": 8, "text": 5000, "lead_text": 1000, "partners_text": 2000, "product": 2000, "time_text": 300}


class EditRefused(Exception):
    """An edit that cannot be made: {field: Vietnamese message} (shown next to each field)."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(fields.values()))
        self.fields = fields


# --------------------------------------------------------------------------- schedules


def _month_day(raw: str, field: str, errors: dict) -> str | None:
    """ "24/12" → "12-24" (the stored form), or a message."""
    raw = (raw or "").strip()
    if not raw:
        return None
    match = re.fullmatch(r"(\d{1,2})/(\d{1,2})", raw)
    if not match:
        errors[field] = "Nhập ngày trong năm dạng dd/mm, ví dụ 24/12."
        return None
    day, month = int(match[1]), int(match[2])
    try:
        date(2025, month, day)
    except ValueError:
        errors[field] = "Ngày trong năm không có thật."
        return None
    return f"{month:02d}-{day:02d}"


def _whole(raw, field: str, lo: int, hi: int, message: str, errors: dict) -> int | None:
    raw = str(raw if raw is not None else "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not lo <= int(raw) <= hi:
        errors[field] = message
        return None
    return int(raw)


def schedule_from_fields(fields: dict) -> Schedule:
    """The schedule editor's fields (dd/mm/yyyy dates, dd/mm days of the year) as a checked Schedule.

    `fields`: kind, start, end (once), month (month of each year), last_day (yearly, optional), due_days
    (quarterly), h1_due, h2_due (half-yearly), count (all kinds), years ("2026, 2027": recurring kinds, optional).
    Raises EditRefused with a message next to each bad field.
    """
    errors: dict[str, str] = {}
    kind = fields.get("kind") or ""
    if kind not in SCHEDULE_KINDS:
        raise EditRefused({"kind": "Chọn loại lịch."})
    raw: dict = {"kind": kind}
    if kind == "once":
        for name in ("start", "end"):
            text = (fields.get(name) or "").strip()
            if text:
                day = parse_date(text)
                if day is None or not 2000 <= day.year <= 2100:
                    errors[name] = "Ngày không hợp lệ, dùng dạng dd/mm/yyyy."
                else:
                    raw[name] = day.isoformat()
        if not errors and "start" not in raw and "end" not in raw:
            errors["end"] = "Nhập hạn cuối (hoặc ngày bắt đầu) của lịch một lần."
        if not errors and "start" in raw and "end" in raw and raw["start"] > raw["end"]:
            errors["end"] = "Hạn cuối phải sau ngày bắt đầu."
    if kind == "month":
        raw["month"] = _whole(fields.get("month"), "month", 1, 12, "Tháng phải từ 1 đến 12.", errors)
        if raw["month"] is None and "month" not in errors:
            errors["month"] = "Chọn tháng."
    if kind == "yearly":
        raw["last_day"] = _month_day(fields.get("last_day"), "last_day", errors)
    if kind == "quarterly":
        due = _whole(fields.get("due_days"), "due_days", 0, 90, "Số ngày sau khi hết quý phải từ 0 đến 90.", errors)
        if due is not None:
            raw["due_days"] = due
    if kind == "half_yearly":
        h1 = _month_day(fields.get("h1_due"), "h1_due", errors) or "06-20"
        h2 = _month_day(fields.get("h2_due"), "h2_due", errors) or "12-20"
        if not errors and not (h1 < "07-01" <= h2):
            errors["h1_due"] = "Hạn sáu tháng đầu phải trong tháng 1–6, hạn cả năm trong tháng 7–12."
        raw["due"] = [h1, h2]
    count = _whole(fields.get("count"), "count", 1, 31, "Số sản phẩm mỗi kỳ phải từ 1 đến 31.", errors)
    if count is not None:
        raw["count"] = count
    years_text = (fields.get("years") or "").strip()
    if years_text and kind != "once":
        years = re.findall(r"\d+", years_text)
        if not years or re.sub(r"[\d\s,;]", "", years_text) or any(not 2000 <= int(y) <= 2100 for y in years):
            errors["years"] = "Liệt kê các năm cách nhau bằng dấu phẩy, ví dụ 2026, 2027."
        else:
            raw["years"] = [int(y) for y in years]
    if errors:
        raise EditRefused(errors)
    try:
        return Schedule.from_dict({k: v for k, v in raw.items() if v is not None})
    except ValueError as exc:  # the engine's own last word (its messages are the editor's)
        raise EditRefused({"kind": str(exc)}) from None


def schedule_fields(schedule: Schedule) -> dict:
    """A stored schedule as the editor's fields (the inverse of `schedule_from_fields`)."""
    return {"kind": schedule.kind, "start": f"{schedule.start:%d/%m/%Y}" if schedule.start else "",
            "end": f"{schedule.end:%d/%m/%Y}" if schedule.end else "", "month": schedule.month or "",
            "last_day": "{1:02d}/{0:02d}".format(*schedule.last_day) if schedule.last_day else "",
            "due_days": schedule.due_days, "h1_due": "{1:02d}/{0:02d}".format(*schedule.due[0]),
            "h2_due": "{1:02d}/{0:02d}".format(*schedule.due[1]), "count": schedule.count,
            "years": ", ".join(str(y) for y in schedule.years)}


@dataclass(frozen=True)
class Preview:
    """What a schedule expands to over the plan's years: the periods and how many instances they make."""

    periods: tuple
    units: int  # 1 for an agency's task, the number of communes for an every-commune task

    @property
    def instances(self) -> int:
        """Periods × units."""
        return len(self.periods) * self.units


def preview(schedule: Schedule, plan: Plan, units: int) -> Preview:
    """The instances a schedule would give in this plan (the editor shows them before saving)."""
    return Preview(periods(schedule, plan.start_year, plan.end_year), units)


# --------------------------------------------------------------------------- plans


def parse_sections(text: str) -> list[list[str]]:
    """ "I. Title" lines → [[code, title]] in order; EditRefused on a bad or repeated line."""
    out, seen = [], set()
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        match = SECTION_LINE.fullmatch(line)
        if not match or len(match[1]) > 8:
            raise EditRefused({"sections": f"Dòng {n}: viết “I. Tên phần” (số La Mã hoặc số, dấu chấm, tên)."})
        if match[1] in seen:
            raise EditRefused({"sections": f"Dòng {n}: phần {match[1]} đã có ở trên."})
        seen.add(match[1])
        out.append([match[1], " ".join(match[2].split())])
    if not out:
        raise EditRefused({"sections": "Kế hoạch cần ít nhất một phần (ví dụ “I. Công tác chỉ đạo”)."})
    return out


def _plan_values(title: str, number: str, start_year, end_year, sections_text: str) -> dict:
    errors, values = {}, {}
    values["title"] = " ".join((title or "").split())
    if not values["title"]:
        errors["title"] = "Vui lòng nhập tên kế hoạch."
    values["number"] = " ".join((number or "").split())
    if len(values["number"]) > 200:
        errors["number"] = "Số hiệu tối đa 200 ký tự."
    for name, raw in (("start_year", start_year), ("end_year", end_year)):
        values[name] = _whole(raw, name, 2000, 2100, "Năm phải từ 2000 đến 2100.", errors)
        if values[name] is None and name not in errors:
            errors[name] = "Vui lòng nhập năm."
    if not errors and values["end_year"] < values["start_year"]:
        errors["end_year"] = "Năm kết thúc không được trước năm bắt đầu."
    try:
        values["sections"] = parse_sections(sections_text)
    except EditRefused as exc:
        errors.update(exc.fields)
    if errors:
        raise EditRefused(errors)
    return values


def create_plan(city_id: int, slug: str, title: str, number: str, start_year, end_year, sections_text: str,
                user) -> Plan:
    """A new plan of the city (SPEC §14), with its sections; its tasks are added one by one."""
    errors = {}
    slug = (slug or "").strip().lower()
    try:
        values = _plan_values(title, number, start_year, end_year, sections_text)
    except EditRefused as exc:
        errors, values = dict(exc.fields), {}
    if not SLUG.fullmatch(slug) or len(slug) > 64 or slug in RESERVED_SLUGS:
        errors["slug"] = "Mã kế hoạch gồm chữ thường không dấu, chữ số và dấu gạch ngang (ví dụ ke-hoach-2027)."
    elif db.session.scalar(select(Plan.id).where(Plan.slug == slug)) is not None:
        errors["slug"] = f"Đã có kế hoạch mã “{slug}”."
    if errors:
        raise EditRefused(errors)
    plan = Plan(city_id=city_id, slug=slug, active=True, **values)
    db.session.add(plan)
    db.session.flush()
    record(user.id, "create", "plan", plan.id, slug=slug, title=values["title"])
    return plan


def update_plan(plan: Plan, title: str, number: str, start_year, end_year, sections_text: str, user) -> dict:
    """Change a plan's title, number, years and sections; a section that still has tasks cannot be removed."""
    values = _plan_values(title, number, start_year, end_year, sections_text)
    kept = {code for code, _ in values["sections"]}
    used = sorted({t.section for t in plan.tasks} - kept)
    if used:
        raise EditRefused({"sections": f"Phần {', '.join(used)} còn nhiệm vụ: chuyển hoặc xóa các nhiệm vụ đó trước."})
    changed = {k: [getattr(plan, k), v] for k, v in values.items() if getattr(plan, k) != v}
    for key, (_old, new) in changed.items():
        setattr(plan, key, new)
    if changed:
        db.session.flush()
        record(user.id, "update", "plan", plan.id, slug=plan.slug, changed=changed)
    return changed


def set_plan_active(plan: Plan, active: bool, user) -> None:
    """Retire a plan (it leaves every list, page and reminder; its history stays) or bring it back."""
    if plan.active != active:
        plan.active = active
        db.session.flush()
        record(user.id, "restore" if active else "retire", "plan", plan.id, slug=plan.slug)


# --------------------------------------------------------------------------- tasks


def _agencies(city_id: int) -> dict[str, Agency]:
    return {a.code: a for a in db.session.scalars(select(Agency).where(Agency.city_id == city_id))}


def task_values(plan: Plan, fields: dict) -> dict:
    """The task form's fields checked against the plan and the city's agencies: the Task column values."""
    errors: dict[str, str] = {}
    agencies = _agencies(plan.city_id)
    sections = {code for code, _ in plan.sections or ()}
    values: dict = {"section": fields.get("section") or ""}
    if values["section"] not in sections:
        errors["section"] = "Chọn một phần của kế hoạch."
    for name, limit in LIMITS.items():
        values[name] = (fields.get(name) or "").strip()
        if len(values[name]) > limit:
            errors[name] = f"Tối đa {limit:,} ký tự.".replace(",", ".")
    if not values["text"]:
        errors["text"] = "Vui lòng nhập nội dung nhiệm vụ."
    lead = fields.get("lead") or ""
    if lead == LEAD_COMMUNES:
        values.update(lead_type=LEAD_COMMUNES, lead_agency_id=None, co_lead_codes=[])
    elif lead in agencies and agencies[lead].active:
        co_leads = [c for c in dict.fromkeys(fields.get("co_leads") or ()) if c != lead]
        if any(c not in agencies for c in co_leads):
            errors["co_leads"] = "Có cơ quan không thuộc danh sách của thành phố."
        values.update(lead_type="agency", lead_agency_id=agencies[lead].id, co_lead_codes=co_leads)
    else:
        errors["lead"] = "Chọn cơ quan chủ trì, hoặc “UBND xã, phường, đặc khu”."
    partners = list(dict.fromkeys(fields.get("partners") or ()))
    if any(p not in agencies and p != LEAD_COMMUNES for p in partners):
        errors["partners"] = "Có đơn vị phối hợp không thuộc danh sách của thành phố."
    values["partner_codes"] = partners
    kinds = sorted(set(fields.get("kinds") or ()))
    if any(k not in KINDS for k in kinds):
        errors["kinds"] = "Loại hoạt động không hợp lệ."
    values["kinds"] = kinds
    try:
        values["schedule"] = schedule_from_fields(fields.get("schedule") or {}).to_dict()
    except EditRefused as exc:
        errors.update({f"schedule.{k}": v for k, v in exc.fields.items()})
    if errors:
        raise EditRefused(errors)
    if not values["lead_text"]:  # the "Cơ quan chủ trì" column as the plan would write it
        values["lead_text"] = COMMUNES_LEAD_TEXT if lead == LEAD_COMMUNES else "; ".join(
            agencies[c].name for c in [lead, *values["co_lead_codes"]])
    return values


def _counted_periods(task: Task) -> dict[str, int]:
    """Period key → how many products still count for this task."""
    rows = db.session.execute(select(TaskSubmission.period, func.count(TaskSubmission.id))
                              .where(TaskSubmission.task_id == task.id, TaskSubmission.withdrawn_at.is_(None))
                              .group_by(TaskSubmission.period))
    return dict(rows.all())


def _guard_evidence(task: Task, values: dict, plan: Plan) -> None:
    """Refuse a change after which products already counted would stop counting."""
    counted = _counted_periods(task)
    if not counted:
        return
    if values["lead_type"] != task.lead_type:
        raise EditRefused({"lead": "Nhiệm vụ đã có sản phẩm nộp: không đổi được giữa cơ quan chủ trì và cấp xã."})
    keys = {p.key for p in periods(Schedule.from_dict(values["schedule"]), plan.start_year, plan.end_year)}
    lost = sorted(k for k in counted if k not in keys)
    if lost:
        raise EditRefused({"schedule.kind": (
            f"Lịch mới bỏ mất kỳ {', '.join(lost[:6])}{'…' if len(lost) > 6 else ''} đã có sản phẩm nộp "
            f"({sum(counted[k] for k in lost)} sản phẩm): giữ các kỳ đó, hoặc rút các sản phẩm trước.")})


def _unique(plan: Plan, section: str, no: str, task_id: int | None) -> None:
    clash = db.session.scalar(select(Task.id).where(Task.plan_id == plan.id, Task.section == section,
                                                    Task.no == no, Task.id != (task_id or 0)))
    if clash is not None:
        raise EditRefused({"no": f"Đã có nhiệm vụ {section}.{no} trong kế hoạch." if no else
                           f"Đã có một nhiệm vụ không số trong phần {section}."})


def _position_after_section(plan: Plan, section: str) -> int:
    """The place of a new task: after the last task of its section (later tasks move down one)."""
    order = [code for code, _ in plan.sections or ()]
    rank = {code: i for i, code in enumerate(order)}
    tasks = sorted(plan.tasks, key=lambda t: t.position)
    before = [t for t in tasks if rank.get(t.section, len(order)) <= rank[section]]
    position = (max(t.position for t in before) + 1) if before else 1
    for t in tasks:
        if t.position >= position:
            t.position += 1
    return position


def _jsonable(values: dict) -> dict:
    return {k: v for k, v in values.items() if k != "lead_agency_id"}


def create_task(plan: Plan, fields: dict, user) -> Task:
    """A new task of the plan, placed at the end of its section; audited."""
    values = task_values(plan, fields)
    _unique(plan, values["section"], values["no"], None)
    task = Task(plan_id=plan.id, position=_position_after_section(plan, values["section"]), active=True, **values)
    db.session.add(task)
    db.session.flush()
    record(user.id, "create", "task", task.id, plan=plan.slug, task=task.label, values=_jsonable(values))
    return task


def update_task(task: Task, fields: dict, user) -> dict:
    """Change a task (its words, lead, partners, product, schedule, activity kinds); audited with old and new."""
    plan = task.plan
    values = task_values(plan, fields)
    _unique(plan, values["section"], values["no"], task.id)
    _guard_evidence(task, values, plan)
    old_lead = task.lead_agency.code if task.lead_agency else LEAD_COMMUNES
    changed = {k: [getattr(task, k), v] for k, v in values.items() if getattr(task, k) != v}
    if "lead_agency_id" in changed:
        changed["lead"] = [old_lead, fields.get("lead")]
        del changed["lead_agency_id"]
    if changed:
        for key, value in values.items():
            setattr(task, key, value)
        db.session.flush()
        db.session.refresh(task, ["lead_agency"])
        record(user.id, "update", "task", task.id, plan=plan.slug, task=task.label, changed=changed)
    return changed


def set_task_active(task: Task, active: bool, user) -> None:
    """Retire a task (it leaves the register, pages and reminders from now; its products stay) or bring it back."""
    if task.active != active:
        task.active = active
        db.session.flush()
        record(user.id, "restore" if active else "retire", "task", task.id, plan=task.plan.slug, task=task.label)
