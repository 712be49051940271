"""Who checked in: counts, the attendance list's rows, the scanner's search, phone masking (SPEC §5)."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from app.extensions import db
from app.formatting import fmt_time
from app.models import CheckIn, Commune, Registration
from app.schemas.checkins import PHONE_JUNK, name_key


def checkin_counts(activity_ids) -> dict[int, int]:
    """Number of check-ins per activity, in one query (attendees = check-ins + extra_attendees, SPEC §3)."""
    ids = list(activity_ids)
    if not ids:
        return {}
    rows = db.session.execute(select(CheckIn.activity_id, func.count()).where(CheckIn.activity_id.in_(ids))
                              .group_by(CheckIn.activity_id)).all()
    counts = dict.fromkeys(ids, 0)
    counts.update({a: n for a, n in rows})
    return counts


def checkins_with_residence(activity_id: int) -> list:
    """(CheckIn, residence commune name) of an activity, in check-in order — one query (lists, exports, PDFs)."""
    return db.session.execute(
        select(CheckIn, Commune.name).outerjoin(Commune, Commune.id == CheckIn.residence_commune_id)
        .where(CheckIn.activity_id == activity_id).order_by(CheckIn.created_at, CheckIn.id)).all()


def counts_by_audience(activity_id: int) -> dict[int | None, int]:
    """Check-ins of an activity per audience group 1–6 (None = not given)."""
    rows = db.session.execute(select(CheckIn.audience, func.count()).where(CheckIn.activity_id == activity_id)
                              .group_by(CheckIn.audience)).all()
    return {a: n for a, n in rows}


def counts_by_residence(activity_id: int) -> list[tuple[str | None, str, int]]:
    """Check-ins of an activity per commune of residence: (code, name, count), largest first."""
    rows = db.session.execute(
        select(Commune.code, Commune.name, func.count(CheckIn.id))
        .select_from(CheckIn).outerjoin(Commune, Commune.id == CheckIn.residence_commune_id)
        .where(CheckIn.activity_id == activity_id)
        .group_by(Commune.code, Commune.name).order_by(func.count(CheckIn.id).desc())).all()
    return [(c, n or "Không rõ", k) for c, n, k in rows]


def search_people(activity_id: int, query: str, limit: int = 20) -> list[dict]:
    """Registrations matching a name prefix (any word) or the start or end of a phone, with whether they checked in (scanner)."""
    query = (query or "").strip()
    if not query:
        return []
    digits = PHONE_JUNK.sub("", query)
    if digits.isdigit():
        # Staff read out either the start or the last digits of a phone number.
        cond = or_(Registration.phone.startswith(digits, autoescape=True),
                   Registration.phone.endswith(digits, autoescape=True))
    else:
        key = name_key(query)
        if not key:
            return []
        cond = or_(Registration.name_key.startswith(key, autoescape=True),
                   Registration.name_key.contains(" " + key, autoescape=True))
    rows = db.session.execute(
        select(Registration, CheckIn.created_at)
        .outerjoin(CheckIn, CheckIn.registration_id == Registration.id)
        .where(Registration.activity_id == activity_id, Registration.revoked.is_(False), cond)
        .order_by(Registration.name_key).limit(limit)).all()
    return [{"registration_id": r.id, "full_name": r.full_name, "phone": mask_phone(r.phone),
             "birth_year": r.birth_year, "checked_in_at": fmt_time(at) if at else None} for r, at in rows]


def mask_phone(phone: str | None) -> str:
    """`09xx xxx 123` (SPEC §5)."""
    if not phone:
        return ""
    return f"{phone[:2]}xx xxx {phone[-3:]}"
