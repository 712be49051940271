"""The campaign a page is about, as the current user may see it (shared by the campaign pages and the editor)."""

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import visible
from app.extensions import db
from app.models import Campaign


def campaign_or_404(slug: str) -> Campaign:
    """The campaign if the user may see it (a draft is the city office's alone), else 404."""
    campaign = db.session.scalar(visible(select(Campaign).where(Campaign.slug == slug[:64]), current_user))
    if campaign is None:
        abort(404)
    return campaign
