"""Fixtures of the task register's tests: agency users and the shipped plan."""

import pytest
from sqlalchemy import select

from tests.tasks.helpers import HP_PLAN


@pytest.fixture
def agency_user(db):
    """Factory: a user of one agency (by code) with a known password."""
    from app.admin.services import create_user

    def make(code="SNV", username=None):
        user = create_user(username or f"cq_{code.lower()}", "agency", "Matkhau123", agency_code=code)
        db.session.commit()
        user.plain_password = "Matkhau123"
        return user

    return make


@pytest.fixture
def task_of(db):
    """The shipped task of the Hải Phòng plan with this label ("VI.1")."""
    from app.models import Plan, Task

    def find(label):
        section, no = label.split(".")
        return db.session.scalar(select(Task).join(Plan).where(Plan.slug == HP_PLAN, Task.section == section,
                                                               Task.no == no))

    return find
