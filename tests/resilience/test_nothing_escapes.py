"""No error reaches the WSGI server: a teardown on a dead connection cannot turn a saved answer into the server's
page, and an error past Flask's handlers is still answered in JSON (API) or a Vietnamese page, with a 503 when the
database is the cause (the outage test under load once got gunicorn's own "Internal Server Error")."""

from sqlalchemy import exc as sa_exc

from app import create_app
from app.errors import LastResort
from app.extensions import db


def _fresh_app(tmp_path):
    return create_app("testing", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/x.db", UPLOAD_DIR=str(tmp_path))


def _dropped():
    return sa_exc.OperationalError("ROLLBACK", {}, Exception("server closed the connection unexpectedly"))


def test_a_teardown_on_a_dead_connection_keeps_the_answer_and_the_next_request_works(tmp_path, monkeypatch):
    app = _fresh_app(tmp_path)
    client = app.test_client()
    calls = []

    def remove_fails():
        calls.append(1)
        raise _dropped()

    monkeypatch.setattr(db.session, "remove", remove_fails)
    response = client.get("/login")
    assert response.status_code == 200 and "Đăng nhập" in response.get_data(as_text=True)
    assert calls, "the session's teardown did not run"
    monkeypatch.undo()
    assert client.get("/login").status_code == 200


def test_a_session_left_unusable_by_a_lost_connection_is_a_503_in_json(tmp_path):
    app = _fresh_app(tmp_path)

    @app.get("/api/v1/_pending")
    def pending():
        raise sa_exc.PendingRollbackError("This Session's transaction has been rolled back due to a previous "
                                          "exception during flush.")

    response = app.test_client().get("/api/v1/_pending")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert response.get_json()["error"]["code"] == "unavailable"


def test_an_error_past_the_handlers_is_a_json_503_for_the_api_and_a_vietnamese_page_elsewhere(tmp_path):
    def broken(environ, start_response):
        if environ["PATH_INFO"].startswith("/api/"):
            raise _dropped()
        raise RuntimeError("a template of the error page failed")

    app = _fresh_app(tmp_path)
    wrapped = LastResort(broken, app.logger)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, dict(headers)

    body = b"".join(wrapped({"PATH_INFO": "/api/v1/activities/1/checkins", "REQUEST_METHOD": "POST"},
                            start_response))
    assert seen["status"].startswith("503") and seen["headers"]["Retry-After"] == "5"
    assert seen["headers"]["Content-Type"] == "application/json"
    assert b'"unavailable"' in body and "cơ sở dữ liệu".encode() in body

    body = b"".join(wrapped({"PATH_INFO": "/activities/", "REQUEST_METHOD": "GET"}, start_response))
    assert seen["status"].startswith("500") and seen["headers"]["Content-Type"].startswith("text/html")
    assert 'lang="vi"' in body.decode() and "Đã có lỗi xảy ra" in body.decode()


def test_the_app_is_served_through_the_last_resort(tmp_path):
    assert isinstance(_fresh_app(tmp_path).wsgi_app, LastResort)
