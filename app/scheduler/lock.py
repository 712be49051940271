"""A lease in the database so that only one scheduler process runs jobs (works on SQLite and PostgreSQL)."""

from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from app.extensions import db
from app.models import SchedulerLock

LOCK_NAME = "scheduler"


def try_acquire(holder: str, now: datetime, lease: timedelta) -> bool:
    """Take or renew the lease: ours already, expired, or never taken. One UPDATE/INSERT, so two callers cannot both win."""
    expires = now + lease
    try:
        renewed = db.session.execute(
            update(SchedulerLock).where(SchedulerLock.name == LOCK_NAME, SchedulerLock.holder == holder)
            .values(expires_at=expires)
        ).rowcount
        if not renewed:
            renewed = db.session.execute(
                update(SchedulerLock).where(SchedulerLock.name == LOCK_NAME, SchedulerLock.expires_at < now)
                .values(holder=holder, acquired_at=now, expires_at=expires)
            ).rowcount
        if not renewed:
            if db.session.get(SchedulerLock, LOCK_NAME) is not None:
                db.session.rollback()
                return False
            db.session.add(SchedulerLock(name=LOCK_NAME, holder=holder, acquired_at=now, expires_at=expires))
        db.session.commit()
        return True
    except (IntegrityError, OperationalError):
        db.session.rollback()  # the other process inserted first, or kept the database busy
        return False


def holds(holder: str, now: datetime) -> bool:
    """Whether `holder` has an unexpired lease."""
    lock = db.session.scalar(select(SchedulerLock).where(SchedulerLock.name == LOCK_NAME))
    return lock is not None and lock.holder == holder and lock.expires_at > now


def release(holder: str) -> None:
    """Give the lease up (on a clean stop), so another scheduler can start at once."""
    db.session.execute(delete(SchedulerLock).where(SchedulerLock.name == LOCK_NAME, SchedulerLock.holder == holder))
    db.session.commit()


def current() -> SchedulerLock | None:
    """The lease row, if any (for the admin page)."""
    return db.session.get(SchedulerLock, LOCK_NAME)
