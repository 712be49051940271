"""Login throttling, password policy and API tokens — plain functions with explicit arguments."""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import event, func, select, update
from sqlalchemy.orm import Session, make_transient_to_detached

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


class TokenCache:
    """Per-process cache of bearer-token lookups: token hash → the user's column values, for `ttl` seconds.

    Bound on revocation: a token revoked, a user deactivated or a role changed by another process is honoured
    by this one within `ttl` seconds (5 s by default, `API_TOKEN_CACHE_SECONDS`; 0 disables the cache).
    Changes flushed through the ORM in this process empty the cache at once (see `_forget_on_flush`).
    Only successful lookups are cached, so a new token works immediately.
    """

    def __init__(self, size: int = 1024):
        self.size = size
        self._data: OrderedDict[str, tuple[float, dict]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> dict | None:
        """The cached user values, or None when absent or older than their TTL."""
        with self._lock:
            hit = self._data.get(key)
            if hit is None:
                return None
            if hit[0] <= time.monotonic():
                del self._data[key]
                return None
            self._data.move_to_end(key)
            return hit[1]

    def put(self, key: str, values: dict, ttl: float) -> None:
        """Remember `values` for `ttl` seconds; the least recently used entry goes when full."""
        with self._lock:
            self._data[key] = (time.monotonic() + ttl, values)
            self._data.move_to_end(key)
            while len(self._data) > self.size:
                self._data.popitem(last=False)

    def clear(self) -> None:
        """Forget every cached token (called when users or tokens change)."""
        with self._lock:
            self._data.clear()


token_cache = TokenCache()
_USER_COLUMNS = tuple(attr.key for attr in User.__mapper__.column_attrs)


@event.listens_for(Session, "after_flush")
def _forget_on_flush(session, flush_context):
    """A user or token changed in this process (deactivated, role, revoked): drop the cached lookups now."""
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, (User, ApiToken)):
            token_cache.clear()
            return


@dataclass(frozen=True, slots=True)
class Principal:
    """Who calls the API, as scoping and role checks read it (`scope`, `can_edit_commune`): no ORM object.

    Built from the token lookup, cached or not, so a hot endpoint (check-ins) needs no session work for it.
    """

    id: int
    role: str
    commune_id: int | None
    username: str
    is_authenticated: bool = True
    agency_id: int | None = None


def token_values(raw: str, now: datetime, ttl: float = 0) -> dict | None:
    """The column values of the active user behind a bearer token, or None; cached for `ttl` seconds (TokenCache)."""
    key = hash_token(raw)
    if ttl > 0:
        values = token_cache.get(key)
        if values is not None:
            return values
    # One indexed lookup: token and user together, no lazy load.
    row = db.session.execute(
        select(User, ApiToken.id, ApiToken.last_used_at).join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == key, ApiToken.revoked.is_(False), User.active.is_(True))
    ).first()
    if row is None:
        return None
    user, token_id, last_used_at = row
    values = {k: getattr(user, k) for k in _USER_COLUMNS}
    if ttl > 0:
        token_cache.put(key, values, ttl)
    # Record use at most once a minute: a write per API call would serialise busy endpoints (check-ins).
    if last_used_at is None or now - last_used_at >= TOKEN_TOUCH_INTERVAL:
        db.session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))
        db.session.commit()
    return values


def principal_of(values: dict) -> Principal:
    """The Principal of a user's column values."""
    return Principal(values["id"], values["role"], values["commune_id"], values["username"],
                     agency_id=values.get("agency_id"))


def user_of(values: dict) -> User:
    """A session-bound User from its column values, without SQL (never share one ORM object between threads)."""
    cached = User(**values)
    make_transient_to_detached(cached)
    return db.session.merge(cached, load=False)
