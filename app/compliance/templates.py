"""Campaign templates the product ships, per city (SPEC §4.1, §4.2, §18); the city office edits copies.

The templates are data (`app/data/campaign_templates.json`); this module turns one into the engine's
`CampaignSpec` for a city (its lead office named as its texts name it) and, for a yearly template, a year.
"""

import re
from dataclasses import dataclass
from datetime import date

from app import data
from app.compliance.engine import CampaignSpec, CityRequirementSpec, DutySpec
from app.compliance.yearly import shift_spec

DEFAULT_CITY = "haiphong"
BHYT_DAY_2026_SLUG = "bhyt-day-2026"
MAY_TEMPLATE = "thang-van-dong"
THANG_VAN_DONG_SLUG = "thang-van-dong-{year}"
_YEAR_SLUG_RE = re.compile(r"(.+)-(\d{4})")


@dataclass(frozen=True, slots=True)
class TemplateInfo:
    """A shipped template as the "create from template" form lists it."""

    key: str
    name: str
    slug: str  # the slug it creates, with {year}
    base_year: int


def _raw_templates() -> dict[str, dict]:
    return {t["key"]: t for t in data.campaign_templates()["templates"]}


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def city_template_keys(city: str) -> list[str]:
    """The keys of the templates a city ships (Hà Nội never gets Hải Phòng's)."""
    return list(data.city(city).get("campaign_templates", ()))


def city_templates(city: str) -> list[TemplateInfo]:
    """The templates of a city, in the order of its settings."""
    raw = _raw_templates()
    return [TemplateInfo(key, raw[key]["name"], raw[key]["slug"], raw[key]["base_year"])
            for key in city_template_keys(city)]


def template_messages(key: str) -> list[int] | None:
    """The official messages a template selects: a list of numbers, or None for all of them (SPEC §8)."""
    chosen = _raw_templates()[key].get("messages", "all")
    return None if chosen == "all" else [int(n) for n in chosen]


def template(key: str, city: str = DEFAULT_CITY, year: int | None = None) -> CampaignSpec:
    """The spec of a city's template for a year (default its base year): dates moved by whole years.

    KeyError if the city does not ship this template.
    """
    if key not in city_template_keys(city):
        raise KeyError(key)
    t = _raw_templates()[key]
    office = data.city(city)["lead_office_in_texts"]

    def text(value: str) -> str:
        return value.replace("{lead_office}", office)

    duties = tuple(
        DutySpec(d["no"], text(d["text"]), d["evidence"], frozenset(d["kinds"]), d.get("min_count", 1),
                 _day(d.get("window_start")), _day(d.get("window_end")), text(d.get("hint", "")))
        for d in t["duties"]
    )
    requirements = tuple(
        CityRequirementSpec(r["key"], text(r["label"]), frozenset(r["kinds"]), r.get("min_count", 1),
                            _day(r.get("window_start")), _day(r.get("window_end")))
        for r in t.get("city_requirements", ())
    )
    base = t["base_year"]
    spec = CampaignSpec(t["slug"].format(year=base), text(t["name"]), _day(t["start"]), _day(t["end"]), duties,
                        requirements)
    if year is not None and year != base:
        spec = shift_spec(spec, year - base, t["slug"].format(year=year))
    return spec


def bhyt_day_2026(city: str = DEFAULT_CITY) -> CampaignSpec:
    """Peak campaign for Vietnam Health Insurance Day 01/7/2026 (seed 002, SPEC §4.1)."""
    return template("bhyt-day", city, 2026)


def thang_van_dong(year: int, city: str = DEFAULT_CITY) -> CampaignSpec:
    """May campaign "Tháng vận động triển khai BHXH toàn dân" of a year (seed 003 III.12, SPEC §4.2)."""
    return template(MAY_TEMPLATE, city, year)


def shipped_campaigns(city: str) -> list[CampaignSpec]:
    """The campaigns a fresh install of the city starts with (Hải Phòng: bhyt-day-2026; Hà Nội: none)."""
    out = []
    for slug in data.city(city).get("campaigns", ()):
        spec = template_for(slug, city)
        if spec is None:
            raise ValueError(f"cities.json: {city} ships {slug!r}, which none of its templates makes")
        out.append(spec)
    return out


def template_for(slug: str, city: str = DEFAULT_CITY) -> CampaignSpec | None:
    """The city's template that makes this slug (SPEC §12 campaign slugs: `<template>-YYYY`), or None."""
    match = _YEAR_SLUG_RE.fullmatch(slug)
    if not match:
        return None
    raw = _raw_templates()
    for key in city_template_keys(city):
        if raw[key]["slug"] == match.group(1) + "-{year}":
            return template(key, city, int(match.group(2)))
    return None
