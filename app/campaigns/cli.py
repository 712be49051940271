"""`flask campaigns …` (SPEC §12 second wave): copy a campaign by whole years, create the May campaign, publish."""

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db
from app.formatting import fmt_date

campaigns_group = AppGroup("campaigns", help="Manage campaigns: copy one by whole years, create the May one, publish.")

STATE_WORDS = {"draft": "bản nháp — chưa công bố cho cấp xã", "published": "đã công bố"}


def _created(campaign) -> None:
    """Commit and say what was made."""
    db.session.commit()
    click.echo(f"Created {campaign.slug}: {campaign.name}, {fmt_date(campaign.start)} – {fmt_date(campaign.end)} "
               f"({STATE_WORDS[campaign.state]}).")


@campaigns_group.command("copy")
@click.argument("source_slug")
@click.argument("new_slug")
@click.option("--years", type=int, required=True, help="Dời mọi ngày bao nhiêu năm (ví dụ 1).")
@click.option("--publish", is_flag=True, help="Công bố ngay (mặc định: bản nháp).")
def copy_command(source_slug, new_slug, years, publish):
    """Copy a campaign with every date moved by whole years (a draft unless --publish)."""
    from app.campaigns.routine import CampaignError, copy_campaign
    from app.models import Campaign
    from app.models.types import utcnow

    source = db.session.scalar(select(Campaign).where(Campaign.slug == source_slug))
    if source is None:
        raise click.UsageError(f"Không có chiến dịch {source_slug!r}.")
    try:
        campaign = copy_campaign(source, new_slug, years, None, utcnow(), publish=publish)
    except CampaignError as exc:
        raise click.UsageError(exc.message) from exc
    _created(campaign)


@campaigns_group.command("create-may")
@click.argument("year", type=int)
@click.option("--publish", is_flag=True, help="Công bố ngay (mặc định: bản nháp).")
def create_may_command(year, publish):
    """Create the campaign thang-van-dong-YEAR from the city's template (SPEC §4.2)."""
    from app.campaigns.routine import CampaignError, create_may_campaign
    from app.models.types import utcnow

    try:
        campaign = create_may_campaign(year, current_app.config["CITY"], None, utcnow(), publish=publish)
    except CampaignError as exc:
        raise click.UsageError(exc.message) from exc
    _created(campaign)


@campaigns_group.command("publish")
@click.argument("slug")
def publish_command(slug):
    """Publish a draft campaign: the communes see it and its duties are reminded."""
    from app.campaigns.routine import publish_campaign
    from app.models import Campaign
    from app.models.types import utcnow

    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == slug))
    if campaign is None:
        raise click.UsageError(f"Không có chiến dịch {slug!r}.")
    changed = publish_campaign(campaign, None, utcnow())
    db.session.commit()
    click.echo(f"{slug}: {'published' if changed else 'already published'}.")
