"""Campaigns as a yearly routine (SPEC §18): create from the city's template, copy a past campaign with its dates
moved by whole years, publish; the May campaign of each year created on 01/4.

Services take the actor, the city and the time as arguments; they flush, the caller commits.
"""

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.compliance.engine import CampaignSpec
from app.compliance.templates import MAY_TEMPLATE, shipped_campaigns, template, template_messages
from app.compliance.yearly import shift_text_years, shift_years
from app.extensions import db
from app.models import Campaign, CampaignMessage, CityRequirement, Duty, Message
from app.models.audit import record

SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
MAX_YEARS = 10


class CampaignError(ValueError):
    """A campaign that cannot be created as asked; `field` names the input at fault, `message` is Vietnamese,
    `code` is "slug_taken" for a slug already used (409 in the API), else "invalid"."""

    def __init__(self, field: str, message: str, code: str = "invalid"):
        super().__init__(message)
        self.field, self.message, self.code = field, message, code


def check_slug(slug: str) -> str:
    """A new campaign's slug: lower-case words of a–z and digits joined by "-", at most 64, not taken."""
    slug = (slug or "").strip()
    if not slug or len(slug) > 64 or not SLUG_RE.fullmatch(slug):
        raise CampaignError("slug", "Mã chiến dịch chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang "
                                    "(ví dụ bhyt-day-2027), tối đa 64 ký tự.")
    if db.session.scalar(select(Campaign.id).where(Campaign.slug == slug)) is not None:
        raise CampaignError("slug", f"Đã có chiến dịch mã “{slug}”.", "slug_taken")
    return slug


def _all_message_ids() -> list[int]:
    return list(db.session.scalars(select(Message.id).order_by(Message.id)))


def _add(campaign: Campaign) -> Campaign:
    """Insert a new campaign; a slug taken meanwhile (a concurrent copy, a second scheduler) is a CampaignError."""
    try:
        with db.session.begin_nested():
            db.session.add(campaign)
    except IntegrityError:
        raise CampaignError("slug", f"Đã có chiến dịch mã “{campaign.slug}”.", "slug_taken") from None
    return campaign


def create_from_spec(spec: CampaignSpec, *, published: bool = True, now: datetime | None = None,
                     template_key: str | None = None, messages: list[int] | None = None) -> Campaign:
    """A campaign row (duties, city requirements, official messages — all 19 unless told) from a template's spec."""
    campaign = Campaign(slug=spec.slug, name=spec.name, start=spec.start, end=spec.end, active=True,
                        state="published" if published else "draft", published_at=now if published else None,
                        template=template_key)
    for position, d in enumerate(spec.duties, 1):
        campaign.duties.append(Duty(no=d.no, text=d.text, evidence=d.evidence, kinds=sorted(d.kinds),
                                    min_count=d.min_count, window_start=d.window_start,
                                    window_end=d.window_end, hint=d.hint, position=position))
    for position, r in enumerate(spec.city_requirements, 1):
        campaign.city_requirements.append(CityRequirement(key=r.key, label=r.label, kinds=sorted(r.kinds),
                                                          min_count=r.min_count, window_start=r.window_start,
                                                          window_end=r.window_end, position=position))
    wanted = set(messages) if messages is not None else None
    ids = [i for i in _all_message_ids() if wanted is None or i in wanted]
    campaign.messages = [CampaignMessage(message_id=i, position=n) for n, i in enumerate(ids, 1)]
    _add(campaign)
    db.session.flush()
    return campaign


def seed_campaigns(city: str) -> list[str]:
    """Create the city's shipped campaigns that are missing (Hải Phòng: bhyt-day-2026; Hà Nội: none); never
    touch one that exists."""
    existing = set(db.session.scalars(select(Campaign.slug)))
    created = []
    for spec in shipped_campaigns(city):
        if spec.slug not in existing:
            create_from_spec(spec, template_key=spec.slug.rsplit("-", 1)[0])
            created.append(spec.slug)
    return created


