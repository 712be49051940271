"""Fixtures for the reminders: the campaigns services over the test database, and an activity factory."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from app.formatting import TZ
from app.models import Activity, Commune

HONG_BANG = "11311"
BACH_LONG_VI = "11948"


@pytest.fixture
def campaigns(db):
    """The real campaigns services over the test database (the 01/7 campaign is seeded)."""
    from app.campaigns import services

    return services


def at(text: str) -> datetime:
    """A local (Asia/Ho_Chi_Minh) moment written "dd/mm HH:MM" in 2026, as an aware datetime."""
    day_month, clock = text.split()
    day, month = day_month.split("/")
    hour, minute = clock.split(":")
    return datetime(2026, int(month), int(day), int(hour), int(minute), tzinfo=TZ)


@pytest.fixture
def make_activity(db):
    """Factory: an activity of a commune (by code; None = city level) starting at a local moment."""

    def make(kind="fair", start="01/7 08:00", hours=3, status="planned", commune_code=HONG_BANG,
             created_by=None, title=None, evidence=None):
        commune = db.session.scalar(select(Commune).where(Commune.code == commune_code)) if commune_code else None
        start_at = at(start)
        activity = Activity(
            commune_id=commune.id if commune else None, kind=kind, title=title or f"Hoạt động {kind}",
            start_at=start_at, end_at=start_at + timedelta(hours=hours),
            evidence_date=evidence or start_at.date(), venue="Nhà văn hóa", status=status,
            created_by_id=created_by.id if created_by else None,
            results={"doc_number": "12/TTr", "doc_date": "2026-06-20"} if kind == "advisory" else {},
        )
        db.session.add(activity)
        db.session.commit()
        return activity

    return make
