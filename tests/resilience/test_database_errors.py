"""Every way of losing the database is a 503 with a Vietnamese message and Retry-After, never a 500.

Connection refused (JSON and HTML), connection dropped in the middle of a transaction, and pooled
connections killed while idle (pool_pre_ping reconnects: no error at all).
"""

import pytest
from sqlalchemy import create_engine, select, text

from app import create_app
from app.models import CheckIn
from bench.server import free_port
from tests.support import IsolatedClient, csrf_token

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction

PERSON = {"full_name": "Trần Thị Bình", "phone": "0987654321", "consent": True}


def assert_unavailable_json(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    error = response.get_json()["error"]
    assert error["code"] == "unavailable"
    assert "cơ sở dữ liệu" in error["message"] and "chưa được lưu" in error["message"]


def test_connection_refused_is_a_503_in_json_and_in_html(tmp_path):
    url = f"postgresql+psycopg://app@127.0.0.1:{free_port()}/nothing_listens_here"
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(tmp_path))
    app.test_client_class = IsolatedClient
    client = app.test_client()

    assert_unavailable_json(client.get("/api/v1/communes", headers={"Authorization": "Bearer x"}))

    token = csrf_token(client, "/login")  # the login page itself needs no database
    response = client.post("/login", data={"username": "ai", "password": "Matkhau123", "csrf_token": token})
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    html = response.get_data(as_text=True)
    assert "Hệ thống tạm thời gián đoạn" in html and "chưa được lưu" in html
    assert "<script" not in html  # a standalone page: no menu, no bell that would query the database
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()


def test_sqlite_database_that_cannot_be_opened_is_a_503(tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing-dir/x.db", UPLOAD_DIR=str(tmp_path))
    app.test_client_class = IsolatedClient
    assert_unavailable_json(app.test_client().get("/api/v1/communes", headers={"Authorization": "Bearer x"}))


def _postgres_only(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only (run with DATABASE_URL=postgresql+psycopg://…)")


def test_connection_dropped_as_the_checkin_is_written_is_a_503_and_nothing_half_saved(db, client, make_user,
                                                                                      api_token, make_activity,
                                                                                      monkeypatch):
    _postgres_only(db)
    from app.checkin.driver import DirectConnection

    activity = make_activity()
    headers = api_token(make_user("commune"))
    url = f"/api/v1/activities/{activity.id}/checkins"
    real = DirectConnection.run

    def lose_the_connection_on_write(self, sql, parameters, write=False):
        if write:  # the activity was read on this connection; it is cut as the INSERT is sent
            real(self, "SELECT pg_terminate_backend(pg_backend_pid())", ())
        return real(self, sql, parameters, write)

    monkeypatch.setattr(DirectConnection, "run", lose_the_connection_on_write)
    assert_unavailable_json(client.post(url, json={**PERSON, "nonce": "cut-1"}, headers=headers))
    monkeypatch.setattr(DirectConnection, "run", real)

    db.session.rollback()
    assert db.session.scalars(select(CheckIn).where(CheckIn.activity_id == activity.id)).all() == []
    again = client.post(url, json={**PERSON, "nonce": "cut-1"}, headers=headers)  # the client retries
    assert again.status_code == 201, again.get_json()
    assert len(db.session.scalars(select(CheckIn).where(CheckIn.activity_id == activity.id)).all()) == 1


def test_pooled_connections_killed_while_idle_are_replaced_by_pre_ping(app, db, client, make_user, api_token):
    _postgres_only(db)
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    headers = api_token(make_user("commune"))
    assert client.get("/api/v1/communes", headers=headers).status_code == 200  # the pool now holds a connection
    db.session.rollback()
    admin = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with admin.connect() as conn:
        killed = conn.scalar(text("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                  "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    admin.dispose()
    assert killed >= 1
    for _ in range(3):
        response = client.get("/api/v1/communes", headers=headers)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
