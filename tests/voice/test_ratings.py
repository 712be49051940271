"""SPEC §17 satisfaction: one rating per check-in through a signed token (page and API); the KPI counts it once."""

import pytest
from sqlalchemy import select

from app.models import Rating
from tests.checkin.conftest import PERSON
from tests.support import post_form
from tests.voice.helpers import rows

pytestmark = pytest.mark.wipe  # the API check-in's own connection: the full wipe, not a rolled-back transaction


def test_api_checkin_gives_a_rating_token_rated_once_409_again_400_tampered(client, db, make_activity, make_user,
                                                                           api_token):
    activity = make_activity()
    headers = api_token(make_user("commune"))
    checked = client.post(f"/api/v1/activities/{activity.id}/checkins", json=PERSON, headers=headers)
    assert checked.status_code == 201
    token = checked.get_json()["rating_token"]
    first = client.post("/api/v1/ratings", json={"token": token, "score": 5, "comment": "Cán bộ nhiệt tình"})
    assert first.status_code == 201 and first.get_json()["score"] == 5
    assert client.post("/api/v1/ratings", json={"token": token, "score": 4}).status_code == 409
    tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
    bad = client.post("/api/v1/ratings", json={"token": tampered, "score": 5})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_token"
    kpi = client.get(f"/api/v1/satisfaction?activity={activity.id}", headers=headers).get_json()
    assert kpi == {"ratings": 1, "mean": 5.0, "share_satisfied": 1.0}


def test_page_rating_is_single_use_and_shows_on_the_activity_page(client, db, app, make_activity, make_user, login,
                                                                 check_in):
    activity = make_activity()
    resident = app.test_client()
    html, token = check_in(resident, activity)
    assert token and "Bạn hài lòng với hoạt động này ở mức nào?" in html and 'href="/hoi-dap"' in html
    response = post_form(resident, f"/cam-on/{token}/danh-gia", {"score": "5"}, form_url=f"/cam-on/{token}")
    assert "Cảm ơn bạn đã đánh giá" in resident.get(response.headers["Location"]).get_data(as_text=True)
    again = post_form(resident, f"/cam-on/{token}/danh-gia", {"score": "1"}, form_url=f"/cam-on/{token}")
    assert "already_rated" in again.headers["Location"]
    assert [r.score for r in db.session.scalars(select(Rating))] == [5]
    login(make_user("commune"))
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "100,0\u00a0%" in page and "của 1 lượt đánh giá" in page


def test_rating_of_6_and_a_5000_character_comment_get_a_message_and_store_nothing(db, app, make_activity, check_in):
    activity = make_activity()
    resident = app.test_client()
    _, token = check_in(resident, activity)
    six = post_form(resident, f"/cam-on/{token}/danh-gia", {"score": "6"}, form_url=f"/cam-on/{token}")
    assert six.status_code == 422 and "từ 1 đến 5" in six.get_data(as_text=True)
    long = post_form(resident, f"/cam-on/{token}/danh-gia", {"score": "4", "comment": "x" * 5000},
                     form_url=f"/cam-on/{token}")
    assert long.status_code == 422 and "tối đa 1.000 ký tự" in long.get_data(as_text=True)
    api = resident.post("/api/v1/ratings", json={"token": token, "score": 6})
    assert api.status_code == 422 and "score" in api.get_json()["error"]["fields"]
    assert resident.get("/cam-on/khong-hop-le").status_code == 400
    assert rows(db, Rating) == 0
