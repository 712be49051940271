"""Organisation: the city, its commune-level units, audiences and official messages (SPEC §2, §7, §8)."""

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

COMMUNE_KINDS = ("phuong", "xa", "dac_khu")


class City(db.Model):
    """A province-level city (Hải Phòng by default; Hà Nội by configuration)."""

    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(32), unique=True)
    code: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(100))
    full_name: Mapped[str] = mapped_column(String(150))
    lead_office: Mapped[str] = mapped_column(String(200))

    communes: Mapped[list["Commune"]] = relationship(back_populates="city")


class Commune(db.Model):
    """A commune-level unit: phường, xã or đặc khu (after the 01/7/2025 reform)."""

    __tablename__ = "communes"
    __table_args__ = (CheckConstraint(f"kind IN {COMMUNE_KINDS!r}", name="kind"),)
    __scope_column__ = "id"  # a commune user sees only their own commune

    id: Mapped[int] = mapped_column(primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    code: Mapped[str] = mapped_column(String(5), unique=True)
    name: Mapped[str] = mapped_column(String(150))
    kind: Mapped[str] = mapped_column(String(10))

    city: Mapped[City] = relationship(back_populates="communes")

    def __repr__(self) -> str:
        return f"<Commune {self.code} {self.name}>"


class Audience(db.Model):
    """A target audience group of the 2026–2030 plan (seed 000 §III); numbered 1–6."""

    __tablename__ = "audiences"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    short_name: Mapped[str] = mapped_column(String(150))
    text: Mapped[str] = mapped_column(Text)


class Message(db.Model):
    """An official campaign message (seed 002 §II.2), numbered 1–19 in the plan's order."""

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    text: Mapped[str] = mapped_column(Text)
