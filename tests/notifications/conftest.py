"""Fixtures for the reminders: the campaigns services over the test database, activities at local moments."""

import pytest

from tests import factories
from tests.notifications.helpers import HONG_BANG, at


@pytest.fixture
def campaigns(db):
    """The real campaigns services over the test database (the 01/7 campaign is seeded)."""
    from app.campaigns import services

    return services


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
