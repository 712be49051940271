"""Check-in test helpers (the QR-capable activity factory `make_activity` is in tests/conftest.py)."""

import pytest
from sqlalchemy import select

from app.checkin import services as svc
from app.models import CheckIn


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
