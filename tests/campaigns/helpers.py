"""A generated campaign season for the campaign tests (plain functions, imported from here)."""

import random
from datetime import date, timedelta

from sqlalchemy import select

from app.models import Commune
from tests import factories

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


def duty_form(duty, **changes) -> dict:
    """The duty page's form as it is filled for `duty`, with some fields changed."""
    data = {"text": duty.text, "kinds": list(duty.kinds), "min_count": str(duty.min_count),
            "window_start": duty.window_start.isoformat() if duty.window_start else "",
            "window_end": duty.window_end.isoformat() if duty.window_end else "", "hint": duty.hint}
    data.update(changes)
    return data
