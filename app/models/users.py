"""Users, roles, API tokens and login attempts (SPEC §1)."""

import hashlib
import secrets
from datetime import datetime

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.domain.roles import CITY_OFFICE_ROLES, ROLES
from app.extensions import db
from app.models.org import Commune
from app.models.types import UTCDateTime, utcnow


def password_hash_method() -> str:
    """The werkzeug method of every new password hash: the app's PASSWORD_HASH_METHOD — scrypt, werkzeug's
    default, except under the test configuration, whose suite logs in some 900 times (a cheap PBKDF2 there). A hash
    says its own method, so checking one never depends on this."""
    return current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"


class User(UserMixin, db.Model):
    """A person who logs in; a `commune` user belongs to exactly one commune, an `agency` user to one agency."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(f"role IN {ROLES!r}", name="role"),
        CheckConstraint(
            "(role = 'commune' AND commune_id IS NOT NULL) OR (role <> 'commune' AND commune_id IS NULL)",
            name="commune_matches_role",
        ),
        CheckConstraint(
            "(role = 'agency' AND agency_id IS NOT NULL) OR (role <> 'agency' AND agency_id IS NULL)",
            name="agency_matches_role",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    # Printed under the signature of the documents this user downloads (ND 30/2020), e.g. "Giám đốc".
    position: Mapped[str | None] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))
    commune_id: Mapped[int | None] = mapped_column(ForeignKey("communes.id"), index=True)
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"), index=True)  # role agency (SPEC §13)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Part of every session and remember-me cookie (`get_id`): bumped by logout, a password change or reset and a
    # deactivation, so that every cookie issued before stops working at once, in every process (issue 22).
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    commune: Mapped[Commune | None] = relationship()
    agency: Mapped["Agency | None"] = relationship()  # noqa: F821 — app.models.agencies

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password (werkzeug); every existing session of the user ends."""
        self.password_hash = generate_password_hash(password, method=password_hash_method())
        self.end_sessions()

    def end_sessions(self) -> None:
        """Invalidate every session and remember-me cookie issued so far (they carry the old version)."""
        self.session_version = (self.session_version or 0) + 1

    def get_id(self) -> str:
        """Flask-Login's session and remember-me identity: `<id>.<session version>`."""
        return f"{self.id}.{self.session_version or 0}"

    def check_password(self, password: str) -> bool:
        """True when the password matches the stored hash."""
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def is_city_level(self) -> bool:
        """Admin and city staff see every commune."""
        return self.role in CITY_OFFICE_ROLES

    def has_role(self, *roles: str) -> bool:
        """True when the user's role is one of `roles`."""
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


def hash_token(raw: str) -> str:
    """SHA-256 of an API token; only the hash is stored."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(db.Model):
    """A bearer token for the JSON API, stored hashed."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Tokens made before expiry existed have none (they keep working until revoked); new ones get one (1 year).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @staticmethod
    def new_raw() -> str:
        """A fresh random token string (shown once, never stored)."""
        return "lt_" + secrets.token_urlsafe(32)


class LoginAttempt(db.Model):
    """One login attempt; failures in a recent window throttle the username (kept in the DB, shared by all workers)."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    ip: Mapped[str | None] = mapped_column(String(64))
    ok: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class LoginThrottle(db.Model):
    """Failed-login counter of one username (`user:<name>`) or one client address (`ip:<address>`).

    An attempt reserves its place by one atomic UPDATE (or INSERT) *before* the password is checked, so parallel
    wrong passwords can never be counted past the limit (issue 22). `unlock_code_hash`: the one-time code an
    admin gives the owner of a locked username (the code lets them in despite the lock, the stranger cannot)."""

    __tablename__ = "login_throttles"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    unlock_code_hash: Mapped[str | None] = mapped_column(String(256))
    unlock_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
