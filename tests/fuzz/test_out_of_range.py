"""Found by Schemathesis: ids and page numbers too large for the database were a 500 (SQLite OverflowError)."""

import pytest

from tests.support import post_form

HUGE = "99999999999999999999"


@pytest.mark.parametrize("url", [f"/api/v1/activities/{HUGE}", f"/api/v1/activities/{HUGE}/report.pdf",
                                 "/api/v1/activities/2147483648"])
def test_api_id_beyond_an_integer_column_is_not_found(client, make_user, api_token, url):
    headers = api_token(make_user("admin"))
    for method in ("get", "patch", "delete"):
        response = getattr(client, method)(url, headers=headers, json={})
        assert response.status_code in (404, 405), (method, url)
    response = client.get(url, headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_api_notification_id_beyond_an_integer_column_is_not_found(client, make_user, api_token):
    response = client.post(f"/api/v1/notifications/{HUGE}/read", headers=api_token(make_user("admin")))
    assert response.status_code == 404


@pytest.mark.parametrize("query", [f"page={HUGE}", "page=" + "9" * 5000, f"per_page={HUGE}", "page=0"])
def test_api_page_out_of_range_is_a_422(client, make_user, api_token, query):
    response = client.get(f"/api/v1/activities?{query}", headers=api_token(make_user("admin")))
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) & {"page", "per_page"}


@pytest.mark.parametrize("url", [f"/activities?page={HUGE}", f"/notifications?page={HUGE}", f"/activities/{HUGE}",
                                 f"/activities/{HUGE}/edit"])
def test_pages_with_huge_numbers_answer_without_a_500(client, make_user, login, url):
    login(make_user("admin"))
    response = client.get(url)
    assert response.status_code in (200, 404), (url, response.status_code)


@pytest.mark.parametrize("send", [
    lambda c, h: c.get("/api/v1/campaigns/%00/compliance", headers=h),
    lambda c, h: c.get("/api/v1/activities?kind=a%00", headers=h),
])
def test_a_nul_character_in_the_address_is_a_400(client, make_user, api_token, send):
    """Found by the form fuzzer on PostgreSQL: text with NUL cannot be stored or compared there (was a 500)."""
    assert send(client, api_token(make_user("admin"))).status_code == 400


@pytest.mark.parametrize("send", [
    lambda c, h: c.post("/api/v1/activities", json={"title": "a\x00"}, headers=h),
    lambda c, h: post_form(c, "/login", {"username": "\x00", "password": "x"}),
])
def test_a_nul_character_in_a_body_is_a_422(client, make_user, api_token, send):
    """A payload's NUL is a field's error (issue 22): 422, never stored."""
    assert send(client, api_token(make_user("admin"))).status_code == 422
