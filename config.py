"""Configuration classes, read from the environment (SPEC §11, STYLE 7)."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET = "dev-secret-change-me"  # the old public default: refused wherever it could be reached
# Keys anyone can read (this repository, its README, its tests): never accepted by a server a phone can reach.
PUBLIC_SECRETS = frozenset({DEFAULT_SECRET, "test-secret", "secret", "changeme", "change-me", "dev", "development"})
MIN_SECRET_LENGTH = 16
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def is_public_secret(key: str | None) -> bool:
    """True for a missing, short or published key (a cookie signed with it opens /admin/users)."""
    return not key or key in PUBLIC_SECRETS or len(key) < MIN_SECRET_LENGTH


def instance_secret_key(path: str | os.PathLike) -> str:
    """The key kept in `path` (mode 0600), generated on first use; several workers starting at once agree.

    The new key is written to a private temporary file and linked into place: a worker that loses the race
    reads the winner's key, and nobody ever reads a half-written file.
    """
    path = Path(path)
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(tmp)
    return path.read_text(encoding="ascii").strip()


def _database_url(default_file: str) -> str:
    """DATABASE_URL from the environment, else a SQLite file under instance/."""
    url = os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs name the old driver; we ship psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql+psycopg://" + url[len("postgres://"):]
        elif url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://"):]
        return url
    return f"sqlite:///{BASE_DIR / 'instance' / default_file}"


class Config:
    """Settings shared by every environment."""

    # None: generated once into SECRET_KEY_FILE by create_app (never a constant outside the tests).
    SECRET_KEY = os.environ.get("SECRET_KEY") or None
    SECRET_KEY_FILE = os.environ.get("SECRET_KEY_FILE") or str(BASE_DIR / "instance" / "secret_key")
    SQLALCHEMY_DATABASE_URI = _database_url("lantoa.db")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    CITY = os.environ.get("CITY", "haiphong")
    TIMEZONE = "Asia/Ho_Chi_Minh"
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's default: new password hashes (app/models/users.py)
    CHECKIN_DOOR = True  # the check-in POST answered in front of Flask (app/api/checkin_door.py)
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))
    UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    UPLOAD_MAX_FILES = 10
    UPLOAD_MAX_REQUEST_BYTES = 30 * 1024 * 1024  # one request's photos together
    UPLOAD_MAX_PIXELS = 40_000_000  # read from the header, before decoding (a decompression bomb is refused unread)
    UPLOAD_MAX_SIDE = 2560  # longer photos are downscaled on upload: a PDF of any stored photo stays fast
    LOGIN_MAX_FAILURES = 5  # per username, per LOGIN_LOCK_MINUTES
    LOGIN_MAX_FAILURES_PER_ADDRESS = 20  # per client address (behind PROXY_COUNT proxies: the real one)
    LOGIN_LOCK_MINUTES = 15
    PER_PAGE = 25
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "")
    # Several gunicorn processes or machines must count together: REDIS_URL (redis://host:6379/0) is shared.
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    # Redis unreachable: serve without rate limits rather than refuse check-ins (logged by Flask-Limiter).
    RATELIMIT_SWALLOW_ERRORS = True
    # Behind nginx: how many proxies set X-Forwarded-For/-Proto/-Host (rate limits count per real client IP).
    PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
    SMTP_HOST = os.environ.get("SMTP_HOST", "")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USER = os.environ.get("SMTP_USER", "")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD", "")
    SMTP_FROM = os.environ.get("SMTP_FROM", "lantoa@localhost")
    SMTP_TLS = os.environ.get("SMTP_TLS", "") in ("1", "true", "yes")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Pages and API answers compressed by Flask-Compress (issue 16): brotli when the browser takes it, else gzip.
    # Static files are compressed once per process at the best brotli quality by app/assets.py instead.
    COMPRESS_ALGORITHM = ["br", "gzip"]
    COMPRESS_ALGORITHM_STREAMING = ["br", "deflate"]
    COMPRESS_BR_LEVEL = 4
    COMPRESS_LEVEL = 6
    COMPRESS_MIMETYPES = ["text/html", "application/json", "text/css", "text/javascript", "application/javascript",
                          "image/svg+xml", "text/plain", "text/csv", "application/xml"]
    ASSET_BROTLI_QUALITY = 11
    # "Ghi nhớ đăng nhập": two working weeks on an office computer, never sent by another site's form.
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True


class DevelopmentConfig(Config):
    """Local development: debug on, SQLite file by default."""

    DEBUG = True


class TestingConfig(Config):
    """Tests: a throwaway database, CSRF on (tests fetch the token)."""

    TESTING = True
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or _database_url("test.db")
    RATELIMIT_ENABLED = False
    LOGIN_MAX_FAILURES = 5
    ASSET_BROTLI_QUALITY = 5  # the suite compresses every static file: fast beats smallest here
    # The suite logs in about 900 times: scrypt costs 94 ms a check on the CI machine's kind, 1,000 rounds of
    # PBKDF2 under a millisecond (tests/foundation/test_auth.py keeps every other configuration on scrypt).
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SECRET_KEY = "test-secret"


class ProductionConfig(Config):
    """Production: secure cookies; refuses the default secret key."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @staticmethod
    def validate(config) -> None:
        """Refuse to start with a published or short secret key (STYLE 7)."""
        if is_public_secret(config.get("SECRET_KEY")):
            raise RuntimeError(f"SECRET_KEY must be a private value of at least {MIN_SECRET_LENGTH} characters "
                               "in production (unset it to have one generated in instance/secret_key)")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
