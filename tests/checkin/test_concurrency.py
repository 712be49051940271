"""Race safety against a live gunicorn with several workers: 2,000 check-ins from 20 threads, 20 % repeats."""

import http.client
import json
import random
import threading
from collections import Counter

import pytest

from bench.server import gunicorn
from tests.checkin.conftest import count

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction


@pytest.mark.slow
def test_2000_checkins_from_20_threads_store_each_phone_exactly_once(app, db, make_user, api_token, make_activity):
    activity = make_activity()
    url = f"/api/v1/activities/{activity.id}/checkins"  # threads have no app context: no ORM access there
    headers = {**api_token(make_user("commune")), "Content-Type": "application/json"}
    rng = random.Random(2026)
    unique = [f"09{n:08d}" for n in rng.sample(range(10**8), 1600)]
    bodies = []
    for i, phone in enumerate(unique):
        bodies.append({"full_name": f"Người {i}", "phone": phone, "consent": True, "nonce": f"u{i}"})
    for i in range(400):  # 20 % repeats: half replay a nonce, half the same phone with a new nonce
        original = rng.choice(bodies[:1600])
        bodies.append(dict(original) if i % 2 else {**original, "nonce": f"r{i}"})
    rng.shuffle(bodies)
    statuses: Counter = Counter()
    lock = threading.Lock()

    with gunicorn("wsgi:app", {"FLASK_CONFIG": "testing", "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"]},
                  workers=4, threads=2) as port:
        def worker(chunk):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            mine = Counter()
            try:
                for body in chunk:
                    conn.request("POST", url, json.dumps(body), headers)
                    response = conn.getresponse()
                    response.read()
                    response.close()
                    mine[response.status] += 1
            finally:
                conn.close()
            with lock:
                statuses.update(mine)

        threads = [threading.Thread(target=worker, args=(bodies[i::20],)) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    assert sum(statuses.values()) == 2000
    assert set(statuses) <= {200, 201}, statuses
    assert statuses[201] == len(unique)
    assert count(db, activity.id) == len(unique)
