"""Fault test: PostgreSQL stopped under load, then started again; gunicorn keeps running.

While the database is down every answer is a 503 with a Vietnamese message and Retry-After; afterwards the
same gunicorn recovers by itself (pool_pre_ping); no check-in answered 201 is missing.
"""

import http.client
import json
import os
import threading
import time

import pytest

from bench.checkin import prepare
from bench.load import stored_nonces
from bench.pgcluster import pg_bin, private_cluster
from bench.server import gunicorn
from tests.support import require_tool

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction

OUTAGE_SECONDS = 4


def _require_postgres_server() -> None:
    bindir = pg_bin()
    require_tool(str(bindir / "initdb") if bindir else "initdb", "fault test starts a private PostgreSQL cluster")
    if os.geteuid() == 0:
        require_tool("runuser", "initdb refuses root: the cluster runs as the postgres user")


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_stopped_under_load_answers_503_recovers_without_restart_and_loses_nothing():
    _require_postgres_server()
    events: list[tuple[float, int, str, dict]] = []  # (time, status, nonce, headers+body of a 503)
    lock = threading.Lock()
    stop = threading.Event()

    with private_cluster() as cluster:
        url = cluster.createdb("outage")
        path, auth, _tickets = prepare(url)
        activity_id = int(path.split("/")[-2])
        headers = {"Content-Type": "application/json", "Authorization": auth}
        env = {"FLASK_CONFIG": "testing", "TEST_DATABASE_URL": url}
        with gunicorn("wsgi:app", env, workers=2, threads=4) as port:

            def sender(w: int):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
                i = 0
                while not stop.is_set() and i < 20_000:  # bounded
                    nonce = f"w{w}-{i}"
                    body = {"full_name": f"Người {w}-{i}", "phone": f"09{w:02d}{i:06d}", "consent": True,
                            "nonce": nonce}
                    i += 1
                    try:
                        conn.request("POST", path, json.dumps(body), headers)
                        response = conn.getresponse()
                        data = response.read()
                        status, extra = response.status, {}
                        if status != 201:
                            extra = {"retry_after": response.getheader("Retry-After"),
                                     "type": response.getheader("Content-Type"), "body": data.decode()}
                    except (OSError, http.client.HTTPException) as exc:
                        status, extra = 0, {"exception": repr(exc)}
                        conn.close()
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
                    with lock:
                        events.append((time.monotonic(), status, nonce, extra))
                    if status != 201:
                        time.sleep(0.05)
                conn.close()

            threads = [threading.Thread(target=sender, args=(w,)) for w in range(6)]
            t0 = time.monotonic()
            for t in threads:
                t.start()
            time.sleep(2)
            t_down = time.monotonic()
            cluster.stop("fast")  # in-flight transactions are cut, new connections refused
            time.sleep(OUTAGE_SECONDS)
            t_restart = time.monotonic()  # from here PostgreSQL may answer again before pg_ctl returns
            cluster.start()
            t_up = time.monotonic()
            deadline = t_up + 30
            first_ok = None
            while time.monotonic() < deadline:  # run on until 2 s of successes after the restart
                with lock:
                    after = [e for e in events if e[0] > t_up and e[1] == 201]
                if after:
                    first_ok = first_ok or after[0][0]
                    if time.monotonic() - first_ok > 2:
                        break
                time.sleep(0.1)
            stop.set()
            for t in threads:
                t.join(timeout=30)
            gunicorn_alive = True  # the context manager raises if gunicorn died; it is the same process throughout

        stored = set(stored_nonces(url, activity_id))

    statuses = [e[1] for e in events]
    created = {e[2] for e in events if e[1] == 201}
    unavailable = [e for e in events if e[1] == 503]
    during = [e for e in events if t_down <= e[0] <= t_up]
    print(f"\noutage timeline: {len(events)} requests in {time.monotonic() - t0:.1f} s; "
          f"201×{statuses.count(201)} before/after, 503×{len(unavailable)}, other×"
          f"{len([s for s in statuses if s not in (201, 503)])}; PostgreSQL down {t_up - t_down:.1f} s; "
          f"first 201 {((first_ok or t_up) - t_up):.2f} s after the restart; stored {len(stored)}; "
          f"answered 201 but missing {len(created - stored)}; stored though answered 503 "
          f"{len({e[2] for e in unavailable} & stored)}")

    assert gunicorn_alive
    assert set(statuses) <= {201, 503}, [e for e in events if e[1] not in (201, 503)][:3]
    assert unavailable, "the outage was not seen"
    surely_down = [e for e in during if t_down + 1 < e[0] < t_restart]
    assert surely_down and all(e[1] == 503 for e in surely_down), "answered 201 with the database down?"
    for _, _, _, extra in unavailable:
        assert extra["retry_after"] == "5"
        assert extra["type"].startswith("application/json")
        error = json.loads(extra["body"])["error"]
        assert error["code"] == "unavailable" and "cơ sở dữ liệu" in error["message"]
    assert first_ok is not None, "no check-in succeeded within 30 s of PostgreSQL coming back"
    assert created - stored == set(), "check-ins answered 201 are missing"
