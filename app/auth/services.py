"""Login throttling, password policy and API tokens — plain functions with explicit arguments."""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import make_transient_to_detached
from werkzeug.security import check_password_hash

from app.auth import throttle
from app.extensions import db
from app.models import ApiToken, LoginAttempt, User
from app.models.users import hash_token

COMMON_PASSWORDS_COUNT = 1000
# Published in this repository (the demo logins): as guessable as any list's first entries.
PUBLISHED_PASSWORDS = frozenset({"lantoa2026"})


@functools.cache
def common_passwords() -> frozenset[str]:
    """The 1,000 most common passwords (zxcvbn's ranked list of leaked passwords), lower-cased."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS

    return frozenset(FREQUENCY_LISTS["passwords"][:COMMON_PASSWORDS_COUNT]) | PUBLISHED_PASSWORDS


def password_problem(password: str, username: str | None = None) -> str | None:
    """Why a password is too weak, in Vietnamese, or None when it is acceptable."""
    if len(password) < 8:
        return "Mật khẩu phải có ít nhất 8 ký tự."
    if len(password) > 200:
        return "Mật khẩu quá dài (tối đa 200 ký tự)."
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "Mật khẩu phải có cả chữ và số."
    lowered = password.lower()
    if username and len(username.strip()) >= 3 and username.strip().lower() in lowered:
        return "Mật khẩu không được chứa tên đăng nhập."
    if lowered in common_passwords():
        return "Mật khẩu này nằm trong danh sách mật khẩu phổ biến, dễ bị đoán; hãy chọn mật khẩu khác."
    return None


def normal_username(username: str | None) -> str:
    """The form of a username that logins compare and count."""
    return (username or "").strip().lower()[:64]


def reserve_login(username: str, ip: str | None, now: datetime, lock: timedelta, max_failures: int,
                  max_per_address: int, unlock_code: str | None = None) -> str | None:
    """Count this attempt before the password is checked (app/auth/throttle.py); the reason to refuse it —
    `throttled_address` or `throttled` — or None. The caller commits before `check_login`."""
    if not throttle.reserve(throttle.address_key(ip), now, lock, max_per_address):
        return "throttled_address"
    if throttle.reserve(throttle.user_key(username), now, lock, max_failures):
        return None
    # The username is locked, perhaps by a stranger: its owner passes with the admin's one-time code.
    return None if throttle.unlock_code_valid(username, unlock_code, now) else "throttled"


def check_login(username: str, password: str, ip: str | None, now: datetime) -> User | None:
    """The user when the password is right (a success resets the counters), else None; every attempt is logged.

    An unknown username costs one password hash too, so that its answer takes as long as a known one's."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        check_password_hash(throttle.dummy_hash(), password)
    ok = bool(user is not None and user.check_password(password) and user.active)
    db.session.add(LoginAttempt(username=username, ip=ip, ok=ok, at=now))
    if not ok:
        return None
    throttle.clear(throttle.user_key(username))
    throttle.release(throttle.address_key(ip))
    user.last_login_at = now
    return user


TOKEN_LIFETIME = timedelta(days=365)


def issue_token(user: User, now: datetime | None = None, lifetime: timedelta = TOKEN_LIFETIME) -> str:
    """Create an API token for `user`, valid for `lifetime` (a year); returns the raw token (only its hash is kept)."""
    from app.models.types import utcnow

    now = now or utcnow()
    raw = ApiToken.new_raw()
    db.session.add(ApiToken(user=user, token_hash=hash_token(raw), prefix=raw[:8], created_at=now,
                            expires_at=now + lifetime))
    return raw


def visible_tokens(user: User):
    """The API tokens `user` may list and revoke: an admin's are everyone's, anyone else's their own."""
    stmt = select(ApiToken).join(User, ApiToken.user_id == User.id).order_by(User.username, ApiToken.created_at)
    if user.role != "admin":
        stmt = stmt.where(ApiToken.user_id == user.id)
    return stmt


def revoke_token(token: ApiToken, now: datetime) -> None:
    """Revoke a token: refused from the next request on, in every process (no per-process cache)."""
    if not token.revoked:
        token.revoked, token.revoked_at = True, now
    db.session.flush()


@dataclass(frozen=True, slots=True)
class Principal:
    """Who calls the API, as scoping and role checks read it (`scope`, `can_edit_commune`): no ORM object.

    Built from the token lookup, so a hot endpoint (check-ins) needs no session work for it.
    """

    id: int
    role: str
    commune_id: int | None
    username: str
    is_authenticated: bool = True
    agency_id: int | None = None


def principal_of(values: dict) -> Principal:
    """The Principal of a user's column values."""
    return Principal(values["id"], values["role"], values["commune_id"], values["username"],
                     agency_id=values.get("agency_id"))


def user_of(values: dict) -> User:
    """A session-bound User from its column values, without SQL (never share one ORM object between threads)."""
    cached = User(**values)
    make_transient_to_detached(cached)
    return db.session.merge(cached, load=False)
