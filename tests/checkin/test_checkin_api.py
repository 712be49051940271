"""SPEC §12 check-in API and the scanner endpoint: idempotent nonces, duplicates, reason codes, scoping."""

from datetime import timedelta

import pytest

from app.checkin import services as svc
from app.models import Registration
from app.models.types import utcnow
from tests.checkin.conftest import count
from tests.support import csrf_token, post_form

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction

BODY = {"full_name": "Trần Thị Bình", "phone": "0987654321", "birth_year": 1990, "audience": 3,
        "residence_code": "11948", "bhyt_status": "none", "consent": True}


def _post(client, headers, activity, body):
    return client.post(f"/api/v1/activities/{activity.id}/checkins", json=body, headers=headers)


def test_new_checkin_is_201_and_a_repeat_by_phone_is_200_duplicate_with_the_first_time(
        client, db, make_user, api_token, make_activity):
    activity = make_activity()
    headers = api_token(make_user("commune"))
    first = _post(client, headers, activity, BODY)
    assert first.status_code == 201, first.json
    again = _post(client, headers, activity, {**BODY, "full_name": "Ai đó"})
    assert again.status_code == 200
    assert again.json["duplicate"] is True
    assert again.json["first_time"] == first.json["first_time"]
    assert again.json["id"] == first.json["id"]
    assert count(db, activity.id) == 1


def test_same_nonce_twice_on_the_api_is_stored_once_with_the_same_answer(client, db, make_user, api_token,
                                                                        make_activity):
    activity = make_activity()
    headers = api_token(make_user("city"))
    body = {**BODY, "phone": None, "nonce": "n-1"}
    first = _post(client, headers, activity, body)
    second = _post(client, headers, activity, body)
    assert first.status_code == 201 and second.status_code == 200
    assert second.json["id"] == first.json["id"] and second.json["code"] == first.json["code"]
    assert count(db, activity.id) == 1


def test_same_nonce_twice_on_the_scanner_endpoint_is_stored_once(client, db, make_user, login, make_activity, app):
    activity = make_activity(preregistration=True)
    registration, _ = svc.register(activity, {**BODY}, utcnow())
    db.session.commit()
    ticket = svc.ticket_for(registration, app.config["SECRET_KEY"])
    login(make_user("commune"))
    token = csrf_token(client, f"/activities/{activity.id}/scanner")
    url = f"/activities/{activity.id}/scanner/checkins"
    answers = [client.post(url, json={"ticket": ticket, "nonce": "scan-1"}, headers={"X-CSRFToken": token})
               for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 200]
    assert answers[0].json["id"] == answers[1].json["id"]
    other_nonce = client.post(url, json={"ticket": ticket, "nonce": "scan-2"}, headers={"X-CSRFToken": token})
    assert other_nonce.status_code == 200 and other_nonce.json["duplicate"] is True
    assert count(db, activity.id) == 1


def test_scanner_endpoint_needs_the_csrf_header(client, db, make_user, login, make_activity):
    activity = make_activity()
    login(make_user("commune"))
    response = client.post(f"/activities/{activity.id}/scanner/checkins", json=BODY)
    assert response.status_code == 400
    assert count(db) == 0


@pytest.mark.parametrize("change, code, status", [
    ({"consent": False}, "consent_required", 422),
    ({"phone": "091234567"}, "invalid_field", 422),
    ({"phone": "09123abc78"}, "invalid_field", 422),
    ({"full_name": "x" * 10_000}, "invalid_field", 422),
    ({"birth_year": 3000}, "invalid_field", 422),
    ({"audience": 9}, "invalid_field", 422),
    ({"residence_code": "99999"}, "invalid_field", 422),
    ({"bhyt_status": "maybe"}, "invalid_field", 422),
    ({"nonce": "x" * 65}, "invalid_field", 422),
])
def test_every_bad_field_is_refused_with_its_reason_code(client, db, make_user, api_token, make_activity,
                                                         change, code, status):
    activity = make_activity()
    response = _post(client, api_token(make_user("admin")), activity, {**BODY, **change})
    assert response.status_code == status
    assert response.json["error"]["code"] == code
    assert response.json["error"]["fields"]
    assert count(db) == 0


