"""Periodic-report reminders (SPEC §10, §14, §15): 7, 3 and 1 days before a period's due date and the day after it
when no report was sent, to the unit's users — the task register's rule; and the city office's "nhắc" button."""

from datetime import date, datetime

from flask import current_app

from app.extensions import db
from app.formatting import fmt_date
from app.models import City, ReportingPeriod
from app.periodic.calendar import periods_of
from app.periodic.obligations import alert_kind
from app.periodic.services import city_of, consolidation, units_of

KIND_DUE = "periodic_due"
KIND_OVERDUE = "periodic_overdue"
KIND_ASKED = "periodic_asked"


def _link(period: ReportingPeriod, code: str) -> str:
    return f"/bao-cao-dinh-ky/{period.key}/{code}"


def periodic_reminders(as_of: date, now: datetime) -> dict:
    """Daily: each unit without a report 7/3/1 days before the due date, and once the day after it (overdue)."""
    from app.notifications.services import NewNotification, add_notifications
    from app.tasks.reminders import _unit_users

    city = city_of(current_app.config["CITY"])
    if city is None:
        return {"alerts": 0, "notifications": 0}
    users = _unit_users(city.id)
    units = units_of(city.id)
    items, alerts = [], 0
    for period in periods_of(city.id):
        if not (0 <= (period.due - as_of).days <= 7 or (as_of - period.due).days == 1):  # nothing to judge
            continue
        judged = consolidation(period, units, as_of)
        for row in judged.rows:
            kind = alert_kind(judged.window, row.status, as_of)
            if kind is None:
                continue
            alerts += 1
            if kind == "due":
                left = (period.due - as_of).days
                key, text = (f"periodic-due:{period.key}:{row.unit_code}:{left}",
                             f"Còn {left} ngày đến hạn {fmt_date(period.due)}: báo cáo {period.label} chưa gửi.")
                notification_kind = KIND_DUE
            else:
                key, text = (f"periodic-overdue:{period.key}:{row.unit_code}",
                             f"Quá hạn {fmt_date(period.due)}: báo cáo {period.label} chưa gửi. Vui lòng gửi ngay.")
                notification_kind = KIND_OVERDUE
            items += [NewNotification(uid, notification_kind, key, text, _link(period, row.unit_code))
                      for uid in users.get(row.unit_code, ())]
    added = add_notifications(items, now)
    return {"alerts": alerts, "notifications": len(added)}


def remind_missing(period: ReportingPeriod, as_of: date, now: datetime, codes: set[str] | None = None) -> int:
    """The city office's reminder to the units still without a report (once per unit and day); how many were added."""
    from app.notifications.services import NewNotification, add_notifications
    from app.tasks.reminders import _unit_users

    city_id = period.city_id
    office = db.session.get(City, city_id).lead_office  # "BHXH khu vực I" in Hà Nội
    users = _unit_users(city_id)
    judged = consolidation(period, units_of(city_id), as_of)
    items = []
    for row in judged.missing:
        if row.status == "upcoming" or (codes is not None and row.unit_code not in codes):
            continue
        text = (f"{office} đề nghị gửi báo cáo {period.label} (hạn {fmt_date(period.due)}) về Sở Nội vụ, "
                f"đồng gửi {office}.")
        items += [NewNotification(uid, KIND_ASKED, f"periodic-asked:{period.key}:{row.unit_code}:{as_of.isoformat()}",
                                  text, _link(period, row.unit_code)) for uid in users.get(row.unit_code, ())]
    return len(add_notifications(items, now))
