"""The check-in door (app/api/checkin_door.py) answers exactly as the view behind it would.

Every request here is sent twice, on two identical activities: through the app as it runs (the door in front)
and through the same app built with `CHECKIN_DOOR=False` (Flask's request handling and the view only). Status,
headers and body must be the same, values that are new per check-in aside (id, code, times, rating token).
Flask's `request_started` signal tells which requests the door answered itself and which it handed on.
"""

import gzip
import json
from datetime import timedelta

import pytest
from flask import request_started
from sqlalchemy import update

from app import create_app, extensions
from app.checkin import services as svc
from app.checkin.driver import drop_kept_connection
from app.models import Registration
from app.models.types import utcnow
from tests.checkin.conftest import count

pytestmark = pytest.mark.wipe  # the door writes on its own connection: committed data, the full wipe

BODY = {"full_name": "Trần Thị Bình", "phone": "0987654321", "birth_year": 1990, "audience": 3,
        "residence_code": "11948", "bhyt_status": "none", "consent": True}
NEW_EACH_TIME = ("id", "code", "checked_in_at", "first_time", "rating_token")


@pytest.fixture
def view_app(app):
    """The same app (same database, same key) without the door."""
    other = create_app("testing", CHECKIN_DOOR=False, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                       UPLOAD_DIR=app.config["UPLOAD_DIR"])
    other.test_client_class = app.test_client_class
    yield other
    drop_kept_connection()  # this thread's kept connection may be the other engine's
    with other.app_context():
        extensions.db.session.remove()
        extensions.db.engine.dispose()


@pytest.fixture
def pair(app, view_app, db, make_activity):
    """Send a request through each app, to a fresh activity of each (or to the two given): returns (the door's
    answer, the view's answer, whether the door answered without Flask's request handling)."""
    start = utcnow().replace(microsecond=0) - timedelta(hours=1)
    door_client, view_client = app.test_client(), view_app.test_client()
    dispatched = {"door": 0, "view": 0}

    def seen(name):
        def receiver(sender, **extra):
            dispatched[name] += 1
        return receiver

    door_seen, view_seen = seen("door"), seen("view")
    request_started.connect(door_seen, app)
    request_started.connect(view_seen, view_app)

    def send(path_of, body=None, *, headers=None, activities=None, **options):
        activities = activities or (make_activity(start=start), make_activity(start=start))
        answers = []
        for client, activity in zip((door_client, view_client), activities, strict=True):
            path = path_of(activity) if callable(path_of) else path_of
            body_of = body(activity) if callable(body) else body
            answers.append(client.post(path, json=body_of, headers=headers or {}, **options))
        flask_ran = dispatched["door"] > 0
        assert dispatched["view"] > 0
        dispatched.update(door=0, view=0)
        return answers[0], answers[1], not flask_ran

    yield send
    request_started.disconnect(door_seen, app)
    request_started.disconnect(view_seen, view_app)


def _checkins(activity):
    return f"/api/v1/activities/{activity.id}/checkins"


def count_of(db, activities) -> list[int]:
    return [count(db, a.id) for a in activities]


def registered_tickets(db, app, activities) -> dict[int, str]:
    """One person registered for each activity: their ticket by activity id."""
    tickets = {}
    for activity in activities:
        registration, _ = svc.register(activity, dict(BODY), utcnow())
        db.session.commit()
        tickets[activity.id] = svc.ticket_for(registration, app.config["SECRET_KEY"])
    return tickets


def _normal(response) -> dict:
    """Status, headers (no Date; Content-Length checked against the body) and the JSON body, new values masked."""
    raw = response.get_data()
    assert int(response.headers["Content-Length"]) == len(raw)
    if response.headers.get("Content-Encoding") == "gzip":
        raw = gzip.decompress(raw)
    body = json.loads(raw)
    for key in NEW_EACH_TIME:
        if key in body:
            body[key] = type(body[key]).__name__
    headers = {k: v for k, v in response.headers.items() if k not in ("Date", "Content-Length")}
    return {"status": response.status, "headers": headers, "body": body}


def _same(door, view):
    assert _normal(door) == _normal(view)


