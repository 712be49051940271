"""JSON API under /api/v1 (SPEC §12): bearer tokens, the same scoping as the pages."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from app.api import (  # noqa: E402,F401
    activities,
    agencies,
    auth,
    campaign_routine,
    campaigns,
    checkins,
    notifications,
    openapi,
    reports,
    routes,
    targets,
    voice,
)
