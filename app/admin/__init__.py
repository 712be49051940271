"""Administration: users (create, edit, deactivate, reset password)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)
