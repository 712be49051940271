"""Administration: users (create, edit, deactivate, reset password)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)

from app.admin import jobs, routes  # noqa: E402,F401
