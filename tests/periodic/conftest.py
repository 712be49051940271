"""Fixtures of the periodic reports' tests: held activities on given days, agency users (tests/factories.py)."""

from datetime import date

import pytest
from sqlalchemy import select

from tests import factories


@pytest.fixture
def held(db):
    """Factory: a held activity of a commune (or, with `agency_code`, of an agency) on a day, with its results."""
    from app.models import Agency

    def make(day: date, commune_code: str | None = "11311", kind="fair", agency_code=None, **results):
        if agency_code:
            agency = db.session.scalar(select(Agency).where(Agency.code == agency_code))
            return factories.activity(kind, day, "held", commune_code=None, agency_id=agency.id, results=results)
        return factories.activity(kind, day, "held", commune_code=commune_code, results=results)

    return make


@pytest.fixture
def agency_user(db):
    """Factory: a user of one agency (by code) with a known password."""
    from app.models import Agency

    def make(code="SYT"):
        agency = db.session.scalar(select(Agency).where(Agency.code == code))
        return factories.user("agency", agency_id=agency.id)

    return make
