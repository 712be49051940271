"""Dashboards: campaign completion, trends, results against the 2026–2030 targets (SPEC §4, §9)."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)
