"""User administration services: flush, the caller commits."""

import re

from sqlalchemy import select

from app.extensions import db
from app.models import Agency, Commune, User
from app.models.audit import record

USERNAME_RE = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")
USERNAME_RULE = "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang."


def username_problem(username: str) -> str | None:
    """Why a (trimmed, lower-cased) username is not allowed, or None: the admin form and `create-user` alike."""
    return None if USERNAME_RE.fullmatch(username) else USERNAME_RULE  # fullmatch: `$` lets a final newline in


def commune_by_code(code: str | None) -> Commune | None:
    """The commune with this official code, or None."""
    if not code:
        return None
    return db.session.scalar(select(Commune).where(Commune.code == code))


def agency_by_code(code: str | None, city_id: int | None = None) -> Agency | None:
    """The active agency with this code (in the city, when told), or None."""
    if not code:
        return None
    stmt = select(Agency).where(Agency.code == code.strip().upper(), Agency.active.is_(True))
    if city_id is not None:
        stmt = stmt.where(Agency.city_id == city_id)
    return db.session.scalars(stmt.order_by(Agency.id)).first()


def save_user(user: User | None, data: dict, actor_id: int | None) -> User:
    """Create or update a user from validated data; audited with the changed fields."""
    creating = user is None
    user = user or User()
    commune = commune_by_code(data.get("commune_code")) if data.get("role") == "commune" else None
    changes = {}
    for field, value in (("username", data["username"]), ("full_name", data["full_name"]),
                         ("email", data.get("email") or None), ("role", data["role"]),
                         ("active", data.get("active", True)),
                         *((("position", (data["position"] or "").strip() or None),) if "position" in data else ())):
        if getattr(user, field, None) != value:
            changes[field] = value
            setattr(user, field, value)
    new_commune_id = commune.id if commune else None
    if user.commune_id != new_commune_id or creating:
        changes["commune"] = commune.code if commune else None
    user.commune = commune
    agency = agency_by_code(data.get("agency_code")) if data.get("role") == "agency" else None
    if user.agency_id != (agency.id if agency else None) or creating:
        changes["agency"] = agency.code if agency else None
    user.agency = agency
    if not creating and changes.get("active") is False:
        user.end_sessions()
    if data.get("password"):
        user.set_password(data["password"])
        changes["password"] = "***"
    if creating:
        db.session.add(user)
    db.session.flush()
    record(actor_id, "create" if creating else "update", "user", user.id, changes=changes)
    return user


def create_user(username: str, role: str, password: str, commune_code: str | None = None,
                full_name: str | None = None, actor_id: int | None = None, agency_code: str | None = None) -> User:
    """Create a user from the CLI or seed (same rules as the form)."""
    return save_user(None, {"username": username.strip().lower(), "full_name": full_name or username,
                            "role": role, "commune_code": commune_code, "agency_code": agency_code,
                            "password": password, "active": True}, actor_id)
