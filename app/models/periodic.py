"""Periodic reports (SPEC §15, seed 000 §VIII): the reporting calendar, each unit's report, its frozen history."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.agencies import Agency
from app.models.org import City, Commune
from app.models.types import UTCDateTime, utcnow
from app.models.users import User

PERIOD_KINDS = ("half_year", "year", "ad_hoc")
UNIT_TYPES = ("commune", "agency", "city")  # "city": the consolidated report for UBND thành phố
REPORT_STATES = ("draft", "submitted")
REPORT_SOURCES = ("online", "paper")


class ReportingPeriod(db.Model):
    """One period of the reporting calendar: its data cut-off window and its due date (editable data)."""

    __tablename__ = "reporting_periods"
    __table_args__ = (
        UniqueConstraint("city_id", "key", name="uq_reporting_periods_city_key"),
        CheckConstraint(f"kind IN {PERIOD_KINDS!r}", name="kind"),
        CheckConstraint("data_start <= data_end", name="window_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    key: Mapped[str] = mapped_column(String(24))  # "2026-H1", "2026-Y", "2026-DX1"
    kind: Mapped[str] = mapped_column(String(10))
    label: Mapped[str] = mapped_column(String(200))
    data_start: Mapped[date] = mapped_column(Date)
    data_end: Mapped[date] = mapped_column(Date)
    due: Mapped[date] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")  # an ad-hoc request's subject
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    city: Mapped[City] = relationship()


class PeriodicReport(db.Model):
    """A unit's report for one period: a draft, then submitted (figures and PDF frozen); one per unit and period."""

    __tablename__ = "periodic_reports"
    __table_args__ = (
        UniqueConstraint("period_id", "unit_type", "unit_code", name="uq_periodic_reports_period_unit"),
        CheckConstraint(f"unit_type IN {UNIT_TYPES!r}", name="unit_type"),
        CheckConstraint(f"state IN {REPORT_STATES!r}", name="state"),
        CheckConstraint(f"source IN {REPORT_SOURCES!r}", name="source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("reporting_periods.id", ondelete="CASCADE"), index=True)
    unit_type: Mapped[str] = mapped_column(String(8))
    unit_code: Mapped[str] = mapped_column(String(16))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    sections: Mapped[dict] = mapped_column(JSON, default=dict)  # ket_qua, han_che, kho_khan, de_xuat
    figures: Mapped[dict | None] = mapped_column(JSON)  # frozen at submission
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)  # frozen at submission
    version: Mapped[int] = mapped_column(Integer, default=1)
    submitted_on: Mapped[date | None] = mapped_column(Date)  # the local date that counts (paper: received)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(8), default="online")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    period: Mapped[ReportingPeriod] = relationship()
    commune: Mapped[Commune | None] = relationship()
    agency: Mapped[Agency | None] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])

    @property
    def submitted(self) -> bool:
        """Whether it is submitted (frozen)."""
        return self.state == "submitted"


class PeriodicReportVersion(db.Model):
    """A frozen copy kept when an admin reopens a submitted report (its history)."""

    __tablename__ = "periodic_report_versions"
    __table_args__ = (UniqueConstraint("report_id", "version", name="uq_periodic_report_versions_report_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("periodic_reports.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    sections: Mapped[dict] = mapped_column(JSON, default=dict)
    figures: Mapped[dict | None] = mapped_column(JSON)
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reopened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reopened_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(Text, default="")
