"""Login throttling that cannot be raced and cannot lock the owner out (issue 22, item 3).

Every attempt first *reserves* its place in two counters — its username and its client address (the real one
behind `PROXY_COUNT` proxies) — with one atomic UPDATE each (`failures < limit`, or a window that has ended; the
first attempt INSERTs the row, ON CONFLICT DO NOTHING … RETURNING saying whether it did) before the password is
checked: sixty parallel wrong passwords are counted five times at most, the others are
refused without a password hash. A success empties the username's counter and gives the address its place back.

A stranger can lock a username (that is what a limit is). The owner gets in anyway with a **one-time unlock code**
that an admin gives them (admin page "Mở khóa đăng nhập" or `flask --app wsgi unlock-login USERNAME`): the code,
with the right password, passes the username's lock once; the stranger has no code. Without one, the lock ends
by itself after `LOGIN_LOCK_MINUTES`.
"""

import functools
import secrets
from datetime import datetime, timedelta

from sqlalchemy import case, or_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db
from app.models import LoginThrottle
from app.models.users import password_hash_method

UNLOCK_CODE_LIFETIME = timedelta(hours=24)
TABLE = LoginThrottle.__table__


def user_key(username: str) -> str:
    """The counter of a username."""
    return f"user:{username}"[:120]


def address_key(address: str | None) -> str:
    """The counter of a client address."""
    return f"ip:{address or 'unknown'}"[:120]


def reserve(key: str, now: datetime, window: timedelta, limit: int) -> bool:
    """Count one attempt on `key` unless `limit` attempts were counted in the current window; atomic (flushes)."""
    expired = TABLE.c.window_start <= now - window
    bump = (update(TABLE).where(TABLE.c.key == key, or_(expired, TABLE.c.failures < limit))
            .values(failures=case((expired, 1), else_=TABLE.c.failures + 1),
                    window_start=case((expired, now), else_=TABLE.c.window_start)))
    if db.session.execute(bump).rowcount:
        return True
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    # RETURNING, not rowcount: SQLAlchemy promises rowcount for UPDATE and DELETE only, and on psycopg an
    # INSERT's is -1 (true) even when ON CONFLICT inserted nothing — every attempt past the limit was let through.
    created = db.session.execute(insert(TABLE).values(key=key, failures=1, window_start=now)
                                 .on_conflict_do_nothing(index_elements=["key"]).returning(TABLE.c.key))
    if created.first() is not None:
        return True
    return bool(db.session.execute(bump).rowcount)  # a parallel attempt created the row first


def release(key: str) -> None:
    """Give one counted attempt back (a success from that address)."""
    db.session.execute(update(TABLE).where(TABLE.c.key == key, TABLE.c.failures > 0)
                       .values(failures=TABLE.c.failures - 1))


def clear(key: str) -> None:
    """Empty a counter and forget its unlock code (a successful login, an admin's unlock)."""
    db.session.execute(update(TABLE).where(TABLE.c.key == key)
                       .values(failures=0, unlock_code_hash=None, unlock_expires_at=None))


def issue_unlock_code(username: str, now: datetime) -> str:
    """Empty the username's counter and return a new one-time unlock code (8 digits, 24 hours), stored hashed."""
    code = f"{secrets.randbelow(10**8):08d}"
    key = user_key(username)
    row = db.session.get(LoginThrottle, key) or LoginThrottle(key=key, window_start=now)
    row.failures, row.window_start = 0, now
    row.unlock_code_hash = generate_password_hash(code, method=password_hash_method())
    row.unlock_expires_at = now + UNLOCK_CODE_LIFETIME
    db.session.add(row)
    db.session.flush()
    return code


def unlock_code_valid(username: str, code: str | None, now: datetime) -> bool:
    """True when `code` is the username's unexpired unlock code."""
    if not code:
        return False
    row = db.session.get(LoginThrottle, user_key(username))
    if row is None or not row.unlock_code_hash or not row.unlock_expires_at or row.unlock_expires_at <= now:
        return False
    return check_password_hash(row.unlock_code_hash, code.strip())


def dummy_hash() -> str:
    """A hash to check unknown usernames against, so that they take as long as known ones (the same method)."""
    return _dummy_hash(password_hash_method())


@functools.cache
def _dummy_hash(method: str) -> str:
    return generate_password_hash(secrets.token_hex(16), method=method)
