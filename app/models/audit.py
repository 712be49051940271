"""The audit log: who did what to which object, when (SPEC §5, issue 3)."""

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.types import UTCDateTime, utcnow
from app.models.users import User


class AuditLog(db.Model):
    """One audited action with its JSON details (changed fields, export filters, …)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str | None] = mapped_column(String(40))
    details: Mapped[dict] = mapped_column(JSON, default=dict)

    user: Mapped[User | None] = relationship()


def record(user_id: int | None, action: str, object_type: str, object_id=None, **details) -> AuditLog:
    """Add an audit entry to the session (the caller commits)."""
    entry = AuditLog(
        user_id=user_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        details=details,
    )
    db.session.add(entry)
    return entry
