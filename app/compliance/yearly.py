"""Campaigns as a yearly routine (SPEC §18): dates and texts moved by whole years. Pure: standard library only."""

import re
from dataclasses import replace
from datetime import date

from app.compliance.engine import CampaignSpec

# A year in a text ("01/7/2026", "năm 2026"), not one inside a document number ("13/2023/NĐ-CP").
_YEAR_RE = re.compile(r"(?<!\d)(19|20)(\d{2})(?![\d/])")


def shift_years(day: date | None, years: int) -> date | None:
    """The same day and month `years` later (or earlier); 29 February becomes 28 February in a common year
    (the last day of the same month, so a deadline never moves into March)."""
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/2 into a common year
        return day.replace(year=day.year + years, day=28)


def shift_text_years(text: str, years: int) -> str:
    """Every year named in a text moved by `years` ("01/7/2026" → "01/7/2027"); document numbers untouched."""
    if not years or not text:
        return text
    return _YEAR_RE.sub(lambda m: str(int(m.group(0)) + years), text)


def shift_spec(spec: CampaignSpec, years: int, slug: str | None = None) -> CampaignSpec:
    """A campaign's template moved by whole years: period, every window and deadline, and the years in its texts."""
    duties = tuple(
        replace(d, text=shift_text_years(d.text, years), hint=shift_text_years(d.hint, years),
                window_start=shift_years(d.window_start, years), window_end=shift_years(d.window_end, years))
        for d in spec.duties
    )
    requirements = tuple(
        replace(r, label=shift_text_years(r.label, years), window_start=shift_years(r.window_start, years),
                window_end=shift_years(r.window_end, years))
        for r in spec.city_requirements
    )
    return CampaignSpec(slug or spec.slug, shift_text_years(spec.name, years), shift_years(spec.start, years),
                        shift_years(spec.end, years), duties, requirements)


def in_force(added_on: date | None, retired_on: date | None, as_of: date | None,
             past_retirements: list | None = None) -> bool:
    """Whether a duty or city requirement belongs to its campaign's set as of a date (SPEC §18): from the day it
    was added (None: from the start) to the day before it was retired (None: still in force), and not inside an
    earlier retirement it was brought back from (`past_retirements`: [first day retired, day restored] pairs,
    ISO dates). `as_of` None: now."""
    if as_of is None:
        return retired_on is None
    if (added_on is not None and as_of < added_on) or (retired_on is not None and as_of >= retired_on):
        return False
    return not any(date.fromisoformat(start) <= as_of < date.fromisoformat(end)
                   for start, end in past_retirements or ())


def as_it_was(current, revisions, as_of: date | None):
    """The values of a duty or city requirement in force on a date (SPEC §18): the first revision replaced after
    `as_of` (revisions in the order of `replaced_on`; each holds what it said before the edit of that day), else
    the current values. `as_of` None: the current values."""
    if as_of is not None:
        for revision in revisions:
            if as_of < revision.replaced_on:
                return revision
    return current
