"""Task reminders (SPEC §10, §14): 7/3/1 days before, when overdue, and the weekly digest; once per key."""

from datetime import UTC, date, datetime

from sqlalchemy import select

from app.compliance.schedules import parse_time
from app.compliance.tasks import LEAD_AGENCY, TaskSpec, evaluate_tasks
from app.models import Notification
from app.scheduler.jobs import run_job
from app.tasks.reminders import task_alerts


def _alerts(as_of):
    task = TaskSpec(1, "VI", "1", "…", parse_time("Định kỳ, trước ngày 25/12 hằng năm"), LEAD_AGENCY, ("SNV",))
    return [(a.kind, a.period, a.days_left) for a in task_alerts(evaluate_tasks([task], [], [], [], as_of, 2026, 2027))]


def test_reminders_come_7_3_and_1_days_before_24_december_and_the_day_after_it():
    assert _alerts(date(2026, 12, 17)) == [("due", "2026", 7)]
    assert _alerts(date(2026, 12, 21)) == [("due", "2026", 3)]
    assert _alerts(date(2026, 12, 23)) == [("due", "2026", 1)]
    assert _alerts(date(2026, 12, 25)) == [("overdue", "2026", -1)]
    assert _alerts(date(2026, 12, 22)) == [] and _alerts(date(2026, 12, 26)) == []


def test_job_reminds_the_lead_agencys_users_once(db, agency_user, make_user):
    snv, syt = agency_user("SNV"), agency_user("SYT", "cq_syt")
    make_user("city")
    now = datetime(2026, 12, 17, 0, 5, tzinfo=UTC)
    first = run_job("task_reminders", as_of=date(2026, 12, 17), now=now)
    again = run_job("task_reminders", as_of=date(2026, 12, 17), now=now)
    assert first.error is None and first.result["notifications"] >= 1 and again.result["notifications"] == 0
    texts = db.session.scalars(select(Notification.text).where(Notification.user_id == snv.id)).all()
    assert any("VI.1" in t and "Còn 7 ngày đến hạn 24/12/2026" in t for t in texts)
    assert not any("VI.1" in t for t in db.session.scalars(select(Notification.text)
                                                            .where(Notification.user_id == syt.id)))


def test_weekly_digest_tells_the_city_office_what_is_overdue_once_a_week(db, make_user):
    office = make_user("city")
    monday = date(2026, 7, 6)
    first = run_job("task_overdue_digest", as_of=monday, now=datetime(2026, 7, 6, 0, 30, tzinfo=UTC))
    again = run_job("task_overdue_digest", as_of=date(2026, 7, 8), now=datetime(2026, 7, 8, 0, 30, tzinfo=UTC))
    assert first.result["notifications"] == 1 and again.result["notifications"] == 0
    [text] = db.session.scalars(select(Notification.text).where(Notification.user_id == office.id)).all()
    assert text.startswith("Tuần 28/2026") and "UBND xã, phường, đặc khu: " in text
