"""Issue 22 item 2: sessions and tokens that can be ended — the old cookies get the login page."""

from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest

from app.models.types import utcnow
from tests.support import csrf_token, post_form


def _log_in(client, user, remember=False):
    data = {"username": user.username, "password": user.plain_password}
    if remember:
        data["remember"] = "y"
    assert post_form(client, "/login", data).status_code == 302


def _stolen(app, client, names=("session", "remember_token")):
    """A second browser holding copies of the first one's cookies (what someone who copied them would have)."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        if cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def _is_login_page(response) -> bool:
    return response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("names", [("session",), ("remember_token",)])
def test_cookies_copied_before_logout_get_the_login_page_after_it(app, client, make_user, names):
    user = make_user("city")
    _log_in(client, user, remember=True)
    thief = _stolen(app, client, names)
    assert thief.get("/profile").status_code == 200  # the copy works while the owner is logged in
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    assert _is_login_page(thief.get("/profile"))


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, make_user):
    user = make_user("city")
    _log_in(client, user, remember=True)
    laptop = _stolen(app, client)
    response = post_form(client, "/profile", {"current": user.plain_password, "new": "Qx7-vn-2026b",
                                              "confirm": "Qx7-vn-2026b"})
    assert response.status_code == 302
    assert client.get("/profile").status_code == 200
    assert _is_login_page(laptop.get("/profile"))


def test_admin_reset_and_deactivation_end_the_users_sessions(app, client, make_user, login):
    victim = make_user("commune")
    phone = app.test_client()
    _log_in(phone, victim, remember=True)
    login(make_user("admin"))
    response = post_form(client, f"/admin/users/{victim.id}/password", {"reset-password": "Qx7-vn-2026c"},
                         form_url=f"/admin/users/{victim.id}")
    assert response.status_code == 302
    assert _is_login_page(phone.get("/profile"))
    victim.plain_password = "Qx7-vn-2026c"
    _log_in(phone, victim)
    assert phone.get("/profile").status_code == 200
    post_form(client, f"/admin/users/{victim.id}/deactivate", {}, form_url="/admin/users")
    assert _is_login_page(phone.get("/profile"))


def test_remember_me_cookie_is_lax_http_only_and_lasts_14_days(client, make_user):
    user = make_user("city")
    response = post_form(client, "/login", {"username": user.username, "password": user.plain_password,
                                            "remember": "y"})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token="))
    assert "SameSite=Lax" in cookie and "HttpOnly" in cookie
    expires = parsedate_to_datetime(cookie.split("Expires=", 1)[1].split(";", 1)[0])
    assert abs(expires - (utcnow() + timedelta(days=14))) < timedelta(minutes=5)


def test_tokens_page_lists_own_tokens_and_revokes_at_once(client, db, make_user, login, api_token):
    user, other = make_user("commune"), make_user("commune")
    mine, theirs = api_token(user), api_token(other)
    login(user)
    page = client.get("/tokens").get_data(as_text=True)
    own_prefix = mine["Authorization"].split()[1][:8]
    assert own_prefix in page and theirs["Authorization"].split()[1][:8] not in page
    from app.models import ApiToken

    own = db.session.query(ApiToken).filter_by(user_id=user.id).one()
    other_token = db.session.query(ApiToken).filter_by(user_id=other.id).one()
    assert post_form(client, f"/tokens/{other_token.id}/revoke", {}, form_url="/tokens").status_code == 404
    assert post_form(client, f"/tokens/{own.id}/revoke", {}, form_url="/tokens").status_code == 302
    assert client.get("/api/v1/communes", headers=mine).status_code == 401
    assert client.get("/api/v1/communes", headers=theirs).status_code == 200


def test_tokens_cli_creates_with_expiry_lists_and_revokes(runner, client, make_user):
    user = make_user("city", username="canbo.tp")
    created = runner.invoke(args=["create-token", "canbo.tp", "--days", "30"])
    assert created.exit_code == 0 and "hết hạn / expires" in created.output
    headers = {"Authorization": f"Bearer {created.output.strip().splitlines()[-1]}"}
    assert client.get("/api/v1/communes", headers=headers).status_code == 200
    listed = runner.invoke(args=["tokens", "list", "canbo.tp"])
    token_id = listed.output.split()[0]
    assert "active" in listed.output
    assert runner.invoke(args=["tokens", "revoke", token_id]).exit_code == 0
    assert "revoked" in runner.invoke(args=["tokens", "list"]).output
    assert client.get("/api/v1/communes", headers=headers).status_code == 401
    assert user.id