def _check_years(years) -> int:
    if isinstance(years, bool) or not isinstance(years, int) or not -MAX_YEARS <= years <= MAX_YEARS:
        raise CampaignError("years", f"Số năm dời phải là số nguyên từ -{MAX_YEARS} đến {MAX_YEARS}.")
    return years


def create_from_template(key: str, year: int, city: str, actor_id: int | None, now: datetime,
                         slug: str | None = None, publish: bool = False) -> Campaign:
    """A campaign from one of the city's templates for a year (a draft unless `publish`); audited."""
    try:
        spec = template(key, city, year)
    except KeyError:
        raise CampaignError("template", "Mẫu chiến dịch không có cho thành phố này.") from None
    if not 2000 <= year <= 2100:
        raise CampaignError("year", "Năm phải trong khoảng 2000 – 2100.")
    if slug and slug != spec.slug:
        spec = CampaignSpec(check_slug(slug), spec.name, spec.start, spec.end, spec.duties, spec.city_requirements)
    else:
        check_slug(spec.slug)
    campaign = create_from_spec(spec, published=publish, now=now, template_key=key, messages=template_messages(key))
    record(actor_id, "create", "campaign", campaign.id, slug=campaign.slug, template=key, year=year,
           state=campaign.state)
    return campaign


def copy_campaign(source: Campaign, slug: str, years: int, actor_id: int | None, now: datetime,
                  publish: bool = False) -> Campaign:
    """Copy a campaign with every date moved by whole years (period, windows, deadlines, city-requirement
    windows; 29/2 → 28/2) and the years in its texts; duties keep their numbers, retired ones are left out.
    A draft unless `publish`; audited."""
    years = _check_years(years)
    slug = check_slug(slug)
    copy = Campaign(slug=slug, name=shift_text_years(source.name, years), start=shift_years(source.start, years),
                    end=shift_years(source.end, years), active=True, state="published" if publish else "draft",
                    published_at=now if publish else None, template=source.template, copied_from=source.slug)
    for position, d in enumerate((d for d in source.duties if d.retired_on is None), 1):
        copy.duties.append(Duty(no=d.no, text=shift_text_years(d.text, years), evidence=d.evidence,
                                kinds=list(d.kinds or ()), min_count=d.min_count,
                                window_start=shift_years(d.window_start, years),
                                window_end=shift_years(d.window_end, years),
                                hint=shift_text_years(d.hint or "", years), position=position))
    for position, r in enumerate((r for r in source.city_requirements if r.retired_on is None), 1):
        copy.city_requirements.append(CityRequirement(
            key=r.key, label=shift_text_years(r.label, years), kinds=list(r.kinds or ()), min_count=r.min_count,
            window_start=shift_years(r.window_start, years), window_end=shift_years(r.window_end, years),
            position=position))
    copy.messages = [CampaignMessage(message_id=m.message_id, position=m.position) for m in source.messages]
    _add(copy)
    db.session.flush()
    record(actor_id, "copy", "campaign", copy.id, slug=copy.slug, copied_from=source.slug, years=years,
           state=copy.state)
    return copy


def publish_campaign(campaign: Campaign, actor_id: int | None, now: datetime) -> bool:
    """Publish a draft: communes see it, its duties count and are reminded. False if it was already published."""
    if campaign.state == "published":
        return False
    campaign.state, campaign.published_at = "published", now
    db.session.flush()
    record(actor_id, "publish", "campaign", campaign.id, slug=campaign.slug)
    return True


def may_slug(year: int) -> str:
    """The slug of the May campaign of a year (SPEC §12: thang-van-dong-YYYY)."""
    return f"{MAY_TEMPLATE}-{year}"


def create_may_campaign(year: int, city: str, actor_id: int | None, now: datetime,
                        publish: bool = False) -> Campaign:
    """"Tháng vận động triển khai BHXH toàn dân" of a year from the city's template (SPEC §4.2); CampaignError if
    it exists."""
    return create_from_template(MAY_TEMPLATE, year, city, actor_id, now, publish=publish)
