"""Edit a campaign freely (SPEC §18): add, remove (only without evidence), retire and reorder duties and city
requirements; choose its official messages, add new ones. Every edit is audited.

Past statuses replay as they were: the engine reads the duty set *as of the date* (`Duty.added_on`,
`Duty.retired_on`; the same for city requirements). A duty added to a published campaign after its start counts
from the day it was added; a retired one until the day before it was retired; one edited after the start reads,
for each day, what it said that day (`app.campaigns.revisions`). Services flush; the caller commits.
"""

import re
import unicodedata
from datetime import date

from sqlalchemy import func, select

from app.campaigns.revisions import DUTY_FIELDS, REQUIREMENT_FIELDS, started
from app.compliance import loader
from app.compliance.engine import EVIDENCE_REPORT, evaluate
from app.extensions import db
from app.models import Campaign, CampaignMessage, CityRequirement, Duty, Message
from app.models.audit import record


class InUse(Exception):
    """A duty or requirement that evidence points at: it can be retired, not removed."""

    def __init__(self, count: int):
        super().__init__(f"{count} evidence")
        self.count = count


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def evidence_counts(campaign: Campaign, as_of: date) -> tuple[dict[int, int], dict[str, int]]:
    """How many pieces of evidence (held activities, submitted reports) count, as of a date, for each duty
    (every one, retired included) and each city requirement — what a removal would orphan. A duty edited after
    the start counts the most evidence any of its versions (`loader.campaign_versions`) ever counted."""
    versions = loader.campaign_versions(campaign)
    communes, code_by_id = loader.load_communes()
    activities = loader.load_activities(versions, as_of, code_by_id)
    submissions = loader.load_submissions(campaign.id, as_of)
    duties = {d.no: 0 for d in versions[0].duties}
    requirements = {r.key: 0 for r in versions[0].city_requirements}
    for spec in versions:
        matrix = evaluate(spec, communes, activities, submissions, as_of)
        counted = dict.fromkeys(duties, 0)
        for row in matrix.rows:
            for cell in row.cells:
                counted[cell.duty_no] += len(cell.evidence)
        for duty in spec.duties:  # a report duty's evidence is any report still counting, whenever it was sent
            if duty.evidence == EVIDENCE_REPORT:
                counted[duty.no] = max(counted[duty.no], len(submissions))
        for no, count in counted.items():
            duties[no] = max(duties[no], count)
        for result in matrix.city_requirements:
            requirements[result.key] = max(requirements[result.key], len(result.evidence))
    return duties, requirements


def _next(campaign_id: int, model, column) -> int:
    return (db.session.scalar(select(func.max(column)).where(model.campaign_id == campaign_id)) or 0) + 1


def add_duty(campaign: Campaign, data: dict, actor_id: int | None, today: date) -> Duty:
    """A new duty of every commune, numbered after the last one and placed last; audited."""
    duty = Duty(campaign_id=campaign.id, no=_next(campaign.id, Duty, Duty.no),
                position=_next(campaign.id, Duty, Duty.position),
                added_on=today if started(campaign, today) else None,
                **{k: data[k] for k in DUTY_FIELDS})
    db.session.add(duty)
    db.session.flush()
    db.session.expire(campaign, ["duties"])
    record(actor_id, "add", "duty", duty.id, campaign=campaign.slug, no=duty.no,
           added_on=_plain(duty.added_on), **{k: _plain(data[k]) for k in DUTY_FIELDS})
    return duty


def remove(obj, campaign: Campaign, actor_id: int | None, today: date) -> bool:
    """Remove a duty or city requirement that no evidence counts for; InUse otherwise (retire it instead).
    The audit entry keeps everything it said. Once the campaign has started, its past days had this duty (pending
    or overdue in every commune): it is retired from today instead, so they replay as they were; False then (a
    duty added today had no past day: it is removed)."""
    duties, requirements = evidence_counts(campaign, today)
    if isinstance(obj, Duty):
        count, kind, fields, name = duties.get(obj.no), "duty", DUTY_FIELDS, {"no": obj.no}
    else:
        count, kind, fields, name = requirements.get(obj.key), "city_requirement", REQUIREMENT_FIELDS, {"key": obj.key}
    if count:
        raise InUse(count)
    if started(campaign, today) and (obj.added_on is None or obj.added_on < today):
        retire(obj, campaign, actor_id, today)
        return False
    record(actor_id, "remove", kind, obj.id, campaign=campaign.slug, **name,
           **{k: _plain(getattr(obj, k)) for k in fields})
    db.session.delete(obj)
    db.session.flush()
    db.session.expire(campaign, ["duties", "city_requirements"])
    return True


