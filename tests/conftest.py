"""Shared fixtures: one app per test session on a throwaway database built by the migrations.

Each test runs inside one database transaction that is rolled back at its end: every session of the test (its
own and each request's) is bound to that connection and commits only a savepoint. Tests marked `wipe` use several
connections (the check-in fast path's kept connection, live servers, other processes), which cannot see an
uncommitted transaction: they get the full wipe of every non-reference table before and after instead.
"""

import os

import pytest
from sqlalchemy import text

from app import create_app
from app.extensions import db as _db
from tests import factories
from tests.support import CHROMIUM, LAUNCH_ARGS, REFERENCE_TABLES, IsolatedClient, post_form, require_tool


def pytest_configure(config):
    """Under pytest-xdist (`.ci/run` gives each pass two workers) every worker gets a PostgreSQL database of its
    own, `<name>_<worker>`, created here if missing; the environment says so, so that the servers and processes a
    test starts use it too. SQLite needs nothing: each worker's database is a file in its own temporary folder."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    key = "TEST_DATABASE_URL" if os.environ.get("TEST_DATABASE_URL") else "DATABASE_URL"
    url = os.environ.get(key, "")
    if not worker or not url.startswith("postgresql") or url.endswith(f"_{worker}"):
        return
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    base = make_url(_with_driver(url))
    name = f"{base.database}_{worker}"
    engine = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}) is None:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    os.environ[key] = base.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def playwright_driver():
    """Playwright's one synchronous driver of the session: every browser test launches from it (a second
    `sync_playwright()` in the same thread fails while one runs, whichever test file happens to come first)."""
    require_tool(CHROMIUM, "browser tests drive Debian's Chromium")
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    yield driver
    driver.stop()


@pytest.fixture(scope="session")
def chromium(playwright_driver):
    """One headless Chromium for the session (a visible skip without it; a failure under CI=true)."""
    browser = playwright_driver.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
    yield browser
    browser.close()


def _with_driver(url: str) -> str:
    """A `postgresql://` URL names psycopg 3, the driver the app ships with; any other URL as given."""
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


def _database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL")
    if url:
        return _with_driver(url)
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
def db(app, request):
    """An app context on the seeded database for each test: rolled back at the end, or wiped (marker `wipe`)."""
    if request.node.get_closest_marker("wipe"):
        _wipe(app)
        with app.app_context():
            yield _db
            _db.session.rollback()
            _db.session.remove()
        _wipe(app)
        return
    with app.app_context():
        connection = _db.engine.connect()
        raw = connection.connection.dbapi_connection
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # pysqlite opens a transaction only before a write, so a SAVEPOINT would begin (and its RELEASE
            # commit) the real one: take BEGIN into our own hands on this connection.
            raw.isolation_level = None
        outer = connection.begin()
        if sqlite:
            connection.exec_driver_sql("BEGIN")
        factory = _db.session.session_factory
        _db.session.remove()
        factory.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield _db
        finally:
            _db.session.remove()
            factory.kw.pop("bind", None)
            factory.kw.pop("join_transaction_mode", None)
            outer.rollback()
            if sqlite:
                raw.isolation_level = ""
            connection.close()


@pytest.fixture
def client(app, db):
    """A test client on a clean database."""
    return app.test_client()


@pytest.fixture
def runner(app, db):
    """A CLI runner."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(db):
    """`factories.user`: a user of a role with a known password (commune users in Phường Hồng Bàng)."""
    return factories.user


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
    """`factories.api_headers`: the Authorization header of a fresh API token of a user."""
    return factories.api_headers


@pytest.fixture
def make_activity(db):
    """A QR-capable activity happening now (`factories.activity` without a date: a planned fair in Phường Hồng
    Bàng titled "Ngày hội BHYT", started an hour ago, lasting 3 hours)."""

    def make(commune_code=factories.HONG_BANG, kind="fair", **columns):
        return factories.activity(kind, commune_code=commune_code, **{"title": "Ngày hội BHYT", **columns})

    return make
