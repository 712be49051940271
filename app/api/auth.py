"""Bearer-token authentication and role checks for the API."""

from datetime import datetime, timedelta
from functools import wraps

from flask import g, request
from sqlalchemy import bindparam, or_, select, update

from app.api import bp
from app.auth.services import principal_of, user_of
from app.checkin.driver import StatementCache
from app.checkin.fastpath import (
    RecentReads,
    checkin_reads,
    direct_connection,
    stamps_of,
    ticket_holder,
    with_checkin_reads,
    with_stamps,
)
from app.errors import json_error
from app.extensions import db
from app.models import ApiToken, User
from app.models.types import utcnow
from app.models.users import hash_token

TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
_USER_COLUMNS = tuple(column.key for column in User.__table__.columns)


# The active user's columns behind a token hash that is neither revoked nor expired, and the token's use.
_LOOKUP = (select(*User.__table__.columns, ApiToken.id, ApiToken.last_used_at)
           .join(ApiToken, ApiToken.user_id == User.id)
           .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked.is_(False),
                  User.active.is_(True), or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > bindparam("now"))))
_DIRECT = StatementCache(size=8)  # _LOOKUP compiled once per dialect for the thread's kept connection
# The endpoints that run on the thread's kept autocommit connection (app/checkin/fastpath.py): their token is
# looked up there too, so a check-in never opens an ORM Session (on PostgreSQL: no pre-ping, BEGIN, ROLLBACK).
DIRECT_ENDPOINTS = frozenset({"api.create_checkin"})
_TOUCH = update(ApiToken).where(ApiToken.id == bindparam("token_id")).values(last_used_at=bindparam("used_at"))


def token_values(raw: str, now: datetime, direct: bool = False) -> dict | None:
    """The column values of the active user behind a valid bearer token, or None.

    Asked of the database on every call, with no per-process cache, so that a revocation, an expiry or a
    deactivation made by any process counts from the next request on (issue 22): one indexed SELECT — on the
    thread's kept connection when `direct` (the check-in path), else in the request's Session.
    """
    values = {"token_hash": hash_token(raw), "now": now}
    if direct:
        with direct_connection() as conn:
            row = _DIRECT.get("api_token", conn.dialect, lambda: _LOOKUP).first(conn, values)
    else:
        row = db.session.execute(_LOOKUP, values).first()
    return None if row is None else _used(row, now)


def checkin_caller(raw: str, now: datetime, activity_id: int, roles: frozenset, conn,
                   ticket: str | None = None, fresh: bool = False) -> tuple | None:
    """`token_values` and the check-in's activity in the caller's scope (`svc.checkin_activity`) — and, given a
    short `ticket`, the registration it names (`svc.ticket_holder` by `ticket_nonce`) — in one statement on `conn`
    (a DirectConnection): (the user's values, the CheckinActivity or None, the TicketHolder or None, a guard), or
    None for no valid token. The check-in door's lookup: on PostgreSQL one round trip for what took two or three.
    The scope is `scope`'s, for a user of one of `roles` (app/checkin/fastpath.py `with_checkin_reads`).

    On PostgreSQL the token's and the activity's reads are remembered (`RECENT`): the next check-in with the same
    token and activity gets them back, not read, with the guard its INSERT must carry (`insert_once`); otherwise,
    or `fresh` (the guarded INSERT stored nothing), the guard is empty."""
    token_hash, remember = hash_token(raw), conn.dialect.name == "postgresql"
    key = (token_hash, activity_id, roles)
    if remember and not fresh and (found := RECENT.get(key, now)) is not None:
        (values, activity), stamps = found  # a ticket's registration is read now: each is scanned once
        holder = None if ticket is None else ticket_holder(ticket, conn, by="ticket_nonce")
        return values, activity, holder, stamps.guard
    params = {"token_hash": token_hash, "now": now, "activity_id": activity_id, "ticket": ticket}
    row = _DIRECT.get(("checkin_caller", roles, ticket is not None, remember), conn.dialect,
                      lambda: _caller_lookup(roles, ticket is not None, remember)).first(conn, params)
    RECENT.forget(key)
    if row is None:
        return None
    if remember:
        row, stamps = stamps_of(row, row[_LOOKED_UP - 2], row[_USER_COLUMNS.index("id")], activity_id)
    last_used_at = row[_LOOKED_UP - 1]
    values, (activity, holder) = _used(row[:_LOOKED_UP], now), checkin_reads(row[_LOOKED_UP:])
    if remember and activity is not None and not _touch_due(last_used_at, now):
        RECENT.put(key, (values, activity), stamps, until=last_used_at + TOKEN_TOUCH_INTERVAL)
    return values, activity, holder, ()


def _caller_lookup(roles, with_ticket: bool, stamped: bool):
    stmt = with_checkin_reads(_LOOKUP, roles, with_ticket)
    return with_stamps(stmt) if stamped else stmt


RECENT = RecentReads()  # this worker's remembered check-in reads (PostgreSQL; app/checkin/fastpath.py)
_LOOKED_UP = len(_USER_COLUMNS) + 2  # _LOOKUP's columns: the user's, the token's id and last use


def _touch_due(last_used_at, now: datetime) -> bool:
    return last_used_at is None or now - last_used_at >= TOKEN_TOUCH_INTERVAL


def _used(row, now: datetime) -> dict:
    """The user's values of a _LOOKUP row, the token's use recorded at most once a minute."""
    *columns, token_id, last_used_at = row
    # Record use at most once a minute: a write per API call would serialise busy endpoints (check-ins).
    if _touch_due(last_used_at, now):
        db.session.execute(_TOUCH, {"token_id": token_id, "used_at": now})
        db.session.commit()
    return dict(zip(_USER_COLUMNS, columns, strict=True))


PUBLIC_ENDPOINTS = {"api.openapi", "api.create_rating"}  # a rating carries its own signed token (SPEC §12)


def bearer_token(authorization: str) -> str | None:
    """The token of an `Authorization: Bearer <token>` header value, or None."""
    scheme, _, raw = authorization.partition(" ")
    raw = raw.strip()
    return raw if scheme.lower() == "bearer" and raw else None


@bp.before_request
def authenticate_request():
    """Every API call needs `Authorization: Bearer <token>` (401 otherwise)."""
    # Plain objects instead of the context proxies: this runs before every API call (check-ins included).
    state, req = g._get_current_object(), request._get_current_object()
    state.api_principal = state.api_values = state.api_orm_user = None
    if req.endpoint in PUBLIC_ENDPOINTS:
        return None
    raw = bearer_token(req.headers.get("Authorization", ""))
    if raw is None:
        return json_error(401, "Thiếu mã truy cập: gửi tiêu đề Authorization: Bearer <token>.")
    values = token_values(raw, utcnow(), req.endpoint in DIRECT_ENDPOINTS)
    if values is None:
        return json_error(401, "Mã truy cập không hợp lệ, đã hết hạn, đã bị thu hồi hoặc tài khoản đã bị khóa.")
    state.api_values, state.api_principal = values, principal_of(values)
    return None


def api_principal():
    """Who calls (id, role, commune): enough for scoping and role checks, no ORM object."""
    return g.api_principal


def api_user():
    """The user behind the current API request, as a session-bound ORM object (made on first use)."""
    if g.api_orm_user is None and g.api_values is not None:
        g.api_orm_user = user_of(g.api_values)
    return g.api_orm_user


def api_roles(*roles: str):
    """Allow only these roles on an API endpoint (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            principal = g.api_principal
            if principal is None or principal.role not in roles:
                return json_error(403, "Vai trò của bạn không được phép thực hiện thao tác này.")
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator
