"""Periodic reports (SPEC §15, seed 000 §VIII): six-monthly and annual reports of every commune and agency,
pre-filled from the data, submitted, frozen, tracked by the engine's rule and consolidated for UBND thành phố."""

from flask import Blueprint

bp = Blueprint("periodic", __name__)
# its views (routes.py, office_routes.py) are attached by the app factory, the only importer of a routes module
