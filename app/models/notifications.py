"""Notifications, the nightly compliance snapshots, and the scheduler's bookkeeping (SPEC §10)."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    Unicode,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.users import User


class Notification(db.Model):
    """One message to one user (the bell); `key` makes every reminder idempotent per user."""

    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "key"),
        Index("ix_notifications_user_unread", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} user={self.user_id}>"


class ComplianceSnapshot(db.Model):
    """The matrix counts of one campaign at the end of one day, for the dashboard's trend chart."""

    __tablename__ = "compliance_snapshots"
    __table_args__ = (UniqueConstraint("campaign_slug", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_slug: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    counts: Mapped[dict] = mapped_column(JSON, default=dict)  # {"<duty no>": {status: n}}
    summary: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JobRun(db.Model):
    """One run of a scheduled job (by the scheduler, the CLI or the admin's "run now")."""

    __tablename__ = "job_runs"
    __table_args__ = (Index("ix_job_runs_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(16), default="schedule")  # schedule | cli | manual
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    as_of: Mapped[date | None] = mapped_column(Date)
    result: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(Text)

    @property
    def ok(self) -> bool:
        """Finished without an error."""
        return self.finished_at is not None and self.error is None


class SchedulerLock(db.Model):
    """A lease: the one scheduler process that may run jobs renews `expires_at`; others wait."""

    __tablename__ = "scheduler_lock"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(120))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


# APScheduler's SQLAlchemyJobStore table, declared here (same shape as APScheduler 3 builds it) so that
# the migrations own it and autogenerate never proposes to drop it; the job store then finds it in place.
apscheduler_jobs = Table(
    "apscheduler_jobs",
    db.metadata,
    Column("id", Unicode(191), primary_key=True),
    Column("next_run_time", Float(25), index=True),
    Column("job_state", LargeBinary, nullable=False),
)
