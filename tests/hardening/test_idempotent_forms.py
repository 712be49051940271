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
