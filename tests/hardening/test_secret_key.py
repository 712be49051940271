"""Issue 22 item 1: no published key in any server a phone can reach; a generated key survives restarts."""

import http.client
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer

from app import create_app
from bench.server import free_port
from config import DEFAULT_SECRET

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).with_name("flask"))


def test_missing_key_is_generated_once_with_mode_0600(tmp_path):
    path = tmp_path / "instance" / "secret_key"
    first = create_app("development", SECRET_KEY=None, SECRET_KEY_FILE=str(path), SQLALCHEMY_DATABASE_URI="sqlite://")
    again = create_app("development", SECRET_KEY=None, SECRET_KEY_FILE=str(path), SQLALCHEMY_DATABASE_URI="sqlite://")
    assert first.secret_key == again.secret_key and len(first.secret_key) == 64
    assert first.secret_key != DEFAULT_SECRET
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_production_without_key_generates_one_and_refuses_published_ones(tmp_path):
    app = create_app("production", SECRET_KEY=None, SECRET_KEY_FILE=str(tmp_path / "k"),
                     SQLALCHEMY_DATABASE_URI="sqlite://")
    assert len(app.secret_key) == 64
    for published in (DEFAULT_SECRET, "test-secret", "short"):
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            create_app("production", SECRET_KEY=published, SQLALCHEMY_DATABASE_URI="sqlite://")


def _forged_admin_cookie(key: str, user_id: int) -> str:
    """A session cookie for user `user_id`, signed as Flask does, with `key`."""
    iface = SecureCookieSessionInterface()
    signer = URLSafeTimedSerializer(key, salt=iface.salt, serializer=iface.serializer,
                                    signer_kwargs={"key_derivation": iface.key_derivation,
                                                   "digest_method": iface.digest_method})
    return signer.dumps({"_user_id": str(user_id), "_fresh": True})


def _prepare_database(url: str) -> int:
    """An upgraded, seeded database with one admin; returns the admin's id."""
    from flask_migrate import upgrade

    from app.admin.services import create_user
    from app.extensions import db

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        user = create_user("quantri", "admin", "Matkhau123", None, "Quản trị")
        db.session.commit()
        user_id = user.id
        db.session.remove()
        db.engine.dispose()
    return user_id


class TrialServer:
    """`flask run --host 0.0.0.0` as the README's laptop recipe says (no SECRET_KEY set), on a free port."""

    def __init__(self, env: dict):
        self.port = free_port("0.0.0.0")
        self.proc = subprocess.Popen([FLASK, "--app", "wsgi", "run", "--host", "0.0.0.0", "--port", str(self.port)],
                                     cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while self.request("GET", "/login") is None:
            if self.proc.poll() is not None:
                raise RuntimeError("flask run exited: " + self.proc.stderr.read()[-2000:])
            if time.monotonic() > deadline:
                raise RuntimeError("flask run did not start")
            time.sleep(0.1)

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            conn.request(method, path, body, headers or {})
            response = conn.getresponse()
            response.body = response.read().decode()
            return response
        except OSError:
            return None
        finally:
            conn.close()

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self.proc.stderr.close()


def _env(tmp_path, url, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FLASK_CONFIG", "FLASK_DEBUG")}
    env.update(DATABASE_URL=url, SECRET_KEY_FILE=str(tmp_path / "instance" / "secret_key"),
               UPLOAD_DIR=str(tmp_path / "uploads"), **extra)
    return env


def _log_in(server) -> str:
    import re

    page = server.request("GET", "/login")
    cookie = page.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.body).group(1)
    answer = server.request("POST", "/login", f"csrf_token={token}&username=quantri&password=Matkhau123",
                            {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 302, answer.body[:300]
    return answer.getheader("Set-Cookie").split(";", 1)[0]


@pytest.mark.slow
def test_trial_server_refuses_cookie_signed_with_development_key_and_keeps_its_own_across_restarts(tmp_path):
    url = f"sqlite:///{tmp_path / 'trial.db'}"
    admin_id = _prepare_database(url)
    server = TrialServer(_env(tmp_path, url))
    try:
        forged = server.request("GET", "/admin/users",
                                headers={"Cookie": f"session={_forged_admin_cookie(DEFAULT_SECRET, admin_id)}"})
        assert forged.status == 302 and "/login" in forged.getheader("Location")
        cookie = _log_in(server)
        assert server.request("GET", "/admin/users", headers={"Cookie": cookie}).status == 200
    finally:
        server.stop()
    key = (tmp_path / "instance" / "secret_key").read_text().strip()
    for _ in range(2):  # two restarts: the same generated key, the same session
        server = TrialServer(_env(tmp_path, url))
        try:
            assert server.request("GET", "/admin/users", headers={"Cookie": cookie}).status == 200
        finally:
            server.stop()
        assert (tmp_path / "instance" / "secret_key").read_text().strip() == key


@pytest.mark.parametrize("key", [DEFAULT_SECRET, "test-secret"])
def test_flask_run_on_the_network_refuses_to_start_with_a_published_key(tmp_path, key):
    url = f"sqlite:///{tmp_path / 'trial.db'}"
    proc = subprocess.run([FLASK, "--app", "wsgi", "run", "--host", "0.0.0.0", "--port", str(free_port("0.0.0.0"))],
                          cwd=ROOT, env=_env(tmp_path, url, SECRET_KEY=key), capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode != 0
    assert "Refusing to serve on 0.0.0.0 with a development SECRET_KEY" in proc.stderr


def test_seed_demo_refuses_in_production(tmp_path):
    app = create_app("production", SECRET_KEY="x" * 40, SQLALCHEMY_DATABASE_URI="sqlite://")
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0
    assert "refused with FLASK_CONFIG=production" in result.output
