"""Issue 22 item 8: the smaller holes an attack found — each test is the attack."""

import pytest
from sqlalchemy import select

from app.checkin import services as svc
from app.models import CheckIn
from tests.checkin.conftest import PERSON, count
from tests.support import post_form

pytestmark = pytest.mark.wipe  # the check-in paths read on their own kept connection: committed rows only


@pytest.fixture
def token(app):
    """The poster token of an activity."""
    return lambda activity: svc.poster_token(activity, app.config["SECRET_KEY"])


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0D%0A/evil.example", "/\\evil.example",
                                    "//evil.example", "https://evil.example", "/%5Cevil.example"])
def test_language_switch_never_redirects_off_site(client, target):
    response = client.get(f"/lang/vi?next={target}")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_language_switch_still_returns_to_a_local_page(client):
    assert client.get("/lang/en?next=/reports/").headers["Location"] == "/reports/"


def test_login_next_with_a_tab_is_not_followed(client, make_user):
    user = make_user("city")
    response = post_form(client, "/login?next=/%09/evil.example",
                         {"username": user.username, "password": user.plain_password}, form_url="/login")
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_someone_typing_a_registered_phone_never_gets_that_persons_ticket_or_name(client, make_activity, token):
    activity = make_activity(preregistration=True)
    url = f"/r/{token(activity)}"
    owner = post_form(client, url, PERSON).get_data(as_text=True)
    assert "data-ticket" in owner
    stranger = post_form(client.application.test_client(), url, {**PERSON, "full_name": "Kẻ Lạ"}).get_data(as_text=True)
    assert "Số điện thoại này đã được đăng ký" in stranger
    assert "data-ticket" not in stranger and "/t/" not in stranger and PERSON["full_name"] not in stranger


def test_someone_typing_a_checked_in_phone_never_sees_that_persons_name_or_code(client, db, make_activity, token):
    activity = make_activity()
    url = f"/c/{token(activity)}"
    post_form(client, url, PERSON)
    code = db.session.scalar(select(CheckIn.code).where(CheckIn.activity_id == activity.id))
    stranger = post_form(client.application.test_client(), url, {**PERSON, "full_name": "Kẻ Lạ"})
    page = stranger.get_data(as_text=True)
    assert "Số điện thoại này đã điểm danh lúc" in page
    assert code not in page and PERSON["full_name"] not in page


def test_staff_api_refuses_checkins_on_a_cancelled_activity(client, db, make_user, make_activity, api_token):
    activity = make_activity()
    activity.status = "cancelled"
    activity.cancel_reason = "Mưa bão"
    db.session.commit()
    headers = api_token(make_user("commune"))
    response = client.post(f"/api/v1/activities/{activity.id}/checkins", json={**PERSON, "consent": True},
                           headers=headers)
    assert response.status_code == 409 and response.json["error"]["code"] == "activity_cancelled"
    assert count(db, activity.id) == 0


def test_walk_in_on_a_cancelled_activity_is_refused_too(client, db, make_user, login, make_activity):
    activity = make_activity()
    activity.status = "cancelled"
    activity.cancel_reason = "Mưa bão"
    db.session.commit()
    login(make_user("commune"))
    post_form(client, f"/activities/{activity.id}/walk-in", PERSON)
    assert count(db, activity.id) == 0



def test_personal_data_pages_json_and_exports_are_never_stored(client, db, make_user, login, make_activity,
                                                               api_token):
    activity = make_activity()
    headers = api_token(make_user("commune"))
    created = client.post(f"/api/v1/activities/{activity.id}/checkins", json={**PERSON, "consent": True},
                          headers=headers)
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    listed = client.get(f"/api/v1/activities/{activity.id}/checkins", headers=headers)
    assert listed.headers["Cache-Control"] == "no-store"
    login(make_user("commune"))
    for url in (f"/activities/{activity.id}/attendance", f"/activities/{activity.id}/attendance.csv",
                f"/activities/{activity.id}/attendance.xlsx", f"/activities/{activity.id}/attendance.pdf",
                "/activities/export.xlsx", "/activities/export.csv", "/campaigns/bhyt-day-2026/matrix.xlsx"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    static = client.get("/static/css/app.css")
    static.close()
    assert "no-store" not in static.headers.get("Cache-Control", "")


@pytest.mark.parametrize("password, why", [("password1", "phổ biến"), ("1qaz2wsx", "phổ biến"),
                                           ("LanToa2026", "phổ biến"), ("xNguyenan99", "tên đăng nhập")])
def test_password_policy_refuses_common_passwords_and_the_username(password, why):
    from app.auth.services import password_problem

    assert why in password_problem(password, "nguyenan")


def test_profile_refuses_a_password_containing_the_username(client, make_user, login):
    user = make_user("city", username="nguyenan")
    login(user)
    page = post_form(client, "/profile", {"current": user.plain_password, "new": "Nguyenan2027",
                                          "confirm": "Nguyenan2027"}).get_data(as_text=True)
    assert "Mật khẩu không được chứa tên đăng nhập." in page


@pytest.mark.parametrize("username", ["Ab", "bad name", "a/b", ".ten", "Nguyễn"])
def test_create_user_applies_the_admin_forms_username_rules(runner, username):
    result = runner.invoke(args=["create-user", username, "--role", "city", "--password", "Qx7-vn-2026a"])
    assert result.exit_code != 0 and "Tên đăng nhập gồm 3–64 ký tự" in result.output
