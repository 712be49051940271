"""`flask scheduler`: one BlockingScheduler (APScheduler 3) with its jobs in the app database, behind a lease."""

import logging
import os
import signal
import socket
import time
import uuid
from datetime import timedelta

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from app.extensions import db
from app.formatting import TZ
from app.models.types import utcnow
from app.scheduler import jobs, lock

log = logging.getLogger(__name__)

ENTRY_POINT = "app.scheduler.jobs:scheduled"


def new_holder() -> str:
    """An id for this process's lease: host, pid and a random part."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def wait_for_lock(app, holder: str, lease: timedelta, poll_seconds: float, echo=print) -> None:
    """Block until this process holds the lease; a second scheduler waits here instead of running jobs twice."""
    waiting = False
    while True:
        with app.app_context():
            if lock.try_acquire(holder, utcnow(), lease):
                return
        if not waiting:
            echo("Một bộ lập lịch khác đang chạy; chờ đến khi nó dừng…")
            waiting = True
        time.sleep(poll_seconds)


def build_scheduler(app, holder: str, lease: timedelta, test_job: str | None = None,
                    test_delay: float = 3.0) -> BlockingScheduler:
    """The scheduler: the jobs on cron triggers in Asia/Ho_Chi_Minh, and a heartbeat that renews the lease."""
    with app.app_context():
        engine = db.engine
    scheduler = BlockingScheduler(
        timezone=TZ,
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename="apscheduler_jobs"),
                   "memory": MemoryJobStore()},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 3600},
    )
    for spec in jobs.JOBS.values():
        scheduler.add_job(ENTRY_POINT, CronTrigger(timezone=TZ, **spec.cron), args=[spec.name], id=spec.name,
                          name=spec.label, replace_existing=True)

    def heartbeat():
        """Renew the lease; if another process took it, stop rather than run jobs twice."""
        with app.app_context():
            if not lock.try_acquire(holder, utcnow(), lease):
                log.error("scheduler lost its lock; stopping")
                scheduler.shutdown(wait=False)

    scheduler.add_job(heartbeat, "interval", seconds=max(lease.total_seconds() / 3, 1), id="heartbeat",
                      jobstore="memory")
    if test_job:
        # Test-only (LANTOA_SCHEDULER_TEST_JOB): run one job a few seconds from now.
        run_at = utcnow() + timedelta(seconds=test_delay)
        scheduler.add_job(ENTRY_POINT, DateTrigger(run_at), args=[test_job], id=f"test-{test_job}",
                          replace_existing=True)
    return scheduler


def run(app, lease_seconds: float = 60, poll_seconds: float = 5, echo=print) -> None:
    """Wait for the lease, then run the scheduler until SIGTERM/SIGINT; release the lease on the way out."""
    holder = new_holder()
    lease = timedelta(seconds=lease_seconds)
    wait_for_lock(app, holder, lease, poll_seconds, echo)
    jobs.bind(app, holder)
    test_job = os.environ.get("LANTOA_SCHEDULER_TEST_JOB") or None
    if test_job and test_job not in jobs.JOBS:
        raise SystemExit(f"unknown test job {test_job!r}")
    scheduler = build_scheduler(app, holder, lease, test_job,
                                float(os.environ.get("LANTOA_SCHEDULER_TEST_DELAY", "3")))

    def stop(signum, frame):
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    echo(f"Bộ lập lịch đang chạy ({holder}), múi giờ Asia/Ho_Chi_Minh.")
    try:
        scheduler.start()
    finally:
        with app.app_context():
            lock.release(holder)
        echo("Bộ lập lịch đã dừng.")
