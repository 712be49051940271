"""CI-sized load (bench/load.py with smaller numbers): 1,000 check-ins, 20 % repeats, 25 clients, live gunicorn."""

import pytest

from bench.load import make_bodies, send, stored_nonces
from bench.server import gunicorn

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction


@pytest.mark.slow
def test_1000_checkins_with_20_percent_repeats_are_all_answered_and_stored_once(app, db, make_user, api_token,
                                                                                 make_activity):
    activity = make_activity()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    path = f"/api/v1/activities/{activity.id}/checkins"
    headers = {**api_token(make_user("commune")), "Content-Type": "application/json"}
    bodies, unique = make_bodies(1000, 0.2)

    with gunicorn("wsgi:app", {"FLASK_CONFIG": "testing", "TEST_DATABASE_URL": url}, workers=4, threads=2) as port:
        result = send(port, path, headers, bodies, clients=25)

    stored = stored_nonces(url, activity.id)
    print(f"\n{url.split(':')[0]}: sent {result.sent}, {dict(result.statuses)}, stored {len(stored)}, "
          f"{result.elapsed:.1f} s")
    assert result.sent == 1000
    assert dict(result.statuses) == {201: unique, 200: 1000 - unique}
    assert len(stored) == len(set(stored)) == unique
    assert result.created_nonces <= set(stored)
