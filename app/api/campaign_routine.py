"""Campaign routine endpoint of the API (SPEC §12 second wave, §18): copy a campaign by whole years."""

from flask import request
from pydantic import ValidationError
from sqlalchemy import select

from app.api import bp
from app.api.auth import api_roles, api_user
from app.api.campaigns import campaign_as_dict
from app.campaigns.routine import CampaignError, copy_campaign
from app.errors import json_error
from app.extensions import db
from app.models import Campaign
from app.models.types import utcnow
from app.schemas.campaigns import CampaignCopyIn, field_errors


@bp.post("/campaigns")
@api_roles("admin")
def create_campaign():
    """`{copy_from, slug, years, publish?}` → 201 with the new campaign (a draft unless `publish`); 409 if the slug
    is taken, 422 for invalid input."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(400, "Nội dung phải là một đối tượng JSON.")
    try:
        payload = CampaignCopyIn.model_validate(body)
    except ValidationError as exc:
        return json_error(422, "Dữ liệu không hợp lệ.", field_errors(exc))
    source = db.session.scalar(select(Campaign).where(Campaign.slug == payload.copy_from))
    if source is None:
        return json_error(422, "Không có chiến dịch nguồn.", {"copy_from": f"Không có chiến dịch “{payload.copy_from}”."})
    try:
        campaign = copy_campaign(source, payload.slug, payload.years, api_user().id, utcnow(), publish=payload.publish)
    except CampaignError as exc:
        db.session.rollback()
        if exc.code == "slug_taken":
            return json_error(409, exc.message, {exc.field: exc.message}, code="slug_taken")
        return json_error(422, "Dữ liệu không hợp lệ.", {exc.field: exc.message})
    db.session.commit()
    return campaign_as_dict(campaign) | {"copied_from": campaign.copied_from}, 201
