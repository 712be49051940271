"""JSON API under /api/v1 (SPEC §12): bearer tokens, the same scoping as the pages."""

from flask import Blueprint, jsonify

from app.schemas.base import Invalid

bp = Blueprint("api", __name__)


@bp.errorhandler(Invalid)
def invalid_payload(invalid: Invalid):
    """A payload that fails its declaration (app/schemas/): 422 with a Vietnamese message per field."""
    from app.extensions import db

    db.session.rollback()
    return jsonify(invalid.body()), invalid.status


from app.api import (  # noqa: E402,F401
    activities,
    agencies,
    auth,
    campaign_routine,
    campaigns,
    checkins,
    communes,
    notifications,
    openapi,
    periodic,
    reports,
    targets,
    voice,
)
