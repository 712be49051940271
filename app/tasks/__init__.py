"""Agencies and the plans' task register (SPEC §13, §14): register, unit pages, task matrix, progress."""

from flask import Blueprint

bp = Blueprint("tasks", __name__)

from app.tasks import routes  # noqa: E402,F401
