"""The scheduled jobs (SPEC §10): each is thin — app context → a service → commit — and recorded as a JobRun."""

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from flask import current_app
from sqlalchemy import select

from app.extensions import db
from app.formatting import TZ, local
from app.models import JobRun
from app.models.notifications import apscheduler_jobs
from app.models.types import utcnow
from app.notifications import mail, services
from app.tasks.reminders import task_overdue_digest, task_reminders

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobSpec:
    """A job: its name (the CLI's JOB), a label, its cron fields (Asia/Ho_Chi_Minh) and its service."""

    name: str
    label: str
    cron: dict
    schedule_text: str
    service: Callable[..., dict]


def periodic_reminders(as_of: date, now: datetime) -> dict:
    """Daily (SPEC §15): periodic reports due in 7, 3, 1 days, and those overdue since yesterday."""
    from app.periodic.reminders import periodic_reminders as job

    return job(as_of, now)


def may_campaign(as_of: date, now: datetime) -> dict:
    """01/4 each year (SPEC §18): the city's May campaign created as a draft, and the city office told."""
    from app.notifications.may_campaign import may_campaign_job

    return may_campaign_job(as_of, now, current_app.config["CITY"])


def import_cleanup(as_of: date, now: datetime) -> dict:
    """Hourly (issue 22 item 5): attendee lists and target/actual previews (SPEC §16) neither confirmed nor
    cancelled are forgotten after 24 hours."""
    from app.checkin.attendee_import import purge_expired, purge_old_files
    from app.targets.allocation_import import purge_expired as purge_target_previews

    upload_dir = current_app.config["UPLOAD_DIR"]
    return {"uploads": purge_expired(now), "files": purge_old_files(upload_dir, now),
            "target_previews": purge_target_previews(upload_dir, now)}


JOBS = {
    spec.name: spec
    for spec in (
        JobSpec("deadline_reminders", "Nhắc hạn nhiệm vụ chiến dịch", {"hour": 7, "minute": 0},
                "Hằng ngày 07:00", services.deadline_reminders),
        JobSpec("activity_reminders", "Nhắc hoạt động sắp diễn ra", {"minute": 0},
                "Hằng giờ, phút 00", services.activity_reminders),
        JobSpec("unreported_activities", "Nhắc hoạt động chưa cập nhật kết quả", {"minute": 10},
                "Hằng giờ, phút 10", services.unreported_activities),
        JobSpec("compliance_snapshot", "Lưu ảnh chụp ma trận tuân thủ", {"hour": 23, "minute": 30},
                "Hằng đêm 23:30", services.compliance_snapshot),
        JobSpec("may_campaign", "Tạo chiến dịch Tháng vận động của năm", {"month": 4, "day": 1, "hour": 6, "minute": 0},
                "Ngày 01/4 hằng năm 06:00", may_campaign),
        JobSpec("task_reminders", "Nhắc hạn nhiệm vụ kế hoạch (7, 3, 1 ngày; quá hạn)", {"hour": 7, "minute": 5},
                "Hằng ngày 07:05", task_reminders),
        JobSpec("task_overdue_digest", "Tổng hợp hằng tuần nhiệm vụ kế hoạch quá hạn",
                {"day_of_week": "mon", "hour": 7, "minute": 30}, "Thứ Hai hằng tuần 07:30", task_overdue_digest),
        JobSpec("periodic_reminders", "Nhắc hạn báo cáo 6 tháng, năm (7, 3, 1 ngày; quá hạn)", {"hour": 7, "minute": 10},
                "Hằng ngày 07:10", periodic_reminders),
        JobSpec("import_cleanup", "Xóa tệp nhập (danh sách, chỉ tiêu) quá 24 giờ chưa xác nhận", {"minute": 20},
                "Hằng giờ, phút 20", import_cleanup),
    )
}


def replay_now(as_of: date, now: datetime | None = None) -> datetime:
    """The moment a replay for `as_of` runs at: that day at the current local time of day."""
    clock = local(now or utcnow())
    return datetime.combine(as_of, clock.timetz().replace(tzinfo=None), TZ).astimezone(UTC)


def run_job(name: str, as_of: date | None = None, now: datetime | None = None, trigger: str = "schedule") -> JobRun:
    """Run one job (scheduler, CLI or "run now"), record it as a JobRun, e-mail what it added; errors are recorded, not raised."""
    spec = JOBS[name]
    if now is None:
        now = replay_now(as_of) if as_of else utcnow()
    as_of = as_of or local(now).date()
    run = JobRun(job=name, trigger=trigger, started_at=utcnow(), as_of=as_of)
    db.session.add(run)
    db.session.commit()
    run_id = run.id
    try:
        result = spec.service(as_of=as_of, now=now)
        db.session.commit()
        result["emails"] = mail.deliver_pending(current_app.config, now)
        db.session.commit()
        error = None
    except Exception:  # a job must never take the scheduler down: record the failure and go on
        db.session.rollback()
        log.exception("job %s failed", name)
        result, error = None, traceback.format_exc(limit=5)[-4000:]
    run = db.session.get(JobRun, run_id)
    run.finished_at, run.result, run.error = utcnow(), result, error
    db.session.commit()
    return run


# The scheduler process binds its app and lease holder here; APScheduler calls `scheduled` by its textual reference.
_bound: dict = {}


def bind(app, holder: str) -> None:
    """Give the scheduled entry point its app and the holder id of this process's lease."""
    _bound.update(app=app, holder=holder)


def scheduled(name: str) -> None:
    """Entry point of a scheduled run: only while this process still holds the lease (never twice across processes)."""
    from app.scheduler import lock

    app = _bound["app"]
    with app.app_context():
        if not lock.holds(_bound["holder"], utcnow()):
            log.warning("job %s skipped: this scheduler no longer holds the lock", name)
            return
        run_job(name, trigger="schedule")


@dataclass(frozen=True)
class JobStatus:
    """What the admin page and `jobs list` show for one job."""

    spec: JobSpec
    last_run: JobRun | None
    next_run: datetime | None


def overview() -> list[JobStatus]:
    """Each job's last run and next run (from the scheduler's job store)."""
    next_runs = {}
    for job_id, next_run_time in db.session.execute(
        select(apscheduler_jobs.c.id, apscheduler_jobs.c.next_run_time)
    ).all():
        if next_run_time is not None:
            next_runs[job_id] = datetime.fromtimestamp(next_run_time, UTC)
    statuses = []
    for spec in JOBS.values():
        last = db.session.scalar(
            select(JobRun).where(JobRun.job == spec.name).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(1)
        )
        statuses.append(JobStatus(spec, last, next_runs.get(spec.name)))
    return statuses
