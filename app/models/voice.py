"""Residents' voice (SPEC §17): questions, follow-ups of people without a valid BHYT card, satisfaction ratings."""

from datetime import date, datetime

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.activities import Activity
from app.models.checkins import CheckIn
from app.models.types import UTCDateTime, utcnow
from app.models.users import User

# SPEC §17: BHYT, BHXH tự nguyện, BHXH bắt buộc, chế độ hưởng, thủ tục, khác.
TOPICS = {
    "bhyt": "BHYT",
    "bhxh_tu_nguyen": "BHXH tự nguyện",
    "bhxh_bat_buoc": "BHXH bắt buộc",
    "che_do": "Chế độ hưởng",
    "thu_tuc": "Thủ tục",
    "khac": "Khác",
}
QUESTION_STATUSES = ("new", "assigned", "answered", "closed")
QUESTION_SOURCES = ("self", "staff")
FOLLOWUP_OUTCOMES = ("enrolled_bhyt", "enrolled_bhxh", "declined", "unreachable")
ENROLLED = ("enrolled_bhyt", "enrolled_bhxh")
FOLLOWED_BHYT = ("none", "expired")  # the BHYT statuses that make a check-in a follow-up item


class Question(db.Model):
    """A resident's question at an activity, answered by staff; public ones form the FAQ (`/hoi-dap`)."""

    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint(f"topic IN {tuple(TOPICS)!r}", name="topic"),
        CheckConstraint(f"status IN {QUESTION_STATUSES!r}", name="status"),
        CheckConstraint(f"source IN {QUESTION_SOURCES!r}", name="source"),
        Index("ix_questions_commune_status", "commune_id", "status"),
        Index("ix_questions_public_topic", "public", "topic"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    # The activity's commune, copied so every queue is scoped by one indexed column (NULL = city level).
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="SET NULL"), index=True)
    source: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(String(2000))
    full_name: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(10))
    callback: Mapped[bool] = mapped_column(Boolean, default=False)  # consented to be called back
    status: Mapped[str] = mapped_column(String(10), default="new")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    # The question as the FAQ shows it, personal details removed by staff (defaults to the text).
    public_text: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    activity: Mapped[Activity] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    answered_by: Mapped[User | None] = relationship(foreign_keys=[answered_by_id])

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.status}>"


class FollowUp(db.Model):
    """An attendee with no or an expired BHYT card, to call until they enrol (one per person and activity)."""

    __tablename__ = "followups"
    __table_args__ = (
        UniqueConstraint("activity_id", "person_key"),
        CheckConstraint(f"outcome IS NULL OR outcome IN {FOLLOWUP_OUTCOMES!r}", name="outcome"),
        CheckConstraint("(outcome IS NULL) = (outcome_on IS NULL)", name="outcome_has_date"),
        Index("ix_followups_commune_outcome", "commune_id", "outcome"),
        Index("ix_followups_person_outcome", "person_key", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), index=True)
    # The phone, or the unaccented name and birth year when no phone was given: one item per person.
    person_key: Mapped[str] = mapped_column(String(140))
    bhyt_status: Mapped[str] = mapped_column(String(8))
    outcome: Mapped[str | None] = mapped_column(String(16))
    outcome_on: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    activity: Mapped[Activity] = relationship()
    checkin: Mapped[CheckIn | None] = relationship()


class Rating(db.Model):
    """A resident's 1–5 satisfaction rating of an activity, one per check-in (SPEC §17)."""

    __tablename__ = "ratings"
    __table_args__ = (
        CheckConstraint("score BETWEEN 1 AND 5", name="score"),
        Index("ix_ratings_commune", "commune_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int | None] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"), unique=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"))
    score: Mapped[int] = mapped_column(Integer)
    comment: Mapped[str] = mapped_column(String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    activity: Mapped[Activity] = relationship()


def person_key(phone: str | None, name_key: str, birth_year: int | None) -> str:
    """Who a follow-up is about: the phone, else the unaccented name and birth year."""
    return phone or f"{name_key}|{birth_year or ''}"[:140]


def followup_values(checkin, commune_id: int | None) -> dict | None:
    """The follow-up row a just-stored check-in opens (SPEC §17), or None when its card is valid or unknown."""
    if checkin.bhyt_status not in FOLLOWED_BHYT or not checkin.consent:
        return None
    return {"activity_id": checkin.activity_id, "commune_id": commune_id, "checkin_id": checkin.id,
            "person_key": person_key(checkin.phone, checkin.name_key, checkin.birth_year),
            "bhyt_status": checkin.bhyt_status, "note": "", "created_at": checkin.created_at}
