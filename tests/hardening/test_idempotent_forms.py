"""Issue 22 item 7 (and issue 15 item 3): a POST that creates rows, sent twice with the same form, stores once."""

import re
import threading

import pytest
from sqlalchemy import func, select

from app.models import Activity, FormSubmission
from tests.activities.helpers import form_data, make_activity
from tests.support import csrf_from

TOKEN_RE = re.compile(r'name="form_token"[^>]*value="([^"]+)"')


def _form_page(client, url):
    page = client.get(url).get_data(as_text=True)
    return csrf_from(page), TOKEN_RE.search(page).group(1)


def _activities(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Activity))


def test_activity_form_posted_twice_with_the_same_token_stores_one_activity(client, db, make_user, login):
    login(make_user("commune"))
    csrf, token = _form_page(client, "/activities/new")
    data = {**form_data("fair"), "csrf_token": csrf, "form_token": token}
    first = client.post("/activities/new", data=data)
    second = client.post("/activities/new", data=data)  # the double click, or the second tab
    assert first.status_code == second.status_code == 302
    assert first.headers["Location"] == second.headers["Location"]
    assert _activities(db) == 1
    assert "đã được gửi trước đó" in client.get(second.headers["Location"]).get_data(as_text=True)


def test_a_new_form_makes_a_new_activity(client, db, make_user, login):
    login(make_user("commune"))
    for _ in range(2):
        csrf, token = _form_page(client, "/activities/new")
        assert client.post("/activities/new", data={**form_data("fair"), "csrf_token": csrf,
                                                    "form_token": token}).status_code == 302
    assert _activities(db) == 2


@pytest.mark.wipe  # two threads, two connections: committed rows only
def test_two_concurrent_submissions_of_one_form_store_one_activity(app, client, db, make_user, login):
    login(make_user("commune"))
    csrf, token = _form_page(client, "/activities/new")
    data = {**form_data("fair"), "csrf_token": csrf, "form_token": token}
    cookie = client.get_cookie("session").value
    statuses, start = [], threading.Barrier(2)

    def submit():
        other = app.test_client()
        other.set_cookie("session", cookie)
        start.wait()
        statuses.append(other.post("/activities/new", data=data).status_code)

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302, 302]
    assert _activities(db) == 1
    assert db.session.scalar(select(func.count()).select_from(FormSubmission)) == 1


def test_copy_form_sent_twice_makes_one_copy(client, db, make_user, login):
    user = make_user("commune")
    login(user)
    activity = make_activity(user)
    csrf, token = _form_page(client, f"/activities/{activity.id}/copy")
    data = {"csrf_token": csrf, "form_token": token, "start": "2026-08-01T08:00", "end": "2026-08-01T11:00"}
    assert client.post(f"/activities/{activity.id}/copy", data=data).status_code == 302
    assert client.post(f"/activities/{activity.id}/copy", data=data).status_code == 302
    assert _activities(db) == 2


@pytest.mark.wipe  # tests.checkin's count() reads after a rollback, as the check-in tests do
def test_walk_in_form_sent_twice_without_a_phone_stores_one_person(client, db, make_user, login, make_activity):
    """Issue 22 item 7: the walk-in form carries a nonce (SPEC §5), so a double click stores the person once."""
    from tests.checkin.conftest import count

    activity = make_activity()
    login(make_user("commune"))
    page = client.get(f"/activities/{activity.id}/walk-in").get_data(as_text=True)
    nonce = re.search(r'name="nonce"[^>]*value="([^"]+)"', page).group(1)
    data = {"csrf_token": csrf_from(page), "nonce": nonce, "full_name": "Lê Văn Cường", "consent": "y",
            "audience": "", "residence_code": ""}
    url = f"/activities/{activity.id}/walk-in"
    assert [client.post(url, data=data).status_code for _ in range(2)] == [302, 302]
    assert count(db, activity.id) == 1


def test_photo_form_sent_twice_stores_its_photos_once(client, db, make_user, login):
    import io

    from app.models import Photo
    from tests.hardening.test_upload_limits import png_bytes

    user = make_user("commune")
    login(user)
    activity = make_activity(user)
    csrf, token = _form_page(client, f"/activities/{activity.id}")
    for _ in range(2):  # the double click on "Tải lên"
        files = [(io.BytesIO(png_bytes()), "a.png"), (io.BytesIO(png_bytes()), "b.png")]
        response = client.post(f"/activities/{activity.id}/photos", content_type="multipart/form-data",
                               data={"csrf_token": csrf, "form_token": token, "photos": files})
        assert response.status_code == 302
    assert "đã được gửi trước đó" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Photo).where(Photo.activity_id == activity.id)) == 2


def test_question_logged_at_the_stall_twice_is_stored_once(client, db, make_user, login, make_activity):
    from app.models import Question

    activity = make_activity()
    login(make_user("commune"))
    csrf, token = _form_page(client, f"/activities/{activity.id}/scanner")
    data = {"csrf_token": csrf, "form_token": token, "text": "Mua BHYT hộ gia đình ở đâu?", "topic": "bhyt"}
    answers = [client.post(f"/activities/{activity.id}/questions", data=data) for _ in range(2)]
    assert [a.status_code for a in answers] == [302, 302]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Question)) == 1


def test_api_activity_sent_twice_with_one_idempotency_key_is_created_once(client, db, make_user, api_token):
    headers = {**api_token(make_user("commune")), "Idempotency-Key": "2b9f0c1e-lan-thu-lai"}
    body = {"kind": "fair", "title": "Ngày hội BHYT", "start": "2026-07-01T08:00:00+07:00",
            "end": "2026-07-01T11:00:00+07:00", "status": "planned"}
    first = client.post("/api/v1/activities", json=body, headers=headers)
    again = client.post("/api/v1/activities", json=body, headers=headers)  # a retry after a dropped connection
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"] and _activities(db) == 1
    other = client.post("/api/v1/activities", json=body, headers={**headers, "Idempotency-Key": "khac"})
    assert other.status_code == 201 and _activities(db) == 2
    bad = client.post("/api/v1/activities", json=body, headers={**headers, "Idempotency-Key": "x" * 201})
    assert bad.status_code == 422 and "Idempotency-Key" in bad.get_json()["error"]["fields"]


def test_api_question_sent_twice_with_one_idempotency_key_is_stored_once(client, db, make_user, api_token,
                                                                         make_activity):
    from app.models import Question

    activity = make_activity()
    headers = {**api_token(make_user("commune")), "Idempotency-Key": "cau-hoi-1"}
    body = {"text": "Mua BHYT hộ gia đình ở đâu?", "topic": "bhyt"}
    answers = [client.post(f"/api/v1/activities/{activity.id}/questions", json=body, headers=headers)
               for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200] and answers[0].get_json()["id"] == answers[1].get_json()["id"]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Question)) == 1


def test_pre_registration_sent_twice_without_a_phone_registers_once(app, client, db, make_activity):
    """The double tap on "Đăng ký" (a slow phone): one registration; both answers show the same ticket."""
    from app.checkin.services import poster_token
    from app.models import Registration

    activity = make_activity(preregistration=True)
    url = f"/r/{poster_token(activity, app.config['SECRET_KEY'])}"
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "nonce": re.search(r'name="nonce"[^>]*value="([^"]+)"', page).group(1),
            "full_name": "Lê Thị Không Số", "consent": "y", "audience": "", "residence_code": ""}
    answers = [client.post(url, data=data).get_data(as_text=True) for _ in range(2)]
    tickets = [re.search(r'/t/([^".]+)\.png', a).group(1) for a in answers]
    assert tickets[0] == tickets[1]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Registration)) == 1
