"""Task reminders (SPEC §10, §14): 7, 3 and 1 days before each instance's due date and when it becomes
overdue, to the lead unit's users; a weekly digest of overdue instances to the city office.

`task_alerts` is pure (read off an evaluated register); the jobs add notifications once per key and flush.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.compliance.tasks import Register
from app.formatting import fmt_date

REMIND_DAYS_BEFORE = (7, 3, 1)
OPEN_STATUSES = frozenset({"pending", "planned"})
KIND_TASK_DUE = "task_due"
KIND_TASK_OVERDUE = "task_overdue"
KIND_TASK_DIGEST = "task_overdue_digest"


@dataclass(frozen=True, slots=True)
class TaskAlert:
    """One instance that needs a reminder today: `due` (7, 3 or 1 days left) or newly `overdue`."""

    kind: str
    task_id: int
    period: str
    period_label: str
    unit_code: str
    deadline: date
    days_left: int


def task_alerts(register: Register, days_before: tuple[int, ...] = REMIND_DAYS_BEFORE) -> list[TaskAlert]:
    """Open instances due `days_before` days ahead, and those whose due date was yesterday (newly overdue)."""
    as_of = register.as_of
    alerts = []
    for row in register.rows:
        for i in row.instances:
            end = i.period.end
            if end is None:
                continue
            left = (end - as_of).days
            if i.status in OPEN_STATUSES and left in days_before:
                kind = "due"
            elif i.status == "overdue" and end == as_of - timedelta(days=1):
                kind = "overdue"
            else:
                continue
            alerts.append(TaskAlert(kind, i.task_id, i.period.key, i.period.label, i.unit_code, end, left))
    return alerts


def _unit_users(city_id: int) -> dict[str, list[int]]:
    """Active users by unit code: agency users by their agency's code, commune users by their commune's."""
    from app.extensions import db
    from app.models import Agency, Commune, User

    users = defaultdict(list)
    rows = db.session.execute(select(Agency.code, User.id).join(User, User.agency_id == Agency.id)
                              .where(Agency.city_id == city_id, User.active.is_(True)).order_by(User.id))
    rows = [*rows, *db.session.execute(select(Commune.code, User.id).join(User, User.commune_id == Commune.id)
                                       .where(Commune.city_id == city_id, User.active.is_(True))
                                       .order_by(User.id))]
    for code, user_id in rows:
        users[code].append(user_id)
    return users


def _registers(as_of: date):
    """Every active plan with its whole register as of the day."""
    from app.compliance.task_loader import load_plan, load_register
    from app.extensions import db
    from app.models import Plan

    for slug in db.session.scalars(select(Plan.slug).where(Plan.active.is_(True)).order_by(Plan.slug)):
        plan = load_plan(slug)
        yield plan, load_register(plan, as_of)


def task_reminders(as_of: date, now: datetime) -> dict:
    """Daily: 7/3/1 days before each open instance's due date, and once when overdue, to the lead unit's users."""
    from app.notifications.services import NewNotification, add_notifications

    items, alerts_total = [], 0
    for plan, register in _registers(as_of):
        tasks = {t.id: t for t in plan.tasks}
        users = _unit_users(plan.city_id)
        for alert in task_alerts(register):
            alerts_total += 1
            task = tasks[alert.task_id]
            link = f"/ke-hoach/{plan.slug}/nhiem-vu/{task.id}"
            what = f"nhiệm vụ {task.label} — {task.product or task.text[:80]} ({alert.period_label})"
            if alert.kind == "due":
                kind = KIND_TASK_DUE
                key = f"task-due:{task.id}:{alert.period}:{alert.unit_code}:{alert.days_left}"
                text = f"Còn {alert.days_left} ngày đến hạn {fmt_date(alert.deadline)}: {what} chưa có sản phẩm."
            else:
                kind = KIND_TASK_OVERDUE
                key = f"task-overdue:{task.id}:{alert.period}:{alert.unit_code}"
                text = f"Quá hạn {fmt_date(alert.deadline)}: {what} chưa có sản phẩm. Vui lòng nộp ngay."
            items += [NewNotification(uid, kind, key, text, link) for uid in users.get(alert.unit_code, ())]
    added = add_notifications(items, now)
    return {"alerts": alerts_total, "notifications": len(added)}


def task_overdue_digest(as_of: date, now: datetime) -> dict:
    """Weekly: the overdue instances of every plan, by lead unit, to the city office (one per ISO week)."""
    from app.notifications.services import NewNotification, add_notifications, city_office_ids

    year, week, _ = as_of.isocalendar()
    items, total = [], 0
    office = city_office_ids()
    for plan, register in _registers(as_of):
        tasks = {t.id: t for t in plan.tasks}
        by_unit: Counter = Counter()
        for row in register.rows:
            for i in row.instances:
                if i.status == "overdue":
                    lead = "UBND xã, phường, đặc khu" if tasks[i.task_id].lead_type == "communes" else i.unit_code
                    by_unit[lead] += 1
        if not by_unit:
            continue
        total += sum(by_unit.values())
        top = ", ".join(f"{unit}: {n}" for unit, n in by_unit.most_common(8))
        text = (f"Tuần {week}/{year} — {sum(by_unit.values())} kỳ nhiệm vụ quá hạn của kế hoạch {plan.title}: {top}.")
        key = f"task-digest:{plan.slug}:{year}-W{week:02d}"
        items += [NewNotification(uid, KIND_TASK_DIGEST, key, text, f"/ke-hoach/{plan.slug}?status=overdue")
                  for uid in office]
    added = add_notifications(items, now)
    return {"overdue": total, "notifications": len(added)}
