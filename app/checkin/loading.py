"""The activity a check-in page is about, as every staff page of the feature loads it (pages and import alike)."""

from flask import abort
from flask_login import current_user

from app.auth.access import can_edit_commune, get_scoped_or_404
from app.models import Activity

STAFF = ("admin", "city", "commune")
ALL_ROLES = ("admin", "city", "commune", "viewer")


def load_activity(activity_id: int, edit: bool = False) -> Activity:
    """The activity if in the user's scope and QR-capable (404), and editable when `edit` (403)."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    if not activity.qr_capable:
        abort(404)
    if edit and not can_edit_commune(current_user, activity.commune_id):
        abort(403)
    return activity
