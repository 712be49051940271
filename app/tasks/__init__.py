"""Agencies and the plans' task register (SPEC §13, §14): register, unit pages, task matrix, progress."""

from flask import Blueprint

bp = Blueprint("tasks", __name__)
# its views (routes.py) are attached by the app factory, the only importer of a routes module
