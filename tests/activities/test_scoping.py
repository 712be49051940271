"""SPEC §1: a commune user gets 404 for another commune's activity from every page, export and API route."""

import io

import pytest
from werkzeug.datastructures import FileStorage

from app.activities import photos
from app.extensions import db as _db
from tests.activities.helpers import make_activity
from tests.activities.test_pages import png_bytes
from tests.support import csrf_token


def _other_communes_activity(app, make_user):
    city = make_user("city")
    other = make_activity(city, "fair", commune_code="11948", title="Bí mật của Bạch Long Vĩ")
    upload = FileStorage(io.BytesIO(png_bytes((60, 40))), filename="a.png")
    photo = photos.add_photo(other, upload, city, app.config["UPLOAD_DIR"], 5 * 1024 * 1024, 10)
    _db.session.commit()
    return other, photo


@pytest.mark.wipe  # it POSTs a check-in, whose token is read on the fast path's own connection: committed data only
def test_commune_user_gets_404_on_every_activity_route_of_another_commune(app, client, db, make_user, login,
                                                                          api_token):
    other, photo = _other_communes_activity(app, make_user)
    user = make_user("commune", commune_code="11311")
    login(user)
    headers = api_token(user)
    token = csrf_token(client, "/activities/new")
    walked = []
    for rule in app.url_map.iter_rules():
        if "activity_id" not in rule.arguments:
            continue
        if not (rule.endpoint.startswith("activities.") or rule.endpoint.startswith("api.")):
            continue
        values = {"activity_id": other.id}
        if "photo_id" in rule.arguments:
            values["photo_id"] = photo.id
        for arg in rule.arguments - set(values):
            values[arg] = "x"
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            kwargs = {"headers": headers} if rule.endpoint.startswith("api.") else {}
            if method != "GET" and not rule.endpoint.startswith("api."):
                kwargs["data"] = {"csrf_token": token, "cancel_reason": "x", "start": "2026-08-01T08:00",
                                  "end": "2026-08-01T09:00"}
            if method in ("POST", "PATCH") and rule.endpoint.startswith("api."):
                kwargs["json"] = {"title": "Chiếm"}
            response = client.open(url, method=method, **kwargs)
            walked.append((method, rule.rule))
            assert response.status_code == 404, (method, url, response.status_code)
            assert "Bí mật của Bạch Long Vĩ" not in response.get_data(as_text=True)
    endpoints = {r for _, r in walked}
    assert len(endpoints) >= 11 and len(walked) >= 17, walked  # show, edit, held, cancel, copy, delete, photos…, API
    _db.session.expire_all()
    assert _db.session.get(type(other), other.id).title == "Bí mật của Bạch Long Vĩ"


def test_commune_user_lists_calendar_and_exports_only_own_commune(app, client, db, make_user, login, api_token):
    _other_communes_activity(app, make_user)
    user = make_user("commune", commune_code="11311")
    login(user)
    for url in ("/activities", "/activities?commune=11948", "/activities/calendar?month=2026-07",
                "/activities/calendar?month=2026-07&commune=11948", "/activities/export.csv?commune=11948"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Bí mật" not in response.data.decode("utf-8-sig"), url
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(client.get("/activities/export.xlsx?commune=11948").data)).active
    assert sheet.max_row == 1
    body = client.get("/api/v1/activities?commune=11948", headers=api_token(user)).json
    assert body["total"] == 0
