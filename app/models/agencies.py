"""Agencies, the plans' task register and the products submitted for it (SPEC §13, §14)."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.org import City, Commune
from app.models.types import UTCDateTime, utcnow

AGENCY_KINDS = ("state", "mass", "media", "insurance")
LEAD_TYPES = ("agency", "communes")
TASK_SUBMISSION_SOURCES = ("online", "paper")


class Agency(db.Model):
    """An organisation unit of a city beside the communes: a sở/ngành, an đoàn thể, a báo/đài or BHXH."""

    __tablename__ = "agencies"
    __table_args__ = (
        UniqueConstraint("city_id", "code", name="uq_agencies_city_code"),
        CheckConstraint(f"kind IN {AGENCY_KINDS!r}", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    code: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    city: Mapped[City] = relationship()

    def __repr__(self) -> str:
        return f"<Agency {self.code} {self.name}>"


class Plan(db.Model):
    """A plan of the city (Kế hoạch …/KH-UBND) and the years it covers; its tasks are the register."""

    __tablename__ = "plans"
    __table_args__ = (CheckConstraint("end_year >= start_year", name="years_in_order"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(Text)
    number: Mapped[str] = mapped_column(String(200), default="")
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    sections: Mapped[list] = mapped_column(JSON, default=list)  # [[code, title]] in the plan's order
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    city: Mapped[City] = relationship()
    tasks: Mapped[list["Task"]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                               order_by="Task.position")

    def __repr__(self) -> str:
        return f"<Plan {self.slug}>"


class Task(db.Model):
    """One row of a plan's appendix: the plan's numbering and words, and the schedule read from its time column."""

    __tablename__ = "tasks"
    __table_args__ = (
        UniqueConstraint("plan_id", "section", "no", name="uq_tasks_plan_section_no"),
        CheckConstraint(f"lead_type IN {LEAD_TYPES!r}", name="lead_type"),
        CheckConstraint("(lead_type = 'agency') = (lead_agency_id IS NOT NULL)", name="lead_matches_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    section: Mapped[str] = mapped_column(String(8))
    no: Mapped[str] = mapped_column(String(8), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(Text)
    lead_type: Mapped[str] = mapped_column(String(10), default="agency")
    lead_agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    co_lead_codes: Mapped[list] = mapped_column(JSON, default=list)  # further lead agencies, by code
    partner_codes: Mapped[list] = mapped_column(JSON, default=list)  # agency codes; "communes" for every commune
    lead_text: Mapped[str] = mapped_column(Text, default="")  # the "Cơ quan chủ trì" column as written
    partners_text: Mapped[str] = mapped_column(Text, default="")
    product: Mapped[str] = mapped_column(Text, default="")
    time_text: Mapped[str] = mapped_column(Text, default="")  # the "Thời gian thực hiện" column as written
    schedule: Mapped[dict] = mapped_column(JSON)  # app.compliance.schedules.Schedule.to_dict()
    kinds: Mapped[list] = mapped_column(JSON, default=list)  # activity kinds that count as its product
    active: Mapped[bool] = mapped_column(Boolean, default=True)  # retired tasks keep their history

    plan: Mapped[Plan] = relationship(back_populates="tasks")
    lead_agency: Mapped[Agency | None] = relationship()

    @property
    def label(self) -> str:
        """The plan's numbering, e.g. "III.12"."""
        return f"{self.section}.{self.no}" if self.no else self.section

    @property
    def lead_codes(self) -> list[str]:
        """Every agency that leads it (the first one named first)."""
        if self.lead_agency is None:
            return []
        return [self.lead_agency.code, *[c for c in self.co_lead_codes or () if c != self.lead_agency.code]]


class TaskSubmission(db.Model):
    """A product for one task instance (task × period × unit): a file or a link, or a paper one received."""

    __tablename__ = "task_submissions"
    __table_args__ = (
        CheckConstraint(f"source IN {TASK_SUBMISSION_SOURCES!r}", name="source"),
        CheckConstraint("(agency_id IS NULL) <> (commune_id IS NULL)", name="one_unit"),
        Index("ix_task_submissions_task_period", "task_id", "period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("tasks.id", ondelete="CASCADE"))
    period: Mapped[str] = mapped_column(String(16))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    doc_number: Mapped[str] = mapped_column(String(100), default="")
    doc_date: Mapped[date | None] = mapped_column(Date)
    url: Mapped[str] = mapped_column(String(1000), default="")
    stored_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    content_type: Mapped[str] = mapped_column(String(100), default="")
    size: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    # The local date that counts (a paper product's date of receipt).
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(8), default="online")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    task: Mapped[Task] = relationship()
    agency: Mapped[Agency | None] = relationship()
    commune: Mapped[Commune | None] = relationship()

    @property
    def unit_code(self) -> str:
        """The code of the unit it was made for."""
        return self.agency.code if self.agency is not None else self.commune.code

    @property
    def counts(self) -> bool:
        """Whether it still counts (not withdrawn)."""
        return self.withdrawn_at is None