def test_not_json_is_invalid_field_not_500(client, db, make_user, api_token, make_activity):
    activity = make_activity()
    headers = api_token(make_user("admin"))
    for body in ([1, 2], "text", None):
        response = client.post(f"/api/v1/activities/{activity.id}/checkins", json=body, headers=headers)
        assert response.status_code == 422 and response.json["error"]["code"] == "invalid_field"
    response = client.post(f"/api/v1/activities/{activity.id}/checkins", data="{oops", headers=headers,
                           content_type="application/json")
    assert response.status_code == 422


def test_tickets_refused_for_bad_revoked_and_wrong_activity(client, db, make_user, api_token, make_activity, app):
    key = app.config["SECRET_KEY"]
    one, two = make_activity(preregistration=True), make_activity(preregistration=True)
    reg, _ = svc.register(one, dict(BODY), utcnow())
    db.session.commit()
    ticket = svc.ticket_for(reg, key)
    headers = api_token(make_user("admin"))
    assert _post(client, headers, two, {"ticket": ticket}).json["error"]["code"] == "wrong_activity"
    assert _post(client, headers, one, {"ticket": ticket[:-3] + "xyz"}).json["error"]["code"] == "invalid_token"
    poster = svc.poster_token(one, key)
    assert _post(client, headers, one, {"ticket": poster}).json["error"]["code"] == "invalid_token"
    reg = db.session.get(Registration, reg.id)
    reg.revoked = True
    db.session.commit()
    assert _post(client, headers, one, {"ticket": ticket}).json["error"]["code"] == "revoked_token"
    assert count(db) == 0


def test_outside_window_on_the_api_binds_tickets_but_not_staff_walk_ins(client, db, make_user, api_token,
                                                                        make_activity, app):
    activity = make_activity(start=utcnow() - timedelta(days=2), preregistration=True)
    headers = api_token(make_user("admin"))
    reg, _ = svc.register(activity, dict(BODY), utcnow())
    db.session.commit()
    refused = _post(client, headers, activity, {"ticket": svc.ticket_for(reg, app.config["SECRET_KEY"])})
    assert refused.status_code == 422 and refused.json["error"]["code"] == "outside_window"
    assert _post(client, headers, activity, {**BODY, "phone": "0911111111"}).status_code == 201  # staff entry


def test_commune_user_gets_404_for_other_commune_activity(client, db, make_user, api_token, login, make_activity):
    activity = make_activity(commune_code="11948")
    user = make_user("commune")  # Phường Hồng Bàng
    headers = api_token(user)
    assert _post(client, headers, activity, BODY).status_code == 404
    assert client.get(f"/api/v1/activities/{activity.id}/checkins", headers=headers).status_code == 404
    assert client.get(f"/api/v1/activities/{activity.id}/qr.png", headers=headers).status_code == 404
    login(user)
    for path in ("attendance", "attendance.csv", "attendance.xlsx", "scanner", "walk-in", "import", "qr.png",
                 "scanner/search?q=a"):
        assert client.get(f"/activities/{activity.id}/{path}").status_code == 404, path
    assert count(db) == 0


def test_list_masks_phones_for_viewers_who_see_no_personal_data(client, db, make_user, api_token, make_activity):
    activity = make_activity()
    _post(client, api_token(make_user("commune")), activity, BODY)
    city = client.get(f"/api/v1/activities/{activity.id}/checkins", headers=api_token(make_user("city"))).json
    assert city[0]["phone"] == "0987654321" and city[0]["full_name"] == "Trần Thị Bình"
    viewer = client.get(f"/api/v1/activities/{activity.id}/checkins", headers=api_token(make_user("viewer"))).json
    assert viewer[0]["audience"] == 3 and "full_name" not in viewer[0] and "phone" not in viewer[0]
    assert svc.mask_phone("0987654321") == "09xx xxx 321"


