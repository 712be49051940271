"""Login, throttling, CSRF, logout, profile."""

from sqlalchemy import select

from app.models import LoginAttempt
from tests.support import csrf_token, post_form


def test_login_page_is_vietnamese(client):
    response = client.get("/login")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Đăng nhập" in page and "Tên đăng nhập" in page and "Mật khẩu" in page


def test_login_with_right_password_opens_home(client, make_user):
    user = make_user("city", full_name="Nguyễn Văn Thành")
    response = post_form(client, "/login", {"username": user.username, "password": "Matkhau123"})
    assert response.status_code == 302
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Nguyễn Văn Thành" in home


def test_login_with_wrong_password_says_so(client, make_user, db):
    user = make_user("city")
    response = post_form(client, "/login", {"username": user.username, "password": "sai-mat-khau1"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/communes").status_code == 302  # still anonymous


def test_login_throttled_after_five_failures_even_with_right_password(client, make_user, db):
    user = make_user("city")
    for _ in range(5):
        post_form(client, "/login", {"username": user.username, "password": "sai-mat-khau1"})
    response = post_form(client, "/login", {"username": user.username, "password": "Matkhau123"})
    assert response.status_code == 429
    assert "tạm khóa" in response.get_data(as_text=True)
    failures = db.session.scalar(select(db.func.count()).select_from(LoginAttempt).where(LoginAttempt.ok.is_(False)))
    assert failures == 5


def test_success_resets_the_failure_count(client, make_user):
    user = make_user("city")
    for _ in range(4):
        post_form(client, "/login", {"username": user.username, "password": "sai-mat-khau1"})
    assert post_form(client, "/login", {"username": user.username, "password": "Matkhau123"}).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    for _ in range(4):
        post_form(client, "/login", {"username": user.username, "password": "sai-mat-khau1"})
    assert post_form(client, "/login", {"username": user.username, "password": "Matkhau123"}).status_code == 302


def test_inactive_user_cannot_log_in(client, make_user, db):
    user = make_user("city")
    user.active = False
    db.session.commit()
    response = post_form(client, "/login", {"username": user.username, "password": "Matkhau123"})
    assert response.status_code == 200
    assert "không đúng" in response.get_data(as_text=True)


def test_post_without_csrf_is_refused(client, make_user):
    user = make_user("city")
    response = client.post("/login", data={"username": user.username, "password": "Matkhau123"})
    assert response.status_code == 400
    assert client.get("/communes").status_code == 302


def test_logout_is_a_post_and_ends_the_session(client, make_user, login):
    user = make_user("city")
    login(user)
    assert client.get("/communes").status_code == 200
    assert client.get("/logout").status_code == 405
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    assert client.get("/communes").status_code == 302


def test_login_ignores_offsite_next(client, make_user):
    user = make_user("city")
    response = post_form(client, "/login?next=https://evil.example/x", {"username": user.username, "password": "Matkhau123"},
                         form_url="/login")
    assert response.headers["Location"] == "/"


def test_change_password_with_policy(client, make_user, login):
    user = make_user("commune")
    login(user)
    weak = post_form(client, "/profile", {"current": "Matkhau123", "new": "abc", "confirm": "abc"})
    assert "ít nhất 8 ký tự" in weak.get_data(as_text=True)
    wrong = post_form(client, "/profile", {"current": "nope12345", "new": "Moi12345678", "confirm": "Moi12345678"})
    assert "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)
    ok = post_form(client, "/profile", {"current": "Matkhau123", "new": "Moi12345678", "confirm": "Moi12345678"})
    assert ok.status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    assert post_form(client, "/login", {"username": user.username, "password": "Moi12345678"}).status_code == 302


def test_passwords_are_stored_with_scrypt_outside_the_test_configuration(app, db):
    """The suite's cheap hash (TestingConfig.PASSWORD_HASH_METHOD) is the suite's only: every other configuration
    keeps werkzeug's scrypt, and a password set under it is stored and checked as scrypt."""
    import config
    from app.models import User
    from app.models.users import password_hash_method

    for name in ("Config", "DevelopmentConfig", "ProductionConfig"):
        klass = getattr(config, name, None)
        if klass is not None:
            assert klass.PASSWORD_HASH_METHOD == "scrypt", name
    assert password_hash_method() == "pbkdf2:sha256:1000"  # this app is the test configuration's
    user = User(username="kiem-tra-bam", role="city")
    with app.test_request_context():
        app.config["PASSWORD_HASH_METHOD"] = "scrypt"
        try:
            user.set_password("Matkhau-dai-2026")
        finally:
            app.config["PASSWORD_HASH_METHOD"] = config.TestingConfig.PASSWORD_HASH_METHOD
    assert user.password_hash.startswith("scrypt:")
    assert user.check_password("Matkhau-dai-2026") and not user.check_password("Matkhau-dai-2027")
