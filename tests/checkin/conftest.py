"""Factories for check-in tests: a QR-capable activity happening now in a commune."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from app.checkin import services as svc
from app.formatting import local
from app.models import Activity, CheckIn, Commune
from app.models.types import utcnow


@pytest.fixture
def make_activity(db):
    """Factory: an activity (default: a fair in Phường Hồng Bàng, started an hour ago, lasting 3 hours)."""

    def make(commune_code="11311", kind="fair", start=None, hours=3, preregistration=False, **kw):
        start = start or utcnow() - timedelta(hours=1)
        commune = db.session.scalar(select(Commune).where(Commune.code == commune_code)) if commune_code else None
        activity = Activity(commune_id=commune.id if commune else None, kind=kind, title=kw.pop("title", "Ngày hội BHYT"),
                            start_at=start, end_at=start + timedelta(hours=hours),
                            evidence_date=local(start).date(), venue="Nhà văn hóa", status="planned",
                            preregistration=preregistration, **kw)
        db.session.add(activity)
        db.session.flush()
        svc.ensure_qr_nonce(activity)
        db.session.commit()
        return activity

    return make


@pytest.fixture
def token(app):
    """The poster token of an activity."""

    def make(activity):
        return svc.poster_token(activity, app.config["SECRET_KEY"])

    return make


def count(db, activity_id=None) -> int:
    """Stored check-ins (of one activity)."""
    db.session.rollback()
    stmt = select(CheckIn)
    if activity_id is not None:
        stmt = stmt.where(CheckIn.activity_id == activity_id)
    return len(db.session.scalars(stmt).all())


PERSON = {"full_name": "Nguyễn Văn An", "phone": "0912345678", "birth_year": "1980", "audience": "4",
          "residence_code": "11311", "bhyt_status": "valid", "consent": "y"}