def test_viewer_cannot_check_in_or_export(client, db, make_user, api_token, login, make_activity):
    activity = make_activity()
    viewer = make_user("viewer")
    assert _post(client, api_token(viewer), activity, BODY).status_code == 403
    login(viewer)
    page = client.get(f"/activities/{activity.id}/attendance")
    assert page.status_code == 200 and "không xem dữ liệu cá nhân" in page.get_data(as_text=True)
    assert client.get(f"/activities/{activity.id}/attendance.csv").status_code == 403


def test_qr_svg_and_png_from_the_api(client, db, make_user, api_token, make_activity):
    activity = make_activity()
    headers = api_token(make_user("viewer"))
    assert client.get(f"/api/v1/activities/{activity.id}/qr.png", headers=headers).mimetype == "image/png"
    svg = client.get(f"/api/v1/activities/{activity.id}/qr.svg", headers=headers)
    assert svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_counts_in_one_query(db, make_activity, app):
    a, b = make_activity(), make_activity()
    for i in range(3):
        svc.record_checkin(a, {**BODY, "phone": f"090000000{i}", "audience": 1 + i % 2}, "staff", None, utcnow())
    db.session.commit()
    assert svc.checkin_counts([a.id, b.id]) == {a.id: 3, b.id: 0}
    assert svc.counts_by_audience(a.id) == {1: 2, 2: 1}
    assert svc.counts_by_residence(a.id)[0][2] == 3


def test_export_is_audited(client, db, make_user, login, make_activity):
    from sqlalchemy import select

    from app.models import AuditLog

    activity = make_activity()
    login(make_user("commune"))
    for fmt in ("csv", "xlsx"):
        assert client.get(f"/activities/{activity.id}/attendance.{fmt}").status_code == 200
    actions = db.session.scalars(select(AuditLog.action).where(AuditLog.action == "checkin.export")).all()
    assert len(actions) == 2


def test_walk_in_form_and_search(client, db, make_user, login, make_activity):
    activity = make_activity(preregistration=True)
    for i in range(30):
        svc.register(activity, {**BODY, "full_name": f"Nguyễn Văn Số {i}", "phone": f"09100000{i:02d}"}, utcnow())
    db.session.commit()
    login(make_user("commune"))
    found = client.get(f"/activities/{activity.id}/scanner/search?q=nguyen van").json
    assert len(found) == 20
    assert client.get(f"/activities/{activity.id}/scanner/search?q=0910000007").json[0]["full_name"].endswith("7")
    response = post_form(client, f"/activities/{activity.id}/walk-in",
                         {"full_name": "Lê Văn Cường", "consent": "y", "audience": "", "residence_code": ""})
    assert response.status_code == 302
    assert count(db, activity.id) == 1


def test_search_answers_fast_among_5000_registrations(client, db, make_user, login, make_activity):
    import time

    from sqlalchemy import insert

    activity = make_activity(preregistration=True)
    names = ["Nguyễn Văn", "Trần Thị", "Lê Hoàng", "Phạm Minh", "Hoàng Anh"]
    rows = [{"activity_id": activity.id, "full_name": f"{names[i % 5]} {i}", "name_key": svc.name_key(f"{names[i % 5]} {i}"),
             "phone": f"09{i:08d}", "consent": True, "ticket_nonce": f"n{i}", "revoked": False, "topics": "",
             "created_at": utcnow()} for i in range(5000)]
    db.session.execute(insert(Registration), rows)
    db.session.commit()
    login(make_user("commune"))
    client.get(f"/activities/{activity.id}/scanner/search?q=tran")  # warm
    for q in ("tran thi", "0900001", "hoang", "4999"):
        t0 = time.perf_counter()
        found = client.get(f"/activities/{activity.id}/scanner/search?q={q}").json
        elapsed = time.perf_counter() - t0
        assert 1 <= len(found) <= 20, q
        assert elapsed < 0.25, (q, elapsed)
