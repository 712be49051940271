"""A resident's data removed on request (SPEC §17 privacy, Nghị định 13/2023/NĐ-CP): their check-ins, tickets,
questions, follow-ups and ratings — found by phone (or exact name), deleted together, audited without the data."""

from dataclasses import dataclass

from sqlalchemy import delete, or_, select

from app.checkin.services import mask_phone
from app.extensions import db
from app.models import CheckIn, FollowUp, Question, Rating, Registration
from app.models.audit import record
from app.schemas.checkins import name_key, normalise_phone
from app.voice.questions import VoiceError


@dataclass(frozen=True)
class ResidentData:
    """What is stored about one resident."""

    checkins: list
    registrations: list
    questions: list
    followups: int
    ratings: int

    @property
    def empty(self) -> bool:
        return not (self.checkins or self.registrations or self.questions)


def _criteria(phone_raw, name_raw) -> tuple[str | None, str | None]:
    phone, error = normalise_phone(phone_raw)
    if error:
        raise VoiceError(error, {"phone": error})
    key = name_key(name_raw) if isinstance(name_raw, str) and name_raw.strip() else None
    if phone is None and key is None:
        raise VoiceError("Nhập số điện thoại hoặc họ và tên của người dân.",
                         {"phone": "Nhập số điện thoại hoặc họ và tên."})
    return phone, key


def _matching(model, phone: str | None, key: str | None) -> list:
    """The conditions on a person table (check-ins, registrations): this phone and/or this unaccented name."""
    return [cond for cond, given in ((model.phone == phone, phone), (model.name_key == key, key)) if given]


def find_resident(phone_raw, name_raw=None) -> ResidentData:
    """Everything stored under this phone (and, when given, this exact name; a name alone matches without phone)."""
    phone, key = _criteria(phone_raw, name_raw)
    checkins = list(db.session.scalars(select(CheckIn).where(*_matching(CheckIn, phone, key))
                                       .order_by(CheckIn.created_at)))
    registrations = list(db.session.scalars(select(Registration).where(*_matching(Registration, phone, key))))
    ids = [c.id for c in checkins]
    asked = [Question.checkin_id.in_(ids)] if ids else []
    if phone:
        asked.append(Question.phone == phone)
    questions = list(db.session.scalars(select(Question).where(or_(*asked)))) if asked else []
    followups = len(db.session.scalars(select(FollowUp.id).where(FollowUp.checkin_id.in_(ids))).all()) if ids else 0
    ratings = len(db.session.scalars(select(Rating.id).where(Rating.checkin_id.in_(ids))).all()) if ids else 0
    return ResidentData(checkins, registrations, questions, followups, ratings)


def erase_resident(phone_raw, name_raw, actor, now) -> dict:
    """Delete what `find_resident` finds; the audit entry keeps counts and a masked phone, not the data."""
    found = find_resident(phone_raw, name_raw)
    ids = [c.id for c in found.checkins]
    counts = {"checkins": len(ids), "registrations": len(found.registrations), "questions": len(found.questions),
              "followups": found.followups, "ratings": found.ratings}
    if ids:
        db.session.execute(delete(Rating).where(Rating.checkin_id.in_(ids)))
        db.session.execute(delete(FollowUp).where(FollowUp.checkin_id.in_(ids)))
    if found.questions:
        db.session.execute(delete(Question).where(Question.id.in_([q.id for q in found.questions])))
    if ids:
        db.session.execute(delete(CheckIn).where(CheckIn.id.in_(ids)))
    if found.registrations:
        db.session.execute(delete(Registration).where(Registration.id.in_([r.id for r in found.registrations])))
    phone, _ = normalise_phone(phone_raw)
    record(getattr(actor, "id", None), "resident.erase", "resident", None, phone=mask_phone(phone),
           by_name=bool(isinstance(name_raw, str) and name_raw.strip()), at=now.isoformat(), **counts)
    db.session.flush()
    return counts
