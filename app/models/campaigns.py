"""Campaigns, the duties every commune must meet, city-level requirements and commune reports (SPEC §4)."""

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.org import Commune, Message
from app.models.types import UTCDateTime, utcnow
from app.models.users import User

EVIDENCE_KINDS = ("activity", "report")
SUBMISSION_SOURCES = ("online", "paper")
CAMPAIGN_STATES = ("draft", "published")


class Campaign(db.Model):
    """A campaign with its period; data the city office edits (SPEC §4)."""

    __tablename__ = "campaigns"
    __table_args__ = (CheckConstraint(f"state IN {CAMPAIGN_STATES!r}", name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date] = mapped_column(Date)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # A draft is the city office's alone until published (SPEC §18): communes see published campaigns only.
    state: Mapped[str] = mapped_column(String(10), default="published", server_default="published")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    template: Mapped[str | None] = mapped_column(String(64))  # the shipped template it was made from
    copied_from: Mapped[str | None] = mapped_column(String(64))  # the slug of the campaign it was copied from
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    duties: Mapped[list["Duty"]] = relationship(back_populates="campaign", cascade="all, delete-orphan",
                                                order_by="(Duty.position, Duty.no)")
    city_requirements: Mapped[list["CityRequirement"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan",
        order_by="(CityRequirement.position, CityRequirement.id)")
    messages: Mapped[list["CampaignMessage"]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan", order_by="CampaignMessage.position")

    @property
    def published(self) -> bool:
        """Whether communes see it (a draft is the city office's alone)."""
        return self.state == "published"

    def __repr__(self) -> str:
        return f"<Campaign {self.slug}>"


class Duty(db.Model):
    """A duty of every commune in a campaign (e.g. Appendix II, duty 5), text kept verbatim."""

    __tablename__ = "duties"
    __table_args__ = (
        UniqueConstraint("campaign_id", "no", name="uq_duties_campaign_no"),
        CheckConstraint(f"evidence IN {EVIDENCE_KINDS!r}", name="evidence"),
        CheckConstraint("min_count >= 1", name="min_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    no: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(String(12), default="activity")
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    min_count: Mapped[int] = mapped_column(Integer, default=1)
    window_start: Mapped[date | None] = mapped_column(Date)
    window_end: Mapped[date | None] = mapped_column(Date)
    hint: Mapped[str] = mapped_column(Text, default="")
    # Order on the pages (the number `no` stays the duty's name in reports, reminders and the API).
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The duty set as of a date (SPEC §18): a duty added after the start counts from `added_on`, a retired
    # one up to the day before `retired_on`, so past statuses replay as they were.
    added_on: Mapped[date | None] = mapped_column(Date)
    retired_on: Mapped[date | None] = mapped_column(Date)
    # Retirements it was brought back from after the start: [first day retired, day restored] (ISO dates).
    past_retirements: Mapped[list | None] = mapped_column(JSON)

    campaign: Mapped[Campaign] = relationship(back_populates="duties")
    # What it said before each edit made after the start (SPEC §18): a replay reads the values of its day.
    revisions: Mapped[list["DutyRevision"]] = relationship(back_populates="duty", cascade="all, delete-orphan",
                                                           order_by="DutyRevision.replaced_on")


class DutyRevision(db.Model):
    """A duty's judged fields as they were before an edit after its campaign started: in force on every day before
    `replaced_on` (and after the previous revision's), so a past day replays with what the duty said then."""

    __tablename__ = "duty_revisions"
    __table_args__ = (UniqueConstraint("duty_id", "replaced_on", name="uq_duty_revisions_duty_replaced_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    duty_id: Mapped[int] = mapped_column(ForeignKey("duties.id", ondelete="CASCADE"))
    replaced_on: Mapped[date] = mapped_column(Date)  # the day the edit took effect (the next values from then on)
    text: Mapped[str] = mapped_column(Text)
    evidence: Mapped[str] = mapped_column(String(12))
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    min_count: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[date | None] = mapped_column(Date)
    window_end: Mapped[date | None] = mapped_column(Date)
    hint: Mapped[str] = mapped_column(Text, default="")

    duty: Mapped[Duty] = relationship(back_populates="revisions")


class CityRequirement(db.Model):
    """A city-wide requirement of a campaign, met by activities of any commune or of the city."""

    __tablename__ = "city_requirements"
    __table_args__ = (
        UniqueConstraint("campaign_id", "key", name="uq_city_requirements_campaign_key"),
        CheckConstraint("min_count >= 1", name="min_count_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(Text)
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    min_count: Mapped[int] = mapped_column(Integer, default=1)
    window_start: Mapped[date | None] = mapped_column(Date)
    window_end: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    added_on: Mapped[date | None] = mapped_column(Date)
    retired_on: Mapped[date | None] = mapped_column(Date)
    past_retirements: Mapped[list | None] = mapped_column(JSON)

    campaign: Mapped[Campaign] = relationship(back_populates="city_requirements")
    revisions: Mapped[list["CityRequirementRevision"]] = relationship(
        back_populates="requirement", cascade="all, delete-orphan", order_by="CityRequirementRevision.replaced_on")


class CityRequirementRevision(db.Model):
    """A city requirement's judged fields before an edit after the start, in force on the days before `replaced_on`."""

    __tablename__ = "city_requirement_revisions"
    __table_args__ = (UniqueConstraint("requirement_id", "replaced_on",
                                       name="uq_city_requirement_revisions_requirement_replaced_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    requirement_id: Mapped[int] = mapped_column(ForeignKey("city_requirements.id", ondelete="CASCADE"))
    replaced_on: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(Text)
    kinds: Mapped[list] = mapped_column(JSON, default=list)
    min_count: Mapped[int] = mapped_column(Integer)
    window_start: Mapped[date | None] = mapped_column(Date)
    window_end: Mapped[date | None] = mapped_column(Date)

    requirement: Mapped[CityRequirement] = relationship(back_populates="revisions")


class CampaignMessage(db.Model):
    """One of the official messages a campaign promotes (SPEC §8, §18), in the campaign's order."""

    __tablename__ = "campaign_messages"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    campaign: Mapped[Campaign] = relationship(back_populates="messages")
    message: Mapped[Message] = relationship()


class ReportSubmission(db.Model):
    """A commune's campaign report, online or recorded from paper; an unlocked one no longer counts."""

    __tablename__ = "report_submissions"
    __table_args__ = (
        CheckConstraint(f"source IN {SUBMISSION_SOURCES!r}", name="source"),
        Index("ix_report_submissions_campaign_commune", "campaign_id", "commune_id"),
        # At most one report that counts per commune and campaign, even when two clicks race.
        Index("uq_report_submissions_counting", "campaign_id", "commune_id", unique=True,
              sqlite_where=text("unlocked_at IS NULL"), postgresql_where=text("unlocked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    commune_id: Mapped[int] = mapped_column(ForeignKey("communes.id"), index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The local date that counts for the report duty (a paper report's date of receipt).
    submitted_on: Mapped[date] = mapped_column(Date)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(8), default="online")
    note: Mapped[str] = mapped_column(Text, default="")
    unlocked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unlocked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # The frozen copy of the report as submitted (filled by the PDF feature).
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))

    campaign: Mapped[Campaign] = relationship()
    commune: Mapped[Commune] = relationship()
    submitted_by: Mapped[User | None] = relationship(foreign_keys=[submitted_by_id])
    unlocked_by: Mapped[User | None] = relationship(foreign_keys=[unlocked_by_id])

    @property
    def counts(self) -> bool:
        """Whether this submission still counts (not unlocked)."""
        return self.unlocked_at is None
