"""Communication activities (SPEC §3) and their photos."""

from datetime import date, datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.domain.kinds import KINDS, STATUSES
from app.extensions import db
from app.models.org import Commune
from app.models.types import UTCDateTime, utcnow
from app.models.users import User


class Activity(db.Model):
    """A communication activity of a commune, of an agency (SPEC §13), or of the city when both are NULL."""

    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(f"kind IN {tuple(KINDS)!r}", name="kind"),
        CheckConstraint(f"status IN {STATUSES!r}", name="status"),
        CheckConstraint("end_at >= start_at", name="end_after_start"),
        CheckConstraint("status <> 'cancelled' OR cancel_reason IS NOT NULL", name="cancel_has_reason"),
        CheckConstraint("commune_id IS NULL OR agency_id IS NULL", name="one_owner"),
        Index("ix_activities_commune_kind_date", "commune_id", "kind", "evidence_date"),
        Index("ix_activities_start_at", "start_at"),
        # The compliance loader reads only this index: kinds × date ranges, held or planned (bench/compliance.py).
        Index("ix_activities_kind_date", "kind", "evidence_date", "status", "commune_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"), index=True)
    # An agency's activity counts for city-level requirements and its own tasks, never for a commune's duties.
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    title: Mapped[str] = mapped_column(String(300))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The date that counts for campaign duties (local start date; an advisory's document date).
    evidence_date: Mapped[date] = mapped_column(Date, index=True)
    venue: Mapped[str] = mapped_column(String(300), default="")
    organiser: Mapped[str] = mapped_column(String(200), default="")
    partners: Mapped[list] = mapped_column(JSON, default=list)
    audiences: Mapped[list] = mapped_column(JSON, default=list)
    messages: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="planned", index=True)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    results: Mapped[dict] = mapped_column(JSON, default=dict)
    links: Mapped[list] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    # QR check-in (SPEC §5): the nonce signs the poster token; regenerating it revokes the old QR.
    qr_nonce: Mapped[str | None] = mapped_column(String(32))
    # The short random token in the poster URL (/c/<token>, issue 16); replaced with the nonce on "regenerate QR".
    public_token: Mapped[str | None] = mapped_column(String(16), unique=True)
    checkin_open_minutes_before: Mapped[int] = mapped_column(Integer, default=120)
    checkin_close_minutes_after: Mapped[int] = mapped_column(Integer, default=360)
    preregistration: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    commune: Mapped[Commune | None] = relationship()
    agency: Mapped["Agency | None"] = relationship()  # noqa: F821 — app.models.agencies
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])
    photos: Mapped[list["Photo"]] = relationship(back_populates="activity", cascade="all, delete-orphan",
                                                 order_by="Photo.id")

    @property
    def kind_spec(self):
        """The kind's label, QR capability and result fields."""
        return KINDS[self.kind]

    @property
    def qr_capable(self) -> bool:
        """Whether residents check in to this kind by QR."""
        return KINDS[self.kind].qr

    def __repr__(self) -> str:
        return f"<Activity {self.id} {self.kind} {self.status}>"


class RetiredPublicToken(db.Model):
    """A poster token replaced by "regenerate QR": its URL answers "mã QR đã được thay", not "invalid"."""

    __tablename__ = "retired_public_tokens"

    token: Mapped[str] = mapped_column(String(16), primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Photo(db.Model):
    """A photo of an activity, stored under instance/uploads with a random name, with a thumbnail."""

    __tablename__ = "activity_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    thumb_name: Mapped[str] = mapped_column(String(64))
    content_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int] = mapped_column(Integer)
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity: Mapped[Activity] = relationship(back_populates="photos")
