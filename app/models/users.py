"""Users, roles, API tokens and login attempts (SPEC §1)."""

import hashlib
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.domain.roles import CITY_OFFICE_ROLES, ROLES
from app.extensions import db
from app.models.org import Commune
from app.models.types import UTCDateTime, utcnow


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

    commune: Mapped[Commune | None] = relationship()
    agency: Mapped["Agency | None"] = relationship()  # noqa: F821 — app.models.agencies

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password (werkzeug)."""
        self.password_hash = generate_password_hash(password)

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
