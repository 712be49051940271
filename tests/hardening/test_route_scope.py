"""Scope over every route: each endpoint of the URL map is called as every role and as a visitor.

Every endpoint must have a rule here; a new route without one makes this test fail.
Rule = the set of roles that may GET it ("anon" = no login needed). For the others the answer
must be a refusal: 302 to the login page for visitors, 403 (wrong role) or 404 (out of scope).
"""

import pytest

ROLES = ("admin", "city", "commune", "viewer")
ALL = frozenset(ROLES)
CITY = frozenset({"admin", "city", "viewer"})

# endpoint -> (roles allowed to GET, URL arguments builder name)
RULES: dict[str, frozenset] = {
    "static": frozenset({"anon", *ROLES}),
    "auth.login": frozenset({"anon", *ROLES}),
    "auth.logout": frozenset(),  # POST only
    "auth.profile": ALL,
    "main.index": ALL,
    "main.communes": CITY,
    "main.commune": ALL,  # own commune for a commune user (args below point at it)
    "main.set_language": frozenset({"anon", *ROLES}),
    "admin.users": frozenset({"admin"}),
    "admin.new_user": frozenset({"admin"}),
    "admin.edit_user": frozenset({"admin"}),
    "admin.deactivate_user": frozenset(),
    "admin.reset_password": frozenset(),
    "api.communes": frozenset({"token"}),
    "dashboard.targets": CITY,
    "dashboard.targets_xlsx": CITY,
}
POST_ONLY = {"auth.logout", "admin.deactivate_user", "admin.reset_password"}


def _args(endpoint, world):
    """URL arguments that name a real object the commune user owns (or any object for others)."""
    return {
        "static": {"filename": "css/app.css"},
        "main.commune": {"code": "11311"},
        "main.set_language": {"code": "vi"},
        "admin.edit_user": {"user_id": world["users"]["viewer"].id},
        "admin.deactivate_user": {"user_id": world["users"]["viewer"].id},
        "admin.reset_password": {"user_id": world["users"]["viewer"].id},
    }.get(endpoint, {})


def test_every_endpoint_has_a_rule(app):
    missing = sorted(e for e in app.view_functions if e not in RULES)
    assert missing == [], f"add a scope rule for: {missing}"


@pytest.fixture
def world(make_user):
    return {"users": {role: make_user(role, username=f"scope_{role}") for role in ROLES}}


def test_every_route_as_every_role(app, client, world, login, api_token):
    from tests.conftest import csrf_token

    checked = 0
    with app.test_request_context():
        from flask import url_for

        urls = {e: url_for(e, **_args(e, world)) for e in app.view_functions}
    for who in ("anon", *ROLES):
        if who != "anon":
            if who != ROLES[0]:
                client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
            login(world["users"][who])
        for endpoint, url in sorted(urls.items()):
            allowed = RULES[endpoint]
            response = client.get(url)
            response.close()
            if endpoint in POST_ONLY:
                assert response.status_code == 405, (who, endpoint)
            elif "token" in allowed:
                assert response.status_code == 401, (who, endpoint)  # the API wants a bearer token
            elif who in allowed:
                assert response.status_code in (200, 302), (who, endpoint, response.status_code)
                if endpoint != "main.set_language" and response.status_code == 302:
                    assert "/login" not in response.headers["Location"], (who, endpoint)
            elif who == "anon":
                assert response.status_code == 302 and "/login" in response.headers["Location"], (who, endpoint)
            else:
                assert response.status_code in (403, 404), (who, endpoint, response.status_code)
            checked += 1
    assert checked == len(urls) * 5