@pytest.mark.parametrize("body, status", [
    (BODY, "201 CREATED"),
    ({**BODY, "nonce": "n-1"}, "201 CREATED"),
    ({**BODY, "phone": "091234567"}, "422 UNPROCESSABLE ENTITY"),
    ({**BODY, "consent": False}, "422 UNPROCESSABLE ENTITY"),
    ({**BODY, "residence_code": "99999"}, "422 UNPROCESSABLE ENTITY"),
    ({**BODY, "unknown": 1}, "201 CREATED"),  # fields a check-in does not know are ignored, as before
    ({"ticket": "abcdefghjkmnp"}, "400 BAD REQUEST"),
])
def test_the_door_answers_a_check_in_as_the_view_does(pair, make_user, api_token, body, status):
    door, view, by_door = pair(_checkins, body, headers=api_token(make_user("commune")))
    assert by_door
    assert view.status == status
    _same(door, view)


def test_a_repeat_and_a_replayed_nonce_get_the_first_answer_through_the_door(pair, db, make_user, api_token,
                                                                              make_activity):
    headers = api_token(make_user("city"))
    activities = (make_activity(), make_activity())
    for body in ({**BODY, "nonce": "n-7"}, {**BODY, "nonce": "n-7"}, {**BODY, "full_name": "Ai đó"}):
        door, view, by_door = pair(_checkins, body, headers=headers, activities=activities)
        assert by_door and view.status_code in (200, 201)
        _same(door, view)
    assert door.json["duplicate"] is True and door.json["first_time"] == view.json["first_time"]
    assert count_of(db, activities) == [1, 1]


def test_a_ticket_through_the_door_as_through_the_view(pair, db, make_user, api_token, make_activity, app):
    activities = (make_activity(preregistration=True), make_activity(preregistration=True))
    tickets = registered_tickets(db, app, activities)
    headers = api_token(make_user("admin"))
    for _ in range(2):  # new, then the same ticket again
        door, view, by_door = pair(_checkins, lambda a: {"ticket": tickets[a.id]}, headers=headers,
                                   activities=activities)
        assert by_door
        _same(door, view)
    assert view.status_code == 200 and view.json["duplicate"] is True
    assert count_of(db, activities) == [1, 1]


def test_a_ticket_with_a_trailing_enter_another_events_and_a_revoked_one_alike(pair, db, make_user, api_token,
                                                                             make_activity, app):
    """The door reads a short ticket's registration with the token (one statement): what it finds and refuses is
    what the view finds and refuses."""
    activities = (make_activity(preregistration=True), make_activity(preregistration=True))
    others = (make_activity(preregistration=True), make_activity(preregistration=True))
    tickets, elsewhere = registered_tickets(db, app, activities), registered_tickets(db, app, others)
    headers = api_token(make_user("admin"))
    door, view, by_door = pair(_checkins, lambda a: {"ticket": elsewhere[others[activities.index(a)].id]},
                               headers=headers, activities=activities)
    assert by_door and view.json["error"]["code"] == "wrong_activity"
    _same(door, view)
    door, view, by_door = pair(_checkins, lambda a: {"ticket": tickets[a.id] + "\r\n"}, headers=headers,
                               activities=activities)
    assert by_door and view.status_code == 201
    _same(door, view)
    db.session.execute(update(Registration).where(Registration.activity_id.in_([a.id for a in others]))
                       .values(revoked=True))
    db.session.commit()
    door, view, by_door = pair(_checkins, lambda a: {"ticket": elsewhere[a.id]}, headers=headers, activities=others)
    assert by_door and view.json["error"]["code"] == "revoked_token"
    _same(door, view)
    assert count_of(db, activities) == [1, 1] and count_of(db, others) == [0, 0]


def test_outside_the_window_and_cancelled_are_refused_alike(pair, db, make_user, api_token, make_activity, app):
    headers = api_token(make_user("admin"))
    start = utcnow().replace(microsecond=0) - timedelta(days=2)
    ended = (make_activity(start=start, preregistration=True), make_activity(start=start, preregistration=True))
    tickets = registered_tickets(db, app, ended)
    door, view, by_door = pair(_checkins, lambda a: {"ticket": tickets[a.id]}, headers=headers, activities=ended)
    assert by_door and view.json["error"]["code"] == "outside_window"
    _same(door, view)
    cancelled = (make_activity(status="cancelled"), make_activity(status="cancelled"))
    door, view, by_door = pair(_checkins, BODY, headers=headers, activities=cancelled)
    assert by_door and view.json["error"]["code"] == "activity_cancelled"
    _same(door, view)


