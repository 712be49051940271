"""Fixtures for campaign tests: the seeded 01/7/2026 campaign, activities and reports written straight to the DB."""

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from app.campaigns.routine import seed_campaigns
from app.formatting import TZ
from app.models import Activity, Campaign, Commune, ReportSubmission

SLUG = "bhyt-day-2026"


@pytest.fixture
def campaign(db):
    """The seeded campaign bhyt-day-2026 (SPEC §4.1), committed."""
    seed_campaigns("haiphong")
    db.session.commit()
    return db.session.scalar(select(Campaign).where(Campaign.slug == SLUG))


def _commune_id(code):
    from app.extensions import db

    return None if code is None else db.session.scalar(select(Commune.id).where(Commune.code == code))


def make_activity(code, kind, when: date, status="held", commit=True, commune_id=None):
    """An activity of a commune (code None = city level) whose evidence date is `when`."""
    from app.extensions import db

    start = datetime.combine(when, time(8, 0), tzinfo=TZ).astimezone(UTC)
    activity = Activity(
        commune_id=commune_id if commune_id is not None else _commune_id(code),
        kind=kind, title=f"{kind} {code or 'thành phố'} {when:%d/%m}", start_at=start,
        end_at=start + timedelta(hours=2), evidence_date=when, status=status,
        cancel_reason="Mưa bão" if status == "cancelled" else None,
        partners=[], audiences=[], messages=[], results={}, links=[], notes="", venue="", organiser="",
    )
    db.session.add(activity)
    db.session.flush()
    if commit:
        db.session.commit()
    return activity


def make_submission(campaign_id, code, submitted_on: date, commit=True, commune_id=None):
    """A report of a commune received on `submitted_on` (written straight to the DB)."""
    from app.extensions import db

    submission = ReportSubmission(
        campaign_id=campaign_id, commune_id=commune_id if commune_id is not None else _commune_id(code),
        submitted_on=submitted_on, submitted_at=datetime.combine(submitted_on, time(9), tzinfo=TZ),
        source="paper", note="")
    db.session.add(submission)
    db.session.flush()
    if commit:
        db.session.commit()
    return submission


@pytest.fixture
def activity(db):
    """Factory: make_activity."""
    return make_activity


@pytest.fixture
def submission(db):
    """Factory: make_submission."""
    return make_submission


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
            make_activity(code, kind, when, status, commit=False, commune_id=commune_id)
            n_activities += 1
        if rng.random() < 0.6:
            make_submission(campaign.id, code, date(2026, 7, 1) + timedelta(days=rng.randint(0, 9)),
                            commit=False, commune_id=commune_id)
            n_reports += 1
    for _ in range(8):  # city level
        make_activity(None, rng.choice(SEASON_KINDS), first + timedelta(days=rng.randint(0, 30)), commit=False)
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
