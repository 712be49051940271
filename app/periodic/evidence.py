"""A submitted consolidated report is the evidence of the plan task it answers (SPEC §15 → §14).

The reporting calendar names those tasks per period kind (`consolidated_evidence` in
`app/data/reporting_calendar.json`): in Hải Phòng's plan 2026–2030, task VI.1 — Sở Nội vụ's yearly draft report of
UBND thành phố, "Định kỳ, trước ngày 25/12 hằng năm" — is answered by the annual consolidated report. Submitting it
records a product on the task instance whose window holds the period's cut-off day, for the task's lead agency,
with a link to the frozen PDF; the task register then judges it as any other product (on time or late).
A plan the city does not have, a retired task, or an instance that already has this product records nothing.
"""

from datetime import date

from sqlalchemy import select

from app.compliance.schedules import Schedule, periods
from app.extensions import db
from app.models import PeriodicReport, Plan, ReportingPeriod, Task, TaskSubmission
from app.periodic.calendar import calendar_settings


def answered_tasks(city_id: int, period_kind: str) -> list[Task]:
    """The active tasks of the city's plans that the consolidated report of this kind of period answers."""
    wanted = calendar_settings().get("consolidated_evidence", {}).get(period_kind, [])
    found = []
    for item in wanted:
        task = db.session.scalar(
            select(Task).join(Plan).where(Plan.city_id == city_id, Plan.slug == item["plan"], Plan.active.is_(True),
                                          Task.section == item["section"], Task.no == item["no"],
                                          Task.active.is_(True)))
        if task is not None and task.lead_agency_id is not None:
            found.append(task)
    return found


def instance_key(task: Task, day: date) -> str | None:
    """The key of the task's window that holds `day` (None when no window of the plan's years does)."""
    for window in periods(Schedule.from_dict(task.schedule), task.plan.start_year, task.plan.end_year):
        if (window.start is None or window.start <= day) and (window.end is None or day <= window.end):
            return window.key
    return None


def record_evidence(city_id: int, period: ReportingPeriod, report: PeriodicReport, pdf_url: str, user_id: int,
                    today: date) -> list[TaskSubmission]:
    """Record the submitted consolidated report as the product of each task it answers; flushes, returns them."""
    added = []
    for task in answered_tasks(city_id, period.kind):
        key = instance_key(task, period.data_end)
        if key is None:
            continue
        exists = db.session.scalar(select(TaskSubmission.id).where(
            TaskSubmission.task_id == task.id, TaskSubmission.period == key, TaskSubmission.url == pdf_url,
            TaskSubmission.withdrawn_at.is_(None)))
        if exists is not None:
            continue
        submission = TaskSubmission(
            task_id=task.id, period=key, agency_id=task.lead_agency_id, source="online", url=pdf_url,
            title=f"Báo cáo tổng hợp {period.label} (gửi trong ứng dụng)"[:300], submitted_on=today,
            submitted_by_id=user_id, note=f"Báo cáo tổng hợp kỳ {period.key}, bản PDF đã chốt khi gửi.")
        db.session.add(submission)
        added.append(submission)
    db.session.flush()
    return added
