"""Edits of a duty or city requirement after its campaign started (SPEC §18): what it said before is kept as a
revision with the day the edit took effect, so a past day replays as it was (`loader.campaign_spec` reads the
values of the day), and the editor shows what changed when. Services flush; the caller commits.
"""

from dataclasses import dataclass
from datetime import date

from app.models import Campaign, CityRequirement, CityRequirementRevision, Duty, DutyRevision

# The judged fields, those a revision keeps: what decides a status, and the text every document prints.
DUTY_FIELDS = ("text", "evidence", "kinds", "min_count", "window_start", "window_end", "hint")
REQUIREMENT_FIELDS = ("label", "kinds", "min_count", "window_start", "window_end")


def started(campaign: Campaign, today: date) -> bool:
    """Whether past statuses of this campaign exist to be kept: published and its period begun."""
    return campaign.state == "published" and today > campaign.start


def _fields(obj) -> tuple[str, ...]:
    return DUTY_FIELDS if isinstance(obj, Duty | DutyRevision) else REQUIREMENT_FIELDS


def values(obj) -> dict:
    """The judged fields of a duty, a city requirement or one of their revisions."""
    return {name: getattr(obj, name) for name in _fields(obj)}


def keep(obj: Duty | CityRequirement, before: dict, today: date) -> None:
    """After `obj` was changed today from `before`: keep `before` as the values in force until yesterday.

    A second edit the same day keeps the first one's revision (a day replays with what it said at its end); an
    edit that brings back today what the day began with leaves no revision.
    """
    todays = next((r for r in obj.revisions if r.replaced_on == today), None)
    if todays is None:
        model = DutyRevision if isinstance(obj, Duty) else CityRequirementRevision
        obj.revisions.append(model(replaced_on=today, **{k: before[k] for k in _fields(obj)}))
        obj.revisions.sort(key=lambda r: r.replaced_on)
    elif values(todays) == values(obj):
        obj.revisions.remove(todays)


@dataclass(frozen=True)
class Change:
    """One field of an edit: `window` as (start, end), the others as stored."""

    field: str
    old: object
    new: object


@dataclass(frozen=True)
class Edit:
    """An edit after the start: the day it took effect and what it changed."""

    on: date
    changes: tuple[Change, ...]


def _changes(old: dict, new: dict) -> tuple[Change, ...]:
    out = []
    if (old["window_start"], old["window_end"]) != (new["window_start"], new["window_end"]):
        out.append(Change("window", (old["window_start"], old["window_end"]), (new["window_start"], new["window_end"])))
    for name in old:
        if name not in ("window_start", "window_end") and _same(old[name]) != _same(new[name]):
            out.append(Change(name, old[name], new[name]))
    return tuple(out)


def _same(value):
    """A value as compared: kinds in any order, no hint as an empty one."""
    return sorted(value) if isinstance(value, list) else ("" if value is None else value)


def edits(obj: Duty | CityRequirement) -> list[Edit]:
    """The edits made after the start, oldest first, each with its old and new values (none: never edited then)."""
    versions = [values(r) for r in obj.revisions] + [values(obj)]
    found = []
    for revision, old, new in zip(obj.revisions, versions, versions[1:], strict=False):
        changes = _changes(old, new)
        if changes:
            found.append(Edit(revision.replaced_on, changes))
    return found


def edited_after(campaign: Campaign, as_of: date) -> list[tuple[int | None, str, date]]:
    """The duties (number, text) and city requirements (None, label) edited after `as_of`, with the first such
    day: a replay of `as_of` reads them as they were then, which the matrix and commune pages say."""
    found = [(d.no, d.text, day) for d in campaign.duties
             if (day := next((r.replaced_on for r in d.revisions if r.replaced_on > as_of), None))]
    found += [(None, q.label, day) for q in campaign.city_requirements
              if (day := next((r.replaced_on for r in q.revisions if r.replaced_on > as_of), None))]
    return found


def retirements(obj: Duty | CityRequirement) -> list[tuple[date, date]]:
    """The retirements a duty or requirement was brought back from after the start: (first day, last day)."""
    return [(date.fromisoformat(start), date.fromordinal(date.fromisoformat(end).toordinal() - 1))
            for start, end in obj.past_retirements or ()]