def retire(obj, campaign: Campaign, actor_id: int | None, today: date, restore: bool = False) -> None:
    """Retire a duty or city requirement from today (its past statuses stay), or bring a retired one back from
    today (the days it was retired replay without it)."""
    kind = "duty" if isinstance(obj, Duty) else "city_requirement"
    if restore:
        if obj.retired_on is None:
            return
        old, obj.retired_on = obj.retired_on, None
        if started(campaign, today) and old < today:  # the days it was retired stay without it
            obj.past_retirements = [*(obj.past_retirements or []), [old.isoformat(), today.isoformat()]]
        record(actor_id, "restore", kind, obj.id, campaign=campaign.slug, retired_on=_plain(old),
               restored_on=_plain(today))
    else:
        if obj.retired_on is not None:
            return
        obj.retired_on = today
        record(actor_id, "retire", kind, obj.id, campaign=campaign.slug, retired_on=_plain(today))
    db.session.flush()


def move(obj, campaign: Campaign, step: int, actor_id: int | None) -> bool:
    """Move a duty or city requirement one place up (step -1) or down (+1); False at either end. Audited with the
    new order."""
    siblings = list(campaign.duties if isinstance(obj, Duty) else campaign.city_requirements)
    index = siblings.index(obj)
    other = index + step
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, item in enumerate(siblings, 1):
        item.position = position
    db.session.flush()
    if isinstance(obj, Duty):
        record(actor_id, "reorder", "campaign", campaign.id, slug=campaign.slug, duties=[d.no for d in siblings])
    else:
        record(actor_id, "reorder", "campaign", campaign.id, slug=campaign.slug,
               city_requirements=[r.key for r in siblings])
    db.session.expire(campaign, ["duties", "city_requirements"])
    return True


def requirement_key(label: str, taken: set[str]) -> str:
    """A short stable key from a requirement's words ("Hội thi tìm hiểu" → "hoi-thi-tim-hieu"), unique."""
    folded = unicodedata.normalize("NFD", label.replace("đ", "d").replace("Đ", "D"))
    ascii_ = "".join(ch for ch in folded if not unicodedata.combining(ch)).lower()
    base = "-".join(re.findall(r"[a-z0-9]+", ascii_)[:5])[:32] or "yeu-cau"
    key, n = base, 2
    while key in taken:
        key, n = f"{base[:29]}-{n}", n + 1
    return key


def add_requirement(campaign: Campaign, data: dict, actor_id: int | None, today: date) -> CityRequirement:
    """A new city-level requirement placed last; audited."""
    taken = set(db.session.scalars(select(CityRequirement.key).where(CityRequirement.campaign_id == campaign.id)))
    requirement = CityRequirement(campaign_id=campaign.id, key=requirement_key(data["label"], taken),
                                  position=_next(campaign.id, CityRequirement, CityRequirement.position),
                                  added_on=today if started(campaign, today) else None,
                                  **{k: data[k] for k in REQUIREMENT_FIELDS})
    db.session.add(requirement)
    db.session.flush()
    db.session.expire(campaign, ["city_requirements"])
    record(actor_id, "add", "city_requirement", requirement.id, campaign=campaign.slug, key=requirement.key,
           **{k: _plain(data[k]) for k in REQUIREMENT_FIELDS})
    return requirement


def set_messages(campaign: Campaign, message_ids: list[int], actor_id: int | None) -> bool:
    """Choose the campaign's official messages (SPEC §8), in the given order; audited. False if unchanged."""
    known = set(db.session.scalars(select(Message.id)))
    wanted = [i for i in dict.fromkeys(message_ids) if i in known]
    old = [m.message_id for m in campaign.messages]
    if wanted == old:
        return False
    campaign.messages = [CampaignMessage(message_id=i, position=n) for n, i in enumerate(wanted, 1)]
    db.session.flush()
    record(actor_id, "set_messages", "campaign", campaign.id, slug=campaign.slug, old=old, new=wanted)
    return True


def add_message(campaign: Campaign, text: str, actor_id: int | None) -> Message:
    """A new official message, numbered after the last, added to the campaign's set; audited."""
    message = Message(id=(db.session.scalar(select(func.max(Message.id))) or 0) + 1, text=text.strip())
    db.session.add(message)
    db.session.flush()
    campaign.messages.append(CampaignMessage(message_id=message.id, position=len(campaign.messages) + 1))
    db.session.flush()
    record(actor_id, "add_message", "campaign", campaign.id, slug=campaign.slug, message=message.id,
           text=message.text)
    return message
