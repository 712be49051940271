"""Bearer-token authentication and role checks for the API."""

from functools import wraps

from flask import current_app, g, request

from app.api import bp
from app.auth.services import user_for_token
from app.errors import json_error
from app.models.types import utcnow

PUBLIC_ENDPOINTS = {"api.openapi"}


@bp.before_request
def authenticate_request():
    """Every API call needs `Authorization: Bearer <token>` (401 otherwise)."""
    g.api_user = None
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer" or not raw.strip():
        return json_error(401, "Thiếu mã truy cập: gửi tiêu đề Authorization: Bearer <token>.")
    user = user_for_token(raw.strip(), utcnow(), current_app.config.get("API_TOKEN_CACHE_SECONDS", 0))
    if user is None:
        return json_error(401, "Mã truy cập không hợp lệ, đã bị thu hồi hoặc tài khoản đã bị khóa.")
    g.api_user = user
    return None


def api_user():
    """The user behind the current API request."""
    return g.api_user


def api_roles(*roles: str):
    """Allow only these roles on an API endpoint (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if g.api_user is None or g.api_user.role not in roles:
                return json_error(403, "Vai trò của bạn không được phép thực hiện thao tác này.")
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles
        return wrapped

    return decorator
