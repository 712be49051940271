"""API bearer tokens are looked up once per TTL per process; revocation and deactivation still bite (bounded)."""

from datetime import timedelta

from sqlalchemy import select, update

from app.auth import services as auth_services
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


def test_change_made_elsewhere_counts_within_the_cache_ttl(client, make_user, api_token, db, app, monkeypatch):
    """Another process (simulated by a Core UPDATE, which no ORM hook sees) revokes: refused once the TTL is over."""
    clock = [1000.0]
    monkeypatch.setattr(auth_services.time, "monotonic", lambda: clock[0])
    user = make_user("city")
    headers = api_token(user)
    assert client.get("/api/v1/communes", headers=headers).status_code == 200
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id).values(revoked=True))
    db.session.commit()
    assert client.get("/api/v1/communes", headers=headers).status_code == 200  # cached: the documented bound
    clock[0] += app.config["API_TOKEN_CACHE_SECONDS"] + 0.01
    assert client.get("/api/v1/communes", headers=headers).status_code == 401


def test_cache_can_be_switched_off(client, make_user, api_token, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_TOKEN_CACHE_SECONDS", 0)
    user = make_user("city")
    headers = api_token(user)
    assert client.get("/api/v1/communes", headers=headers).status_code == 200
    db.session.execute(update(ApiToken).where(ApiToken.user_id == user.id).values(revoked=True))
    db.session.commit()
    assert client.get("/api/v1/communes", headers=headers).status_code == 401


def test_last_use_is_recorded_at_most_once_a_minute(client, make_user, api_token, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "API_TOKEN_CACHE_SECONDS", 0)  # every call reaches the database
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
    """The cached lookup gives each request its own session-bound user: relationships still load."""
    user = make_user("commune")
    headers = api_token(user)
    for _ in range(3):
        response = client.get("/api/v1/activities", headers=headers)
        assert response.status_code == 200
