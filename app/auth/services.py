"""Login throttling, password policy and API tokens — plain functions with explicit arguments."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import ApiToken, LoginAttempt, User
from app.models.users import hash_token

TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def password_problem(password: str) -> str | None:
    """Why a password is too weak, in Vietnamese, or None when it is acceptable."""
    if len(password) < 8:
        return "Mật khẩu phải có ít nhất 8 ký tự."
    if len(password) > 200:
        return "Mật khẩu quá dài (tối đa 200 ký tự)."
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        return "Mật khẩu phải có cả chữ và số."
    return None


def recent_failures(username: str, now: datetime, window: timedelta) -> int:
    """Failed attempts for `username` since its last success within `window`."""
    since = now - window
    last_ok = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.username == username, LoginAttempt.ok.is_(True), LoginAttempt.at >= since
        )
    )
    if last_ok is not None:
        since = max(since, last_ok)
    return db.session.scalar(
        select(func.count()).select_from(LoginAttempt).where(
            LoginAttempt.username == username, LoginAttempt.ok.is_(False), LoginAttempt.at > since
        )
    ) or 0


def authenticate(username: str, password: str, ip: str | None, now: datetime,
                 max_failures: int, lock: timedelta) -> tuple[User | None, str | None]:
    """Check a login; returns (user, None) or (None, reason) with reason `throttled` or `invalid`."""
    username = (username or "").strip().lower()
    if recent_failures(username, now, lock) >= max_failures:
        return None, "throttled"
    user = db.session.scalar(select(User).where(User.username == username))
    ok = bool(user and user.active and user.check_password(password))
    db.session.add(LoginAttempt(username=username, ip=ip, ok=ok, at=now))
    if not ok:
        return None, "invalid"
    user.last_login_at = now
    return user, None


def issue_token(user: User) -> str:
    """Create an API token for `user`; returns the raw token (only its hash is kept)."""
    raw = ApiToken.new_raw()
    db.session.add(ApiToken(user=user, token_hash=hash_token(raw), prefix=raw[:8]))
    return raw


def user_for_token(raw: str, now: datetime) -> User | None:
    """The active user behind a bearer token, or None."""
    token = db.session.scalar(
        select(ApiToken).where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked.is_(False))
    )
    if token is None or not token.user.active:
        return None
    # Record use at most once a minute: a write per API call would serialise busy endpoints (check-ins).
    if token.last_used_at is None or now - token.last_used_at >= TOKEN_TOUCH_INTERVAL:
        token.last_used_at = now
    return token.user
