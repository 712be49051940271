"""Two gunicorn processes share one rate limit through Redis (REDIS_URL); without it each counts alone."""

import contextlib
import http.client
import re
import subprocess
import time

import pytest

from bench.server import free_port, gunicorn
from tests.support import require_tool

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction

LIMIT = 20  # /c/<token> POST: 20/minute per client IP (app/checkin/routes.py)


@contextlib.contextmanager
def redis_server():
    """A private redis-server on a free loopback port, nothing written to disk; yields its URL."""
    binary = require_tool("redis-server", "shared rate limits across processes")
    port = free_port()
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _session(port: int) -> tuple[str, str]:
    """A session cookie and its CSRF token from the login page (valid on any process: same SECRET_KEY)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login")
    response = conn.getresponse()
    html = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";", 1)[0]
    conn.close()
    return cookie, re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1)


def _post_until_limited(ports: list[int], tries: int) -> list[int]:
    """POST the self check-in form alternately to each process; the statuses in order."""
    cookie, token = _session(ports[0])
    statuses = []
    for i in range(tries):
        conn = http.client.HTTPConnection("127.0.0.1", ports[i % len(ports)], timeout=10)
        conn.request("POST", "/c/not-a-real-token", f"csrf_token={token}&full_name=A",
                     {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        response = conn.getresponse()
        response.read()
        statuses.append(response.status)
        conn.close()
    return statuses


def _env(app, storage: str | None) -> dict:
    env = {"FLASK_CONFIG": "production", "SECRET_KEY": "shared-secret-for-this-test",
           "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "REDIS_URL": storage or ""}
    return env


@pytest.mark.slow
def test_two_processes_hit_the_limit_at_the_same_total_with_redis(app, db):
    with redis_server() as url:
        with gunicorn("wsgi:app", _env(app, url), workers=2) as a, gunicorn("wsgi:app", _env(app, url), workers=2) as b:
            statuses = _post_until_limited([a, b], LIMIT + 5)
    assert 429 not in statuses[:LIMIT], statuses
    assert statuses[LIMIT:] == [429] * 5, statuses


@pytest.mark.slow
def test_without_redis_each_process_counts_alone(app, db):
    with gunicorn("wsgi:app", _env(app, None), workers=1) as a, gunicorn("wsgi:app", _env(app, None), workers=1) as b:
        statuses = _post_until_limited([a, b], LIMIT + 5)
    assert 429 not in statuses, "memory storage is per process: 25 requests over two processes stay under 2×20"
