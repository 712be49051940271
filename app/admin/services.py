"""User administration services: flush, the caller commits."""

from sqlalchemy import select

from app.extensions import db
from app.models import Commune, User
from app.models.audit import record


def commune_by_code(code: str | None) -> Commune | None:
    """The commune with this official code, or None."""
    if not code:
        return None
    return db.session.scalar(select(Commune).where(Commune.code == code))


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
    if data.get("password"):
        user.set_password(data["password"])
        changes["password"] = "***"
    if creating:
        db.session.add(user)
    db.session.flush()
    record(actor_id, "create" if creating else "update", "user", user.id, changes=changes)
    return user


def create_user(username: str, role: str, password: str, commune_code: str | None = None,
                full_name: str | None = None, actor_id: int | None = None) -> User:
    """Create a user from the CLI or seed (same rules as the form)."""
    return save_user(None, {"username": username.strip().lower(), "full_name": full_name or username,
                            "role": role, "commune_code": commune_code, "password": password,
                            "active": True}, actor_id)
