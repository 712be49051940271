"""Agency services (SPEC §13): the city office adds, edits, retires and brings back agencies; every edit audited.

A code is the agency's name in the plans' data (task leads and partners are stored by code), so it is chosen once
and never changed. Services take the user as an argument, flush, and leave the commit to the caller.
"""

import re

from sqlalchemy import func, select

from app.extensions import db
from app.models import AGENCY_KINDS, Agency, Plan, Task
from app.models.audit import record

CODE = re.compile(r"[A-Z][A-Z0-9]{1,15}")
MAX_NAME = 200


class AgencyRefused(Exception):
    """An edit that cannot be made: {field: Vietnamese message}."""

    def __init__(self, fields: dict[str, str]):
        super().__init__("; ".join(fields.values()))
        self.fields = fields


def agencies_of(city_id: int) -> list[tuple[Agency, int]]:
    """Every agency of the city (retired ones too) with the number of active tasks it leads, by name."""
    led = (select(Task.lead_agency_id, func.count(Task.id).label("n")).join(Plan)
           .where(Task.active.is_(True), Plan.active.is_(True)).group_by(Task.lead_agency_id).subquery())
    stmt = (select(Agency, func.coalesce(led.c.n, 0)).outerjoin(led, led.c.lead_agency_id == Agency.id)
            .where(Agency.city_id == city_id).order_by(Agency.active.desc(), Agency.code))
    return [(agency, n) for agency, n in db.session.execute(stmt)]


def agency_by_code(city_id: int, code: str) -> Agency | None:
    """One agency of the city by its code, retired or not."""
    return db.session.scalar(select(Agency).where(Agency.city_id == city_id, Agency.code == (code or "")[:16]))


def _checked(name: str, kind: str) -> tuple[str, str]:
    errors = {}
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = "Vui lòng nhập tên cơ quan, đơn vị."
    elif len(name) > MAX_NAME:
        errors["name"] = f"Tên tối đa {MAX_NAME} ký tự."
    if kind not in AGENCY_KINDS:
        errors["kind"] = "Chọn loại cơ quan, đơn vị."
    if errors:
        raise AgencyRefused(errors)
    return name, kind


def create_agency(city_id: int, code: str, name: str, kind: str, user) -> Agency:
    """A new agency of the city; its code is upper-case letters and digits, unique in the city."""
    code = (code or "").strip().upper()
    errors = {}
    try:
        name, kind = _checked(name, kind)
    except AgencyRefused as exc:
        errors.update(exc.fields)
    if not CODE.fullmatch(code):
        errors["code"] = "Mã gồm 2–16 chữ cái in hoa hoặc chữ số, bắt đầu bằng chữ cái (ví dụ SYT, BPTTH)."
    elif agency_by_code(city_id, code) is not None:
        errors["code"] = f"Đã có cơ quan, đơn vị mã “{code}”."
    if errors:
        raise AgencyRefused(errors)
    agency = Agency(city_id=city_id, code=code, name=name, kind=kind, active=True)
    db.session.add(agency)
    db.session.flush()
    record(user.id, "create", "agency", agency.id, code=code, name=name, kind=kind)
    return agency


def update_agency(agency: Agency, name: str, kind: str, user) -> dict:
    """Change an agency's name and kind; returns what changed ({field: [old, new]}), written to the audit log."""
    name, kind = _checked(name, kind)
    changed = {k: [getattr(agency, k), v] for k, v in (("name", name), ("kind", kind)) if getattr(agency, k) != v}
    if changed:
        agency.name, agency.kind = name, kind
        db.session.flush()
        record(user.id, "update", "agency", agency.id, code=agency.code, changed=changed)
    return changed


def set_active(agency: Agency, active: bool, user) -> None:
    """Retire an agency (it leaves the lists of owners and leads; its history stays) or bring it back.

    Refused while it leads an active task of an active plan: the city office names another lead first.
    """
    if agency.active == active:
        return
    if not active:
        leading = db.session.scalars(select(Task).join(Plan).where(
            Task.lead_agency_id == agency.id, Task.active.is_(True), Plan.active.is_(True))).all()
        if leading:
            labels = ", ".join(t.label for t in leading[:8]) + ("…" if len(leading) > 8 else "")
            raise AgencyRefused({"active": f"{agency.name} đang chủ trì {len(leading)} nhiệm vụ ({labels}): "
                                           "đổi cơ quan chủ trì của các nhiệm vụ đó trước."})
    agency.active = active
    db.session.flush()
    record(user.id, "restore" if active else "retire", "agency", agency.id, code=agency.code)
