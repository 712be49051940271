"""Activities through the API (SPEC §12): every kind, bad input, scoping, filters."""

import pytest
from sqlalchemy import func, select

from app.domain.kinds import KINDS, QR_KINDS
from app.models import Activity
from tests.activities.helpers import SAMPLE_RESULTS, make_activity, payload


def count(db):
    return db.session.scalar(select(func.count()).select_from(Activity))


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_created_through_the_api_shows_its_results(client, db, make_user, api_token, kind):
    headers = api_token(make_user("commune"))
    response = client.post("/api/v1/activities", json=payload(kind), headers=headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["kind"] == kind and body["status"] == "held"
    assert body["results"] == {k: v for k, v in SAMPLE_RESULTS[kind].items()}
    assert body["start"] == "2026-07-01T08:00:00+07:00"
    again = client.get(f"/api/v1/activities/{body['id']}", headers=headers).json
    assert again["results"] == body["results"]
    if kind in QR_KINDS:
        token = body["checkin_url"].rsplit("/c/", 1)[1]
        assert body["checkin_url"].startswith("http://localhost/c/")
        assert db.session.get(Activity, body["id"]).public_token == token  # the short stored token (issue 16)
    else:
        assert "checkin_url" not in body
    expected = "2026-06-25" if kind == "advisory" else "2026-07-01"
    assert body["evidence_date"] == expected


def test_checkin_url_uses_public_base_url(app, client, db, make_user, api_token):
    app.config["PUBLIC_BASE_URL"] = "https://lantoa.example.vn"
    try:
        body = client.post("/api/v1/activities", json=payload("fair"), headers=api_token(make_user("city"))).json
    finally:
        app.config["PUBLIC_BASE_URL"] = ""
    assert body["checkin_url"].startswith("https://lantoa.example.vn/c/")


def test_naive_datetime_is_vietnam_time(client, db, make_user, api_token):
    body = client.post("/api/v1/activities", json=payload("radio", start="2026-06-22T06:30", end="2026-06-22T07:00"),
                       headers=api_token(make_user("commune"))).json
    assert body["start"] == "2026-06-22T06:30:00+07:00"


BAD = [
    ("negative count", {"results": {"consultations": -5}}, "results.consultations"),
    ("non-http link", {"links": ["ftp://example.com/x"]}, "links"),
    ("javascript link", {"links": ["javascript:alert(1)"]}, "links"),
    ("end before start", {"end": "2026-07-01T07:00:00+07:00"}, "end"),
    ("year 1900", {"start": "1900-07-01T08:00:00+07:00"}, "start"),
    ("unknown kind", {"kind": "party"}, "kind"),
    ("nonexistent commune", {"commune_code": "99999"}, "commune_code"),
    ("10,000-char title", {"title": "A" * 10_000}, "title"),
    ("empty title", {"title": "  "}, "title"),
    ("audience 7", {"audiences": [7]}, "audiences"),
    ("message 20", {"messages": [20]}, "messages"),
    ("too many partners", {"partners": [f"Đơn vị {i}" for i in range(21)]}, "partners"),
    ("long partner", {"partners": ["x" * 101]}, "partners"),
    ("long venue", {"venue": "v" * 301}, "venue"),
    ("bad status", {"status": "done"}, "status"),
    ("unknown result", {"results": {"consultations": 3, "bogus": 1}}, "results.bogus"),
    ("not a date", {"start": "hôm nay"}, "start"),
    ("cancelled without reason", {"status": "cancelled"}, "cancel_reason"),
    ("unknown field", {"colour": "red"}, "colour"),
]


@pytest.mark.parametrize("why,patch,field", BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_422_naming_the_field_and_saves_nothing(client, db, make_user, api_token, why, patch, field):
    headers = api_token(make_user("city"))
    body = payload("fair")
    body.update(patch)
    response = client.post("/api/v1/activities", json=body, headers=headers)
    assert response.status_code == 422
    assert field in response.json["error"]["fields"], response.json
    assert response.json["error"]["fields"][field]
    assert count(db) == 0


def test_held_without_required_results_is_refused(client, db, make_user, api_token):
    response = client.post("/api/v1/activities", json=payload("review", results={"at_risk": 3}),
                           headers=api_token(make_user("commune")))
    assert response.status_code == 422
    assert set(response.json["error"]["fields"]) == {"results.state_supported", "results.potential"}
    assert count(db) == 0


def test_planned_without_results_is_fine_and_held_later_needs_them(client, db, make_user, api_token):
    headers = api_token(make_user("commune"))
    body = client.post("/api/v1/activities", json=payload("radio", status="planned", results={}), headers=headers).json
    refused = client.patch(f"/api/v1/activities/{body['id']}", json={"status": "held"}, headers=headers)
    assert refused.status_code == 422 and "results.broadcasts" in refused.json["error"]["fields"]
    ok = client.patch(f"/api/v1/activities/{body['id']}", json={"status": "held", "results": {"broadcasts": 4}},
                      headers=headers)
    assert ok.status_code == 200 and ok.json["status"] == "held"


def test_not_json_is_a_400(client, db, make_user, api_token):
    response = client.post("/api/v1/activities", data="[1,2]", content_type="application/json",
                           headers=api_token(make_user("city")))
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"


def test_cancel_keeps_data(client, db, make_user, api_token):
    headers = api_token(make_user("commune"))
    body = client.post("/api/v1/activities", json=payload("fair"), headers=headers).json
    response = client.patch(f"/api/v1/activities/{body['id']}",
                            json={"status": "cancelled", "cancel_reason": "Mưa bão"}, headers=headers)
    assert response.status_code == 200
    assert response.json["status"] == "cancelled" and response.json["cancel_reason"] == "Mưa bão"
    assert response.json["results"] == body["results"] and response.json["title"] == body["title"]


def test_commune_user_posting_for_another_commune_gets_422(client, db, make_user, api_token):
    response = client.post("/api/v1/activities", json=payload("fair", commune_code="11948"),
                           headers=api_token(make_user("commune", commune_code="11311")))
    assert response.status_code == 422
    assert "đơn vị mình" in response.json["error"]["fields"]["commune_code"]
    assert count(db) == 0


def test_commune_user_without_commune_code_is_forced_to_own_commune(client, db, make_user, api_token):
    body = client.post("/api/v1/activities", json=payload("fair", commune_code=None),
                       headers=api_token(make_user("commune", commune_code="11948"))).json
    assert body["commune_code"] == "11948"


def test_city_user_may_record_city_level_activity(client, db, make_user, api_token):
    body = client.post("/api/v1/activities", json=payload("launch", commune_code=None),
                       headers=api_token(make_user("city"))).json
    assert body["commune_code"] is None


def test_viewer_reads_but_cannot_write(client, db, make_user, api_token):
    activity = make_activity(make_user("city"))
    headers = api_token(make_user("viewer"))
    assert client.get(f"/api/v1/activities/{activity.id}", headers=headers).status_code == 200
    assert client.get("/api/v1/activities", headers=headers).json["total"] == 1
    assert client.post("/api/v1/activities", json=payload(), headers=headers).status_code == 403
    assert client.patch(f"/api/v1/activities/{activity.id}", json={"title": "x"}, headers=headers).status_code == 403
    assert client.delete(f"/api/v1/activities/{activity.id}", headers=headers).status_code == 403


def test_commune_user_gets_404_for_other_commune_activity(client, db, make_user, api_token):
    other = make_activity(make_user("city"), commune_code="11948")
    headers = api_token(make_user("commune", commune_code="11311"))
    url = f"/api/v1/activities/{other.id}"
    assert client.get(url, headers=headers).status_code == 404
    assert client.patch(url, json={"title": "Chiếm"}, headers=headers).status_code == 404
    assert client.delete(url, headers=headers).status_code == 404
    assert client.get("/api/v1/activities", headers=headers).json["total"] == 0
    assert client.get("/api/v1/activities?commune=11948", headers=headers).json["total"] == 0
    db.session.expire_all()
    assert db.session.get(Activity, other.id).title != "Chiếm"


def test_delete_and_patch(client, db, make_user, api_token):
    headers = api_token(make_user("commune"))
    body = client.post("/api/v1/activities", json=payload("banner"), headers=headers).json
    patched = client.patch(f"/api/v1/activities/{body['id']}", json={"venue": "Chợ Sắt"}, headers=headers).json
    assert patched["venue"] == "Chợ Sắt" and patched["title"] == body["title"]
    assert client.delete(f"/api/v1/activities/{body['id']}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/activities/{body['id']}", headers=headers).status_code == 404


def test_filters_campaign_and_pagination(client, db, make_user, api_token):
    city = make_user("city")
    make_activity(city, "fair")  # 01/7/2026
    make_activity(city, "conference", start="2026-05-12T08:00:00+07:00", end="2026-05-12T10:00:00+07:00")
    make_activity(city, "radio", commune_code="11948", start="2026-06-23T06:00", end="2026-06-23T06:30")
    from app.campaigns.routine import create_may_campaign
    from app.models.types import utcnow

    create_may_campaign(2026, "haiphong", None, utcnow())  # ?campaign= takes the stored campaign's period
    db.session.commit()
    headers = api_token(city)
    get = lambda q: client.get("/api/v1/activities" + q, headers=headers)  # noqa: E731
    assert get("").json["total"] == 3
    assert get("?campaign=bhyt-day-2026").json["total"] == 2
    assert [a["kind"] for a in get("?campaign=thang-van-dong-2026").json["items"]] == ["conference"]
    assert get("?commune=11948").json["total"] == 1
    assert get("?kind=fair&status=held").json["total"] == 1
    assert get("?from=2026-06-01&to=2026-06-30").json["total"] == 1
    page = get("?per_page=1&page=2").json
    assert page["per_page"] == 1 and page["page"] == 2 and len(page["items"]) == 1 and page["pages"] == 3
    for bad, field in (("?campaign=khong-co", "campaign"), ("?per_page=500", "per_page"), ("?page=0", "page"),
                       ("?from=1900-01-01", "from"), ("?kind=x", "kind"), ("?commune=99999", "commune"),
                       ("?per_page=abc", "per_page")):
        response = get(bad)
        assert response.status_code == 422 and field in response.json["error"]["fields"], bad
