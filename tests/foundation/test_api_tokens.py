"""API bearer tokens: asked of the database on every call, so revocation, expiry and deactivation bite at once."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from app.models import ApiToken, User
from app.models.types import utcnow


def _token(db, user):
    return db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))


def test_revoked_token_is_refused_at_once_in_this_process(client, make_user, api_token, db):
    user = make_user("city")
    headers = api_token(user)
    assert client.get("/api/v1/communes", headers=headers).status_code == 200  # now cached
    _token(db, user).revoked = True
    db.session.commit()
    assert client.get("/api/v1/communes", headers=headers).status_code == 401


@pytest.mark.wipe  # the check-in POST reads its token on the fast path's own connection: committed data only
def test_deactivation_and_role_change_take_effect_at_once_in_this_process(client, make_user, api_token, db):
    user = make_user("city")
    headers = api_token(user)
    assert client.get("/api/v1/communes", headers=headers).status_code == 200
    user = db.session.get(User, user.id)
    user.role = "viewer"
    db.session.commit()
    # A viewer may not check people in: the new role counts immediately.
    assert client.post("/api/v1/activities/1/checkins", json={}, headers=headers).status_code == 403
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/communes", headers=headers).status_code == 401


def test_change_made_elsewhere_counts_at_once(client, make_user, api_token, db):
    """Another process (simulated by a Core UPDATE, which no ORM hook sees) revokes: refused on the next call.
    Before issue 22 a per-process cache answered 200 for 5 more seconds."""
    user = make_user("city")
    headers = api_token(user)
    assert client.get("/api/v1/communes", headers=headers).status_code == 200
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id).values(revoked=True))
    db.session.commit()
    assert client.get("/api/v1/communes", headers=headers).status_code == 401


def test_expired_token_is_refused(client, make_user, api_token, db):
    user = make_user("city")
    headers = api_token(user)
    token = _token(db, user)
    assert token.expires_at - token.created_at == timedelta(days=365)
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get("/api/v1/communes", headers=headers)
    assert response.status_code == 401 and "hết hạn" in response.json["error"]["message"]


def test_last_use_is_recorded_at_most_once_a_minute(client, make_user, api_token, db, app, monkeypatch):
    user = make_user("city")
    headers = api_token(user)
    assert _token(db, user).last_used_at is None
    assert client.get("/api/v1/communes", headers=headers).status_code == 200
    db.session.expire_all()
    first = _token(db, user).last_used_at
    assert first is not None
    assert client.get("/api/v1/communes", headers=headers).status_code == 200
    db.session.expire_all()
    assert _token(db, user).last_used_at == first
    token = _token(db, user)
    token.last_used_at = utcnow() - timedelta(minutes=2)
    db.session.commit()
    assert client.get("/api/v1/communes", headers=headers).status_code == 200
    db.session.expire_all()
    assert _token(db, user).last_used_at > utcnow() - timedelta(minutes=1)


def test_cached_user_is_a_usable_session_object(client, make_user, api_token, db):
    """The lookup gives each request its own session-bound user: relationships still load."""
    user = make_user("commune")
    headers = api_token(user)
    for _ in range(3):
        response = client.get("/api/v1/activities", headers=headers)
        assert response.status_code == 200
