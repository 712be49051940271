"""Fixtures for campaign tests: the seeded 01/7/2026 campaign and a generated season (tests/factories.py)."""

import random
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.models import Commune
from tests import factories

SLUG = "bhyt-day-2026"


@pytest.fixture
def campaign(db):
    """The seeded campaign bhyt-day-2026 (SPEC §4.1), committed."""
    return factories.campaign(SLUG)


SEASON_KINDS = ("advisory", "conference", "fair", "communication_point", "radio", "online_post", "review",
                "integrated", "livestream", "banner", "launch", "small_group")


def build_season(campaign, seed: int = 2026) -> dict:
    """A deterministic season over every commune: activities of every status and reports around the deadlines."""
    from app.extensions import db

    rng = random.Random(seed)
    communes = db.session.execute(select(Commune.id, Commune.code).order_by(Commune.code)).all()
    first = date(2026, 6, 15)
    n_activities = n_reports = 0
    for commune_id, code in communes:
        for _ in range(rng.randint(0, 12)):
            kind = rng.choice(SEASON_KINDS)
            when = first + timedelta(days=rng.randint(0, 30))
            status = rng.choices(("held", "planned", "cancelled"), weights=(6, 3, 1))[0]
            factories.activity(kind, when, status, commune_code=code, commune_id=commune_id, commit=False,
                               qr_ready=False)
            n_activities += 1
        if rng.random() < 0.6:
            factories.submission(campaign, on=date(2026, 7, 1) + timedelta(days=rng.randint(0, 9)), commit=False,
                                 commune_id=commune_id)
            n_reports += 1
    for _ in range(8):  # city level
        factories.activity(rng.choice(SEASON_KINDS), first + timedelta(days=rng.randint(0, 30)), "held",
                           commune_code=None, commit=False, qr_ready=False)
    db.session.commit()
    return {"activities": n_activities, "reports": n_reports}


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
