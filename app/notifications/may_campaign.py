"""The May campaign job (SPEC §18): the campaign comes from the campaigns feature, the review notice from here.

Kept in notifications, which already depends on campaigns, so that campaigns never imports notifications.
"""

from datetime import date, datetime

from sqlalchemy import select

from app.campaigns.routine import CampaignError, create_may_campaign, may_slug
from app.extensions import db
from app.formatting import fmt_date
from app.models import Campaign
from app.notifications.services import KIND_CAMPAIGN_REVIEW, NewNotification, add_notifications, city_office_ids


def may_campaign_job(as_of: date, now: datetime, city: str) -> dict:
    """On 01/4 each year (SPEC §18): create thang-van-dong-YYYY as a draft when it does not exist, and tell the
    city office to review and publish it. Idempotent: a second run creates nothing and notifies no one again."""
    slug = may_slug(as_of.year)
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    created = False
    if campaign is None:
        try:
            campaign = create_may_campaign(as_of.year, city, None, now)
            created = True
        except CampaignError:  # another process created it a moment ago
            campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    notified = []
    if campaign is not None and campaign.state == "draft":
        text = (f"Đã tạo chiến dịch “{campaign.name}” ({fmt_date(campaign.start)} – {fmt_date(campaign.end)}) từ mẫu. "
                "Vui lòng rà soát nhiệm vụ, thông điệp và công bố để các đơn vị cấp xã thực hiện.")
        items = [NewNotification(uid, KIND_CAMPAIGN_REVIEW, f"campaign-review:{slug}", text,
                                 f"/campaigns/{slug}/edit") for uid in city_office_ids()]
        notified = add_notifications(items, now)
    return {"campaign": slug, "created": created, "notifications": len(notified)}
