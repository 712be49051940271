"""Activity validation shared by the form, the API and the seed (SPEC §3, §12): the rules are declared once, in
`app.schemas.activities.ActivityInput` (Vietnamese message per field); here only what needs the database."""

from flask import current_app
from sqlalchemy import select

from app.domain.roles import CITY_OFFICE_ROLES
from app.extensions import db
from app.formatting import local
from app.models import Activity, Agency, City, Commune, Message
from app.schemas.activities import ActivityInput

FIELDS = tuple(ActivityInput.model_fields)  # the API's field names of an activity


class ActivityError(Exception):
    """Validation failed: `errors` maps each field to its Vietnamese message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _commune_id(code, actor, errors: dict) -> int | None:
    """The commune's id; commune users only for their own commune (SPEC §1); admin/city may pick none (city level)."""
    code = (str(code).strip() if code is not None else "")
    if actor.role == "commune":
        if not code:
            return actor.commune_id
        commune = db.session.scalar(select(Commune).where(Commune.code == code[:10]))
        if commune is None:
            errors["commune_code"] = f"Không có đơn vị cấp xã mã “{code[:10]}”."
        elif commune.id != actor.commune_id:
            errors["commune_code"] = "Bạn chỉ được ghi hoạt động của đơn vị mình."
        return actor.commune_id
    if not code:
        return None
    commune = db.session.scalar(select(Commune).where(Commune.code == code[:10]))
    if commune is None:
        errors["commune_code"] = f"Không có đơn vị cấp xã mã “{code[:10]}”."
        return None
    return commune.id


def _check_messages(numbers: list[int], errors: dict) -> None:
    """Every message number names an official message: the 19 of SPEC §8 or one the city office added (§18)."""
    known = set(db.session.scalars(select(Message.id).where(Message.id.in_(numbers))))
    unknown = [n for n in numbers if n not in known]
    if unknown:
        errors["messages"] = f"Không có thông điệp số {unknown[0]}."


OWN_UNIT_ONLY = "Bạn chỉ được ghi hoạt động của đơn vị mình."


def _agency_id(code, actor, errors: dict) -> int | None:
    """The owning agency (SPEC §13): an agency user's own, always; one the city office names; never a commune's."""
    code = (str(code).strip() if code is not None else "")[:16]
    if actor.role == "agency":
        own = db.session.scalar(select(Agency.code).where(Agency.id == actor.agency_id)) if actor.agency_id else None
        if own is None:
            errors["agency_code"] = "Tài khoản chưa gắn với cơ quan, đơn vị nào."
        elif code and code != own:
            errors["agency_code"] = OWN_UNIT_ONLY
        return actor.agency_id
    if not code:
        return None
    if actor.role not in CITY_OFFICE_ROLES:
        errors["agency_code"] = OWN_UNIT_ONLY
        return None
    agency_id = db.session.scalar(select(Agency.id).join(City).where(
        Agency.code == code, City.key == current_app.config["CITY"]))
    if agency_id is None:
        errors["agency_code"] = f"Không có cơ quan, đơn vị mã “{code}”."
    return agency_id


def validate(data: dict, actor) -> tuple[dict, dict]:
    """Check a full activity (API field names) and return (model values, {field: Vietnamese error}).

    The rules of SPEC §3, §7, §8, §12 are declared once, in `app.schemas.activities.ActivityInput` (the form, the
    API and the seed use it); here only what needs the database: the owner — a commune (a commune user's own),
    an agency (an agency user's own, SPEC §13) or neither (city level) — and the official messages that exist
    (the city office adds some, SPEC §18).
    """
    payload, errors = ActivityInput.errors_of(data)
    commune_id = agency_id = None
    if isinstance(data, dict) and "agency_code" not in errors:
        agency_id = _agency_id(data.get("agency_code"), actor, errors)
    if isinstance(data, dict) and "commune_code" not in errors:
        if actor.role == "agency":
            if (str(data.get("commune_code") or "")).strip():
                errors["commune_code"] = OWN_UNIT_ONLY
        else:
            commune_id = _commune_id(data.get("commune_code"), actor, errors)
    if commune_id is not None and agency_id is not None and "agency_code" not in errors:
        errors["agency_code"] = "Chọn một đơn vị: cấp xã hoặc cơ quan, không chọn cả hai."
    if payload is not None and payload.messages:
        _check_messages(payload.messages, errors)
    if errors:
        return {}, errors
    return {"commune_id": commune_id, "agency_id": agency_id, **payload.values()}, {}


def as_input(activity: Activity) -> dict:
    """An activity in API field names (the starting point of a partial update)."""
    return {
        "commune_code": activity.commune.code if activity.commune else None,
        "agency_code": activity.agency.code if activity.agency else None,
        "kind": activity.kind, "title": activity.title, "start": local(activity.start_at),
        "end": local(activity.end_at), "venue": activity.venue or "", "organiser": activity.organiser or "",
        "status": activity.status, "cancel_reason": activity.cancel_reason, "partners": list(activity.partners or []),
        "audiences": list(activity.audiences or []), "messages": list(activity.messages or []),
        "results": dict(activity.results or {}), "links": list(activity.links or []), "notes": activity.notes or "",
        "preregistration": bool(activity.preregistration),
    }
