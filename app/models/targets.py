"""Participation targets 2026–2030 and the actual figures the city office records (SPEC §9)."""

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.models.types import UTCDateTime, utcnow


class Target(db.Model):
    """A yearly target of a metric (participants, voluntary participants, coverage rates)."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("year", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)


class TargetActual(db.Model):
    """The actual figure of a metric at the end of a month, recorded by the city office."""

    __tablename__ = "target_actuals"
    __table_args__ = (UniqueConstraint("year", "month", "metric"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    metric: Mapped[str] = mapped_column(String(40))
    value: Mapped[float] = mapped_column(Float)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class _CommuneFigures:
    """The three figures of the commune allocation (SPEC §16): BHXH bắt buộc and tự nguyện participants, BHYT %."""

    bhxh_bat_buoc: Mapped[int] = mapped_column(Integer)
    bhxh_tu_nguyen: Mapped[int] = mapped_column(Integer)
    bhyt_rate: Mapped[float] = mapped_column(Float)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class CommuneTarget(_CommuneFigures, db.Model):
    """A commune's yearly target ("bảng phân bổ chi tiết", seed 003 Phụ lục I.2–I.5); the city total stays `Target`."""

    __tablename__ = "commune_targets"
    __table_args__ = (UniqueConstraint("commune_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)


class CommuneActual(_CommuneFigures, db.Model):
    """A commune's actual figures at the end of a month, from the BHXH data system."""

    __tablename__ = "commune_actuals"
    __table_args__ = (UniqueConstraint("commune_id", "year", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)


class Shortfall(db.Model):
    """Why a commune is below its pro-rata target in a year, as the city office records it (seed 000 §V.7:
    "xác định rõ nguyên nhân, trách nhiệm và giải pháp khắc phục cụ thể")."""

    __tablename__ = "target_shortfalls"
    __table_args__ = (UniqueConstraint("commune_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    cause: Mapped[str] = mapped_column(Text, default="")
    responsibility: Mapped[str] = mapped_column(Text, default="")
    remedy: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class EmulationWeights(db.Model):
    """The weights of the emulation score of a year, set by the city office (SPEC §16); a year without a row uses
    the shipped default (40 % duties, 20 % tasks, 40 % targets)."""

    __tablename__ = "emulation_weights"
    __table_args__ = (UniqueConstraint("city_id", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    duties: Mapped[float] = mapped_column(Float)
    tasks: Mapped[float] = mapped_column(Float)
    targets: Mapped[float] = mapped_column(Float)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
