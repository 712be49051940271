"""Issue 22 item 3: login throttling that cannot be raced and cannot lock the owner out."""

import http.client
import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, select

from app.models import LoginAttempt
from tests.support import csrf_token, post_form

STRANGER, OWNER = {"REMOTE_ADDR": "203.0.113.7"}, {"REMOTE_ADDR": "198.51.100.20"}


def _login(client, username, password, where, **extra):
    data = {"username": username, "password": password, "csrf_token": csrf_token(client), **extra}
    return client.post("/login", data=data, environ_base=where)


def _failures(db) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(LoginAttempt).where(LoginAttempt.ok.is_(False)))


@pytest.mark.slow
@pytest.mark.wipe  # gunicorn's workers see committed rows only
def test_sixty_parallel_wrong_passwords_are_counted_five_times_at_most(db, make_user, gunicorn_port):
    username = make_user("city").username
    port = gunicorn_port  # the session's gunicorn: two workers, one database
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/login")
    page = conn.getresponse()
    cookie = page.getheader("Set-Cookie").split(";", 1)[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.read().decode()).group(1)
    conn.close()

    def wrong(i):
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        c.request("POST", "/login", f"csrf_token={token}&username={username}&password=sai-mat-khau{i}",
                  {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
        status = c.getresponse().status
        c.close()
        return status

    with ThreadPoolExecutor(60) as pool:
        statuses = list(pool.map(wrong, range(60)))
    assert statuses.count(200) <= 5 and statuses.count(429) >= 55, statuses  # 200: "wrong password" re-shown
    assert _failures(db) <= 5


def test_owner_locked_out_by_a_stranger_gets_in_only_with_the_admins_unlock_code(client, db, make_user, login):
    owner = make_user("commune")
    for i in range(5):
        assert _login(client, owner.username, f"doan-sai-{i}", STRANGER).status_code == 200
    refused = _login(client, owner.username, owner.plain_password, OWNER)
    assert refused.status_code == 429  # never silently: the right password from another address is refused too
    assert "mã mở khóa do quản trị viên" in refused.get_data(as_text=True)
    admin = client.application.test_client()
    assert post_form(admin, "/login", {"username": make_user("admin").username, "password": "Matkhau123"}).status_code == 302
    unlocked = post_form(admin, f"/admin/users/{owner.id}/unlock-login", {}, form_url=f"/admin/users/{owner.id}",
                         follow_redirects=True).get_data(as_text=True)
    code = re.search(r"Mã mở khóa của [^:]+: (\d{8})", unlocked).group(1)
    for i in range(5):  # the stranger locks it again at once
        _login(client, owner.username, f"lai-doan-sai-{i}", STRANGER)
    assert _login(client, owner.username, owner.plain_password, OWNER).status_code == 429
    assert _login(client, owner.username, owner.plain_password, STRANGER, unlock_code="00000000").status_code == 429
    assert _login(client, owner.username, owner.plain_password, OWNER, unlock_code=code).status_code == 302


def test_one_address_trying_many_usernames_is_throttled_by_address(client, db, make_user):
    for i in range(20):
        assert _login(client, f"khong-co-{i}", "sai-mat-khau1", STRANGER).status_code == 200
    blocked = _login(client, "khong-co-21", "sai-mat-khau1", STRANGER)
    assert blocked.status_code == 429 and "địa chỉ mạng này" in blocked.get_data(as_text=True)
    user = make_user("city")
    assert _login(client, user.username, user.plain_password, OWNER).status_code == 302


def test_unknown_username_costs_a_password_hash_like_a_known_one(client, db, make_user, monkeypatch):
    from app.auth import services

    checked = []
    real = services.check_password_hash
    monkeypatch.setattr(services, "check_password_hash", lambda h, p: checked.append(p) or real(h, p))
    _login(client, "khong-ai-ca", "sai-mat-khau1", OWNER)
    assert checked == ["sai-mat-khau1"]


def test_unlock_login_cli_prints_a_code_that_lets_the_owner_in(runner, client, db, make_user):
    owner = make_user("city")
    for i in range(5):
        _login(client, owner.username, f"doan-sai-{i}", STRANGER)
    result = runner.invoke(args=["unlock-login", owner.username])
    code = result.output.strip().splitlines()[-1]
    assert result.exit_code == 0 and re.fullmatch(r"\d{8}", code)
    for i in range(5):
        _login(client, owner.username, f"lai-doan-sai-{i}", STRANGER)
    assert _login(client, owner.username, owner.plain_password, OWNER, unlock_code=code).status_code == 302
