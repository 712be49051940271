"""Targets per commune per year, actuals per commune per month, and the emulation score (SPEC §16)."""

from flask import Blueprint

bp = Blueprint("targets", __name__)
# its views (routes.py) are attached by the app factory, the only importer of a routes module
