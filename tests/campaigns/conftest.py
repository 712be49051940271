"""Fixtures for campaign tests: the seeded 01/7/2026 campaign and a generated season (tests/factories.py)."""

import pytest

from tests import factories
from tests.campaigns.helpers import build_season

SLUG = "bhyt-day-2026"


@pytest.fixture
def campaign(db):
    """The seeded campaign bhyt-day-2026 (SPEC §4.1), committed."""
    return factories.campaign(SLUG)


@pytest.fixture(params=["generated", "demo"])
def season(request, campaign, make_user):
    """The seasons the agreement test reads: a generated one, and the demo season of `seed-demo`."""
    if request.param == "demo":
        from app.activities.demo import seed_demo_season
        from app.extensions import db

        make_user("city", username="demo_city")
        seed_demo_season("haiphong")
        db.session.commit()
    else:
        build_season(campaign)
    return campaign
