"""API callers as a Principal (id, role, commune) on the check-in path; the ORM user still there where it is needed."""

import pytest
from sqlalchemy import select

from app.models import Activity, CheckIn, Notification
from app.models.types import utcnow
from tests.activities.helpers import payload
from tests.checkin.conftest import count

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction

BODY = {"full_name": "Vũ Văn Nam", "phone": "0903456789", "consent": True}


def _checkin(client, headers, activity):
    return client.post(f"/api/v1/activities/{activity.id}/checkins", json=BODY, headers=headers)


def test_commune_user_gets_404_on_another_communes_checkin_and_nothing_is_written(client, db, make_user,
                                                                                  api_token, make_activity):
    theirs = make_activity(commune_code="11948")
    headers = api_token(make_user("commune"))  # Phường Hồng Bàng
    response = _checkin(client, headers, theirs)
    assert response.status_code == 404
    assert "error" in response.json
    assert count(db) == 0


def test_viewer_token_gets_403_on_checkin_and_nothing_is_written(client, db, make_user, api_token, make_activity):
    activity = make_activity()
    response = _checkin(client, api_token(make_user("viewer")), activity)
    assert response.status_code == 403
    assert count(db) == 0


def test_checkin_is_recorded_as_made_by_the_tokens_user(client, db, make_user, api_token, make_activity):
    activity = make_activity()
    user = make_user("commune")
    response = _checkin(client, api_token(user), activity)
    assert response.status_code == 201
    db.session.rollback()
    assert db.session.get(CheckIn, response.json["id"]).created_by_id == user.id


def test_same_token_still_works_where_the_orm_user_is_needed(client, db, make_user, api_token, make_activity):
    activity = make_activity()
    user, other = make_user("commune"), make_user("commune")
    db.session.add_all([Notification(user_id=user.id, kind="activity_soon", key="k-mine", text="Của tôi"),
                        Notification(user_id=other.id, kind="activity_soon", key="k-other", text="Của người khác")])
    db.session.commit()
    headers = api_token(user)
    assert _checkin(client, headers, activity).status_code == 201  # the token's values are now cached

    notifications = client.get("/api/v1/notifications", headers=headers)
    assert notifications.status_code == 200
    assert [n["text"] for n in notifications.json] == ["Của tôi"]
    assert client.post(f"/api/v1/notifications/{notifications.json[0]['id']}/read", headers=headers).status_code == 200

    created = client.post("/api/v1/activities", json=payload("fair"), headers=headers)
    assert created.status_code == 201, created.json
    db.session.rollback()
    row = db.session.get(Activity, created.json["id"])
    assert (row.created_by_id, row.updated_by_id) == (user.id, user.id)
    read_at = db.session.scalar(select(Notification.read_at).where(Notification.key == "k-mine"))
    assert read_at is not None and read_at <= utcnow()

    patched = client.patch(f"/api/v1/activities/{row.id}", json={"venue": "Chợ Sắt"}, headers=headers)
    assert patched.status_code == 200 and patched.json["venue"] == "Chợ Sắt"


def test_commune_user_cannot_create_an_activity_for_another_commune_with_the_same_token(client, db, make_user,
                                                                                        api_token, make_activity):
    headers = api_token(make_user("commune"))
    assert _checkin(client, headers, make_activity()).status_code == 201
    response = client.post("/api/v1/activities", json=payload("fair", commune_code="11948"), headers=headers)
    assert response.status_code == 422 and "commune_code" in response.json["error"]["fields"]
    db.session.rollback()
    assert db.session.scalars(select(Activity).where(Activity.title == payload()["title"])).all() == []
