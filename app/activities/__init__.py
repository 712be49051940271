"""Activities: record every kind of communication activity with its results (SPEC §3)."""

from flask import Blueprint

bp = Blueprint("activities", __name__)
