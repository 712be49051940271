"""Shared fixtures: one app per test session on a throwaway database built by the migrations."""

import os
import re
import shutil
from datetime import timedelta

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import select, text

from app import create_app
from app.checkin import services as svc
from app.extensions import db as _db
from app.formatting import local
from app.models import Activity, Commune
from app.models.types import utcnow

REFERENCE_TABLES = {"cities", "communes", "audiences", "messages", "alembic_version"}


def require_tool(path_or_name: str, why: str) -> str:
    """The tool's path, or a visible skip on a laptop; under CI=true a missing tool fails the test."""
    found = path_or_name if os.path.isabs(path_or_name) and os.path.exists(path_or_name) else shutil.which(path_or_name)
    if found:
        return found
    if os.environ.get("CI") == "true":
        pytest.fail(f"{path_or_name} is required in CI ({why})")
    pytest.skip(f"{path_or_name} not installed: {why}")


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, `g` and DB session, as in production.

    Tests hold an app context open to query the database; without this, requests would share
    that context's `g` (Flask-WTF caches the CSRF token there) and its session's identity map.
    """

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The app on an empty database upgraded by the migrations, with the reference data seeded."""
    from flask_migrate import upgrade

    url = _database_url(tmp_path_factory)
    uploads = tmp_path_factory.mktemp("uploads")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(uploads))
    app.test_client_class = IsolatedClient
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        upgrade()
        from app.seeding import seed

        seed(app.config["CITY"])
        _db.session.commit()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


def _wipe(app) -> None:
    """Delete every non-reference row, children first, then re-run the (idempotent) seed."""
    from app.seeding import seed

    with app.app_context():
        _db.session.rollback()
        for table in reversed(_db.metadata.sorted_tables):
            if table.name not in REFERENCE_TABLES:
                _db.session.execute(table.delete())
        seed(app.config["CITY"])
        _db.session.commit()
        _db.session.remove()


@pytest.fixture
def db(app):
    """An app context with a clean database (reference data kept) for each test."""
    _wipe(app)
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
    _wipe(app)


@pytest.fixture
def client(app, db):
    """A test client on a clean database."""
    return app.test_client()


@pytest.fixture
def runner(app, db):
    """A CLI runner."""
    return app.test_cli_runner()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token in a rendered form."""
    match = CSRF_RE.search(html)
    assert match, "no csrf_token in the page"
    return match.group(1)


def csrf_token(client, url: str = "/login") -> str:
    """Fetch a page with a form and return its CSRF token (valid for this client's session)."""
    response = client.get(url)
    return csrf_from(response.get_data(as_text=True))


def post_form(client, url: str, data: dict, form_url: str | None = None, **kwargs):
    """POST a form like a browser: with the CSRF token of the page that shows it."""
    payload = dict(data)
    payload["csrf_token"] = csrf_token(client, form_url or url)
    return client.post(url, data=payload, **kwargs)


@pytest.fixture
def make_user(db):
    """Factory: a user of a role (commune users in a real commune) with a known password."""
    from app.admin.services import create_user

    def make(role="commune", username=None, commune_code=None, password="Matkhau123", full_name=None):
        if role == "commune" and commune_code is None:
            commune_code = "11311"  # Phường Hồng Bàng
        username = username or f"{role}{make.counter}"
        make.counter += 1
        user = create_user(username, role, password, commune_code, full_name or f"Cán bộ {username}")
        _db.session.commit()
        user.plain_password = password
        return user

    make.counter = 1
    return make


@pytest.fixture
def login(client):
    """Log a user in through the login form."""

    def do(user, password=None):
        response = post_form(client, "/login", {"username": user.username,
                                                "password": password or user.plain_password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do


@pytest.fixture
def api_token(db):
    """Factory: a raw API token for a user."""
    from app.auth.services import issue_token

    def make(user):
        raw = issue_token(user)
        _db.session.commit()
        return {"Authorization": f"Bearer {raw}"}

    return make


@pytest.fixture
def make_activity(db):
    """Factory: a QR-capable activity happening now (default: a fair in Phường Hồng Bàng, started an hour ago,
    lasting 3 hours). Packages that need another kind of activity define their own `make_activity`."""

    def make(commune_code="11311", kind="fair", start=None, hours=3, preregistration=False, **kw):
        start = start or utcnow() - timedelta(hours=1)
        commune = db.session.scalar(select(Commune).where(Commune.code == commune_code)) if commune_code else None
        activity = Activity(commune_id=commune.id if commune else None, kind=kind, title=kw.pop("title", "Ngày hội BHYT"),
                            start_at=start, end_at=start + timedelta(hours=hours),
                            evidence_date=local(start).date(), venue="Nhà văn hóa", status="planned",
                            preregistration=preregistration, **kw)
        db.session.add(activity)
        db.session.flush()
        svc.poster_token(activity, "")  # its QR nonce and short poster token, as create_activity gives them
        db.session.commit()
        return activity

    return make
