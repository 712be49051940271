"""Authentication: login, logout, profile; role decorators and the commune scoping helper."""

from flask import Blueprint

bp = Blueprint("auth", __name__)