@pytest.mark.parametrize("case", ["no token", "bad token", "viewer", "other commune", "no such activity",
                                  "not a QR kind", "a list", "not JSON", "broken JSON", "NUL in a name",
                                  "a control character", "a query string", "id zero"])
def test_what_the_door_hands_on_is_answered_by_the_view(pair, make_user, api_token, make_activity, case):
    headers = api_token(make_user("commune"))
    path, body, options = _checkins, BODY, {}
    activities = None
    if case == "no token":
        headers = {}
    elif case == "bad token":
        headers = {"Authorization": "Bearer nope"}
    elif case == "viewer":
        headers = api_token(make_user("viewer"))
    elif case == "other commune":
        activities = (make_activity(commune_code="11948"), make_activity(commune_code="11948"))
    elif case == "no such activity":
        path = "/api/v1/activities/987654/checkins"
    elif case == "not a QR kind":
        activities = (make_activity(kind="radio"), make_activity(kind="radio"))
    elif case == "a list":
        body = [1, 2]
    elif case == "not JSON":
        body, options = None, {"data": "full_name=An", "content_type": "text/plain"}
    elif case == "broken JSON":
        body, options = None, {"data": "{oops", "content_type": "application/json"}
    elif case == "NUL in a name":
        body = {**BODY, "full_name": "An\x00"}
    elif case == "a control character":
        body = {**BODY, "full_name": "An\x85"}
    elif case == "a query string":
        path = lambda a: f"{_checkins(a)}?lang=en"  # noqa: E731
    elif case == "id zero":
        path = "/api/v1/activities/0/checkins"
    door, view, by_door = pair(path, body, headers=headers, activities=activities, **options)
    assert not by_door, "the door should have handed this request to Flask"
    assert view.status_code == 201 if case == "a query string" else view.status_code >= 400
    _same(door, view)


def test_a_big_answer_is_compressed_as_flask_compresses_it(pair, make_user, api_token):
    # Vietnamese is escaped in JSON (\u1ea7…): a long name makes an answer past the compression threshold.
    body = {**BODY, "full_name": "Nguyễn Thị Hồng Nhung Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Ứng Ưng Đoàn Lượng Trịnh Đinh Lâm"}
    door, view, by_door = pair(_checkins, body, headers={**api_token(make_user("commune")),
                                                         "Accept-Encoding": "gzip"})
    assert by_door
    assert view.headers["Content-Encoding"] == "gzip" and door.headers["Content-Encoding"] == "gzip"
    _same(door, view)


def test_the_door_sends_the_security_headers_of_every_api_answer(pair, make_user, api_token):
    door, _view, by_door = pair(_checkins, BODY, headers=api_token(make_user("commune")))
    assert by_door and door.status_code == 201
    assert door.headers["Cache-Control"] == "no-store"
    assert door.headers["X-Content-Type-Options"] == "nosniff"
    assert door.headers["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    assert "Set-Cookie" not in door.headers


def test_a_database_lost_during_the_check_in_is_the_same_503_through_the_door(pair, make_user, api_token,
                                                                             monkeypatch):
    from sqlalchemy import exc

    from app.checkin.driver import DirectConnection

    headers = api_token(make_user("commune"))
    real = DirectConnection.run

    def lost_on_write(self, sql, parameters, write=False):
        if write:
            raise exc.OperationalError(sql, parameters, ConnectionRefusedError("the server is gone"))
        return real(self, sql, parameters, write)

    monkeypatch.setattr(DirectConnection, "run", lost_on_write)
    door, view, by_door = pair(_checkins, BODY, headers=headers)
    assert by_door  # the door met the error and the app's handlers answered it
    assert view.status_code == 503 and view.headers["Retry-After"] == "5"
    assert view.json["error"]["code"] == "unavailable"
    _same(door, view)
