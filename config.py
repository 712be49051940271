"""Configuration classes, read from the environment (SPEC §11, STYLE 7)."""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEFAULT_SECRET = "dev-secret-change-me"


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

    SECRET_KEY = os.environ.get("SECRET_KEY", DEFAULT_SECRET)
    SQLALCHEMY_DATABASE_URI = _database_url("lantoa.db")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    CITY = os.environ.get("CITY", "haiphong")
    TIMEZONE = "Asia/Ho_Chi_Minh"
    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 60 * 1024 * 1024
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR", str(BASE_DIR / "instance" / "uploads"))
    UPLOAD_MAX_BYTES = 5 * 1024 * 1024
    UPLOAD_MAX_FILES = 10
    LOGIN_MAX_FAILURES = 5
    LOGIN_LOCK_MINUTES = 15
    PER_PAGE = 25
    # API bearer tokens: a per-process lookup cache; revocation/deactivation elsewhere takes effect within this bound.
    API_TOKEN_CACHE_SECONDS = float(os.environ.get("API_TOKEN_CACHE_SECONDS", "5"))
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
    SECRET_KEY = "test-secret"


class ProductionConfig(Config):
    """Production: secure cookies; refuses the default secret key."""

    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @staticmethod
    def validate(config) -> None:
        """Refuse to start with the development secret key (STYLE 7)."""
        if not config.get("SECRET_KEY") or config["SECRET_KEY"] == DEFAULT_SECRET:
            raise RuntimeError("SECRET_KEY must be set in production")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
