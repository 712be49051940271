"""The lean cookie session (app/security.py): API calls get no cookie; browsers keep theirs."""

import pytest

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction


def _session_cookies(response) -> list[str]:
    return [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]


def test_api_calls_with_a_bearer_token_get_no_cookie(client, db, make_user, api_token, make_activity):
    activity = make_activity()
    headers = api_token(make_user("commune"))
    body = {"full_name": "Đỗ Văn Hùng", "phone": "0977000111", "consent": True}
    answers = [
        client.get("/api/v1/communes", headers=headers),
        client.post(f"/api/v1/activities/{activity.id}/checkins", json=body, headers=headers),
        client.post(f"/api/v1/activities/{activity.id}/checkins", json={**body, "consent": False}, headers=headers),
        client.get("/api/v1/notifications", headers=headers),
        client.get("/api/v1/communes"),  # 401 without a token
    ]
    assert [a.status_code for a in answers] == [200, 201, 422, 200, 401]
    for answer in answers:
        assert "Set-Cookie" not in answer.headers, answer.request.path
    assert client.get_cookie("session") is None


def test_api_call_with_an_unrelated_cookie_gets_no_session_cookie(client, db, make_user, api_token):
    client.set_cookie("_ga", "GA1.1.123")
    response = client.get("/api/v1/communes", headers=api_token(make_user("city")))
    assert response.status_code == 200
    assert _session_cookies(response) == []


def test_browser_login_gets_its_cookie_and_stays_logged_in(client, db, make_user, login):
    user = make_user("city", full_name="Trần Quốc Tuấn")
    assert client.get("/communes").status_code == 302  # anonymous first
    response = login(user)
    assert _session_cookies(response), "the login answer set no session cookie"
    assert "HttpOnly" in _session_cookies(response)[0]
    assert client.get("/communes").status_code == 200
    assert "Trần Quốc Tuấn" in client.get("/", follow_redirects=True).get_data(as_text=True)


def test_logged_in_browser_calling_the_api_keeps_its_session(client, db, make_user, login, api_token):
    user = make_user("city")
    login(user)
    assert client.get("/api/v1/communes", headers=api_token(user)).status_code == 200
    assert client.get("/communes").status_code == 200


def test_anonymous_page_that_writes_the_session_still_sets_the_cookie(client, db):
    response = client.get("/login")  # the CSRF token is kept in the session
    assert response.status_code == 200
    assert _session_cookies(response)


def test_api_answers_do_not_vary_on_cookies_but_pages_do(client, db, make_user, api_token):
    """Bearer-token calls skip the cookie-session hooks (CSRF, remember-me); pages keep them."""
    headers = api_token(make_user("city"))
    api = client.get("/api/v1/communes", headers=headers)
    assert api.status_code == 200
    assert "Cookie" not in api.headers.get("Vary", "")
    page = client.get("/login")
    assert page.status_code == 200 and "Cookie" in page.headers.get("Vary", "")


def test_page_post_without_csrf_token_is_still_refused(client, db):
    response = client.post("/login", data={"username": "ai", "password": "Matkhau123"})
    assert response.status_code == 400
