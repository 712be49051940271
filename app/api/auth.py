"""Bearer-token authentication and role checks for the API."""

from functools import wraps

from flask import current_app, g, request

from app.api import bp
from app.auth.services import principal_of, token_values, user_of
from app.errors import json_error
from app.models.types import utcnow

PUBLIC_ENDPOINTS = {"api.openapi", "api.create_rating"}  # a rating carries its own signed token (SPEC §12)


@bp.before_request
def authenticate_request():
    """Every API call needs `Authorization: Bearer <token>` (401 otherwise)."""
    # Plain objects instead of the context proxies: this runs before every API call (check-ins included).
    state, req = g._get_current_object(), request._get_current_object()
    state.api_principal = state.api_values = state.api_orm_user = None
    if req.endpoint in PUBLIC_ENDPOINTS:
        return None
    scheme, _, raw = req.headers.get("Authorization", "").partition(" ")
    raw = raw.strip()
    if scheme.lower() != "bearer" or not raw:
        return json_error(401, "Thiếu mã truy cập: gửi tiêu đề Authorization: Bearer <token>.")
    values = token_values(raw, utcnow(), current_app.config.get("API_TOKEN_CACHE_SECONDS", 0))
    if values is None:
        return json_error(401, "Mã truy cập không hợp lệ, đã bị thu hồi hoặc tài khoản đã bị khóa.")
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
