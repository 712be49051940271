"""Fixtures for the reminders: the campaigns services over the test database, activities at local moments."""

from datetime import datetime

import pytest

from app.formatting import TZ
from tests import factories

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
    """An activity of a commune (by code; None = city level) starting at a local moment "dd/mm HH:MM"."""

    def make(kind="fair", start="01/7 08:00", hours=3, status="planned", commune_code=HONG_BANG,
             created_by=None, title=None, evidence=None):
        return factories.activity(
            kind, evidence, status, commune_code=commune_code, start=at(start), hours=hours, qr_ready=False,
            title=title or f"Hoạt động {kind}", created_by_id=created_by.id if created_by else None,
            results={"doc_number": "12/TTr", "doc_date": "2026-06-20"} if kind == "advisory" else {})

    return make
