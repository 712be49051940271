"""Issue 22 item 4: lone surrogates, NUL and other control characters are refused at the door, field named."""

import pytest

from app.checkin import services as svc
from app.models import Activity, CheckIn
from tests.checkin.conftest import PERSON, count
from tests.support import csrf_token, post_form

pytestmark = pytest.mark.wipe  # the check-in API reads on its own kept connection: committed rows only
ACTIVITY = {"commune_code": "11311", "kind": "fair", "title": "Ngày hội BHYT", "start": "2026-07-01T08:00:00+07:00",
            "end": "2026-07-01T11:00:00+07:00", "status": "planned"}


def _raw_json(client, url, text, headers):
    """POST a JSON text as written (so that `\\ud83d` reaches the server as the escape a client sends)."""
    return client.post(url, data=text.encode(), headers={**headers, "Content-Type": "application/json"})


def test_lone_surrogate_in_partners_is_422_naming_the_field(client, db, make_user, api_token):
    headers = api_token(make_user("admin"))
    body = '{"commune_code": "11311", "kind": "fair", "title": "T", "start": "2026-07-01T08:00:00+07:00", ' \
           '"end": "2026-07-01T11:00:00+07:00", "status": "planned", "partners": ["\\ud83d"]}'
    response = _raw_json(client, "/api/v1/activities", body, headers)
    assert response.status_code == 422
    assert list(response.json["error"]["fields"]) == ["partners.0"]
    assert db.session.query(Activity).count() == 0


@pytest.mark.parametrize("bad", ["\u0000", "\u0007", "\u001b[31m", "\u0085", "\ufffe"])
def test_control_character_in_a_name_is_422_naming_the_field(client, db, make_user, api_token, make_activity, bad):
    activity = make_activity()
    headers = api_token(make_user("commune"))
    response = client.post(f"/api/v1/activities/{activity.id}/checkins",
                           json={**PERSON, "consent": True, "full_name": f"Nguyễn{bad}An"}, headers=headers)
    assert response.status_code == 422, response.json
    assert list(response.json["error"]["fields"]) == ["full_name"]
    assert count(db, activity.id) == 0


def test_lone_surrogate_in_a_checkin_nonce_is_422_naming_the_field(client, db, make_user, api_token, make_activity):
    activity = make_activity()
    headers = api_token(make_user("commune"))
    body = '{"full_name": "An", "consent": true, "nonce": "\\udc00abc"}'
    response = _raw_json(client, f"/api/v1/activities/{activity.id}/checkins", body, headers)
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["nonce"]
    assert count(db, activity.id) == 0


def test_scanner_json_with_a_lone_surrogate_ticket_is_422(client, db, make_user, login, make_activity):
    activity = make_activity()
    login(make_user("commune"))
    token = csrf_token(client, f"/activities/{activity.id}/scanner")
    response = _raw_json(client, f"/activities/{activity.id}/scanner/checkins", '{"ticket": "\\ud800"}',
                         {"X-CSRFToken": token})
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == ["ticket"]


def test_self_checkin_form_with_a_control_character_shows_it_next_to_the_field(app, client, db, make_activity):
    activity = make_activity()
    url = f"/c/{svc.poster_token(activity, app.config['SECRET_KEY'])}"
    response = post_form(client, url, {**PERSON, "full_name": "Nguyễn\x0bVăn An"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Có ký tự không hợp lệ (U+000B" in page
    assert count(db, activity.id) == 0


def test_staff_form_with_a_nul_keeps_nothing(client, db, make_user, login):
    login(make_user("admin"))
    response = post_form(client, "/admin/users/new", {"username": "moi", "full_name": "A\x00B", "role": "city",
                                                      "password": "Qx7-vn-2026a"})
    assert response.status_code == 422 and "U+0000" in response.get_data(as_text=True)


def test_clean_text_with_tabs_newlines_and_vietnamese_is_accepted(client, db, make_user, api_token, make_activity):
    activity = make_activity()
    headers = api_token(make_user("commune"))
    response = client.post(f"/api/v1/activities/{activity.id}/checkins",
                           json={**PERSON, "consent": True, "full_name": "Nguyễn Thị Ánh «Ngọc»",
                                 "topics": "BHYT\thộ gia đình\r\nBHXH tự nguyện"}, headers=headers)
    assert response.status_code == 201
    assert db.session.query(CheckIn).count() == 1


def test_lone_surrogate_in_any_json_body_of_the_url_map_is_422_naming_the_field(app, client, db, make_user,
                                                                                 api_token):
    """Every POST/PUT/PATCH of the API (targets, campaigns, tasks, questions, ratings, follow-ups included)."""
    headers = {**api_token(make_user("admin")), "Content-Type": "application/json"}
    args = {"slug": "bhyt-day-2026", "code": "11311", "commune_code": "11311"}
    probed = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) & {"POST", "PUT", "PATCH"}):
            if not rule.endpoint.startswith("api."):
                continue
            url = rule.build({a: args.get(a, 1) for a in rule.arguments}, append_unknown=False)[1]
            response = client.open(url, method=method, data=b'{"text": "ok", "title": "\\ud83d"}', headers=headers)
            fields = (response.json or {}).get("error", {}).get("fields") or {}
            probed.append((method, url, response.status_code, sorted(fields)))
    assert len(probed) >= 10
    assert [p for p in probed if p[2:] != (422, ["title"])] == []
