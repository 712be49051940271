"""Fixtures of the hardening tests: a user per role, an activity of the commune user's commune and another's, task
products; one gunicorn (two workers) on the test database for the whole session."""

import os
from datetime import datetime

import pytest
from sqlalchemy import select

from app.formatting import TZ

ROLES = ("admin", "city", "commune", "viewer", "agency")
GUNICORN_SECRET = "hardening-tests-share-this-secret"


@pytest.fixture(scope="session")
def gunicorn_port(app):
    """The app served by gunicorn (2 workers × 4 threads, production config) on the test database and upload folder,
    started once for the session: the races and the cross-worker checks need real processes, not the test client."""
    from bench.server import gunicorn

    env = {"FLASK_CONFIG": "production", "SECRET_KEY": GUNICORN_SECRET, "REDIS_URL": "",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "UPLOAD_DIR": app.config["UPLOAD_DIR"]}
    with gunicorn("wsgi:app", env, workers=2, threads=4) as port:
        yield port


@pytest.fixture
def world(app, db, make_user, tmp_path):
    """A user per role, an activity of the commune user's own commune (with a photo) and one of another commune."""
    from app.activities import services
    from app.admin.services import create_user
    from app.models import Photo

    users = {role: make_user(role, username=f"scope_{role}") for role in ROLES if role != "agency"}
    users["agency"] = create_user("scope_agency", "agency", "Matkhau123", agency_code="SNV")
    users["agency"].plain_password = "Matkhau123"
    now = datetime(2026, 6, 1, 9, 0, tzinfo=TZ)
    body = {"kind": "fair", "title": "Ngày hội", "start": "2026-07-01T08:00:00+07:00",
            "end": "2026-07-01T11:00:00+07:00", "status": "planned"}
    own = services.create_activity({**body, "commune_code": "11311"}, users["admin"], now)
    other = services.create_activity({**body, "commune_code": "11948"}, users["admin"], now)
    db.session.flush()
    photos = {}
    for key, activity in (("own", own), ("other", other)):
        name = f"scope-{key}.png"
        with open(f"{app.config['UPLOAD_DIR']}/{name}", "wb") as fh:
            fh.write(b"\x89PNG\r\n\x1a\n")
        photo = Photo(activity_id=activity.id, stored_name=name, thumb_name=name, content_type="image/png",
                      size=8, width=1, height=1)
        db.session.add(photo)
        photos[key] = photo
    db.session.commit()
    from app.checkin.services import poster_token

    tokens = {k: poster_token(a, app.config["SECRET_KEY"]) for k, a in (("own", own), ("other", other))}
    from app.checkin.services import record_checkin
    from app.models import FollowUp
    from app.voice.questions import ask

    asked = {k: ask(a, {"text": "Thẻ BHYT hết hạn thì gia hạn ở đâu?"}, "staff", users["admin"], now).id
             for k, a in (("own", own), ("other", other))}
    for activity in (own, other):
        record_checkin(activity, {"full_name": "Người chưa có thẻ", "bhyt_status": "none", "consent": True}, "staff",
                       users["admin"], now)
    followed = {k: db.session.scalar(select(FollowUp.id).where(FollowUp.activity_id == a.id))
                for k, a in (("own", own), ("other", other))}
    db.session.commit()
    products = _task_products(app, db)
    _periodic_reports(db)
    # An activity of Sở Nội vụ (the agency user's own) and one of Sở Y tế (SPEC §13).
    for which, code in (("agency_own", "SNV"), ("agency_other", "SYT")):
        owned = services.create_activity({**body, "kind": "banner", "agency_code": code}, users["admin"], now)
        products[which]["activity_id"] = owned.id
    db.session.commit()
    return {
        **products,
        "users": users,
        "own": {"activity_id": own.id, "photo_id": photos["own"].id, "code": "11311",
                "user_id": users["viewer"].id, "token": tokens["own"], "question_id": asked["own"],
                "followup_id": followed["own"], **products["commune_own"]},
        "other": {"activity_id": other.id, "photo_id": photos["other"].id, "code": "11948",
                  "user_id": users["viewer"].id, "token": tokens["other"], "question_id": asked["other"],
                  "followup_id": followed["other"], **products["commune_other"]},
    }


def _task_products(app, db) -> dict:
    """A product (with its file) of communes 11311 / 11948 on task I.1, and of agencies SNV / SYT on their tasks."""
    from datetime import date

    from sqlalchemy import select

    from app.models import Agency, Commune, Plan, Task, TaskSubmission

    def task(label):
        section, no = label.split(".")
        return db.session.scalar(select(Task).join(Plan).where(Plan.slug == "phat-trien-bhxh-2026-2030",
                                                               Task.section == section, Task.no == no))

    def product(task_, period, **unit):
        name = f"scope-task-{task_.id}-{period}-{next(iter(unit.values()))}.pdf"
        os.makedirs(os.path.join(app.config["UPLOAD_DIR"], "tasks"), exist_ok=True)
        with open(os.path.join(app.config["UPLOAD_DIR"], "tasks", name), "wb") as fh:
            fh.write(b"%PDF-1.4\n%%EOF\n")
        row = TaskSubmission(task_id=task_.id, period=period, title="Sản phẩm", submitted_on=date(2026, 6, 1),
                             stored_name=name, original_name="san-pham.pdf", content_type="application/pdf", **unit)
        db.session.add(row)
        db.session.flush()
        return row.id

    commune = {c.code: c.id for c in db.session.scalars(select(Commune).where(Commune.code.in_(["11311", "11948"])))}
    agency = {a.code: a.id for a in db.session.scalars(select(Agency).where(Agency.code.in_(["SNV", "SYT"])))}
    i1, vi1, iii4 = task("I.1"), task("VI.1"), task("III.4")
    out = {
        "commune_own": {"task_id": i1.id, "submission_id": product(i1, "2026-Q2", commune_id=commune["11311"])},
        "commune_other": {"task_id": vi1.id, "submission_id": product(i1, "2026-Q2", commune_id=commune["11948"])},
        "agency_own": {"task_id": vi1.id, "submission_id": product(vi1, "2026", agency_id=agency["SNV"]),
                       "code": "SNV"},
        "agency_other": {"task_id": iii4.id, "submission_id": product(iii4, "2026-H1", agency_id=agency["SYT"]),
                         "code": "SYT"},
    }
    db.session.commit()
    return out


def _periodic_reports(db) -> None:
    """Submitted 2026-H1 reports of communes 11311 and 11948, the first with a frozen copy of an earlier version."""
    from app.models import Commune, PeriodicReport, PeriodicReportVersion, ReportingPeriod

    period = db.session.scalar(select(ReportingPeriod).where(ReportingPeriod.key == "2026-H1"))
    for code in ("11311", "11948"):
        commune = db.session.scalar(select(Commune).where(Commune.code == code))
        report = PeriodicReport(period_id=period.id, unit_type="commune", unit_code=code, commune_id=commune.id,
                                state="submitted", sections={}, figures={}, pdf=b"%PDF-1.4\n%%EOF\n", version=2,
                                submitted_on=datetime(2026, 6, 19).date())
        db.session.add(report)
        db.session.flush()
        db.session.add(PeriodicReportVersion(report_id=report.id, version=1, pdf=b"%PDF-1.4\n%%EOF\n"))
    db.session.commit()
