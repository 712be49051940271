"""QR attendance (SPEC §5): check-ins of residents at an activity and pre-registration tickets."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.activities import Activity
from app.models.org import Commune
from app.models.types import UTCDateTime, utcnow

BHYT_STATUSES = ("valid", "none", "expired")
CHECKIN_SOURCES = ("self", "ticket", "staff", "import")


class _Person:
    """The personal fields shared by a check-in and a registration (one schema, SPEC §5)."""

    full_name: Mapped[str] = mapped_column(String(120))
    # Normalised: 10 digits starting with 0; NULL when the person gave none (cannot be de-duplicated).
    phone: Mapped[str | None] = mapped_column(String(10))
    birth_year: Mapped[int | None] = mapped_column(Integer)
    audience: Mapped[int | None] = mapped_column(Integer)
    residence_commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    bhyt_status: Mapped[str | None] = mapped_column(String(8))
    topics: Mapped[str] = mapped_column(String(500), default="")
    consent: Mapped[bool] = mapped_column(Boolean, default=False)
    # Lower-case, unaccented name for the scanner's search-as-you-type.
    name_key: Mapped[str] = mapped_column(String(120), default="")


PERSON_COLUMNS = tuple(_Person.__annotations__)  # the person's columns, shared by both tables


class Registration(_Person, db.Model):
    """A pre-registration for an activity; its signed ticket is the person's personal QR."""

    __tablename__ = "checkin_registrations"
    __table_args__ = (
        UniqueConstraint("activity_id", "phone"),
        UniqueConstraint("activity_id", "nonce"),  # the form's nonce: a double tap registers once, phone or not
        CheckConstraint("consent", name="consent_given"),
        CheckConstraint("audience IS NULL OR audience BETWEEN 1 AND 6", name="audience"),
        CheckConstraint(f"bhyt_status IS NULL OR bhyt_status IN {BHYT_STATUSES!r}", name="bhyt_status"),
        Index("ix_checkin_registrations_activity_name", "activity_id", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    # Today the ticket itself (a short random token, issue 16); in older rows the nonce inside a signed ticket.
    ticket_nonce: Mapped[str] = mapped_column(String(32), unique=True)
    nonce: Mapped[str | None] = mapped_column(String(64))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity: Mapped[Activity] = relationship()
    residence: Mapped[Commune | None] = relationship()


class CheckIn(_Person, db.Model):
    """One person's attendance at one activity; the same phone or client nonce is stored once."""

    __tablename__ = "checkins"
    __table_args__ = (
        UniqueConstraint("activity_id", "phone"),
        UniqueConstraint("activity_id", "nonce"),
        UniqueConstraint("activity_id", "registration_id"),
        CheckConstraint("consent", name="consent_given"),
        CheckConstraint("audience IS NULL OR audience BETWEEN 1 AND 6", name="audience"),
        CheckConstraint(f"bhyt_status IS NULL OR bhyt_status IN {BHYT_STATUSES!r}", name="bhyt_status"),
        CheckConstraint(f"source IN {CHECKIN_SOURCES!r}", name="source"),
        Index("ix_checkins_activity_name", "activity_id", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(8))
    nonce: Mapped[str | None] = mapped_column(String(64))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("checkin_registrations.id", ondelete="SET NULL"))
    code: Mapped[str] = mapped_column(String(8), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    activity: Mapped[Activity] = relationship()
    residence: Mapped[Commune | None] = relationship()
    registration: Mapped[Registration | None] = relationship()

    def __repr__(self) -> str:
        return f"<CheckIn {self.id} activity={self.activity_id} {self.source}>"


class ImportUpload(db.Model):
    """An attendee list read once at upload (app/checkin/attendee_import.py), kept as parsed rows until it is
    confirmed or cancelled, 24 hours at most (issue 22 items 5 and 7).

    `state` goes pending → confirming (one request claims it with one UPDATE) → done, so that two confirms (a
    double click, two tabs) write the rows once and the second is told so; `rows` is emptied once done.
    """

    __tablename__ = "import_uploads"
    __table_args__ = (CheckConstraint("state IN ('pending', 'confirming', 'done')", name="state"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # the random id in the preview's URL
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    encoding: Mapped[str] = mapped_column(String(20))
    total: Mapped[int] = mapped_column(Integer)  # data rows the file had (more than `rows` past the limit)
    rows: Mapped[list | None] = mapped_column(JSON)  # header first, then the kept data rows, as text
    state: Mapped[str] = mapped_column(String(10), default="pending")
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created: Mapped[int | None] = mapped_column(Integer)  # what the confirmation wrote, for a repeated request
    duplicates: Mapped[int | None] = mapped_column(Integer)
    errors: Mapped[int | None] = mapped_column(Integer)
