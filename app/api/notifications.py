"""API: the caller's notifications (SPEC §12 `GET /api/v1/notifications`)."""

from flask import jsonify, request

from app.api import bp
from app.api.auth import api_user
from app.errors import json_error
from app.extensions import db
from app.models import Notification
from app.models.types import utcnow
from app.notifications.services import mark_read, notifications_for

TRUE, FALSE = {"1", "true", "yes"}, {"0", "false", "no", ""}
API_LIMIT = 200


def notification_json(notification: Notification) -> dict:
    """One notification as JSON (ISO 8601 times)."""
    return {
        "id": notification.id,
        "kind": notification.kind,
        "text": notification.text,
        "link": notification.link or None,
        "created_at": notification.created_at.isoformat(),
        "read_at": notification.read_at.isoformat() if notification.read_at else None,
    }


@bp.get("/notifications")
def list_notifications():
    """The caller's notifications, newest first (at most 200); `unread=1` for the unread ones only."""
    raw = (request.args.get("unread") or "").strip().lower()
    if raw not in TRUE | FALSE:
        return json_error(422, "Tham số unread phải là 1 hoặc 0.", {"unread": "Giá trị không hợp lệ."})
    rows = db.session.scalars(notifications_for(api_user().id, raw in TRUE).limit(API_LIMIT)).all()
    return jsonify([notification_json(n) for n in rows])


@bp.post("/notifications/<int:notification_id>/read")
def read_notification(notification_id: int):
    """Mark one of the caller's notifications read (404 for anyone else's)."""
    notification = db.session.get(Notification, notification_id)
    if notification is None or notification.user_id != api_user().id:
        return json_error(404)
    mark_read(notification, utcnow())
    db.session.commit()
    return jsonify(notification_json(notification))
