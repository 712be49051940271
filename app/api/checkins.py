"""Check-in API (SPEC §12): POST/GET /activities/<id>/checkins and the activity's QR image."""

import io

from flask import current_app, jsonify, request, send_file
from sqlalchemy import select

from app.api import bp
from app.api.auth import api_principal, api_roles, api_user
from app.auth.access import can_edit_commune, scope
from app.checkin import services as svc
from app.checkin.links import current_checkin_url
from app.checkin.qr import qr_png, qr_svg
from app.checkin.responders import api_answer
from app.domain.kinds import KINDS
from app.errors import json_error
from app.extensions import db
from app.models import Activity, CheckIn, Commune
from app.models.types import utcnow


def _activity(activity_id: int):
    """The QR-capable activity in the caller's scope, or None (404 for another commune's)."""
    activity = db.session.scalars(scope(select(Activity).where(Activity.id == activity_id), Activity,
                                        api_user())).first()
    if activity is None or not activity.qr_capable:
        return None
    return activity


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def checkin_refusal(activity, caller) -> int | None:
    """Why `caller` may not check people in to `activity` (a CheckinActivity or None): 404 when it is not in their
    scope or has no QR check-in, 403 when they may not write its commune's data; None when they may."""
    if activity is None or not KINDS[activity.kind].qr:
        return 404
    if not can_edit_commune(caller, activity.commune_id):
        return 403
    return None


@bp.post("/activities/<int:activity_id>/checkins")
@api_roles("admin", "city", "commune")
def create_checkin(activity_id: int):
    """201 new; 200 `duplicate` with the first time for a repeat or replayed nonce; 4xx with a reason code."""
    caller = api_principal()  # no ORM user on this hot path: scoping and the actor id need only these columns
    # The busiest endpoint at a fair: the thread's kept connection, no Session (app/checkin/fastpath.py).
    with svc.direct_connection() as conn:
        activity = svc.checkin_activity(activity_id, caller, conn)
        refusal = checkin_refusal(activity, caller)
        if refusal is not None:
            return json_error(refusal)
        outcome = svc.check_in(activity, request.get_json(silent=True), caller, utcnow(), _secret(), conn)
    return api_answer(outcome)


@bp.get("/activities/<int:activity_id>/checkins")
@api_roles("admin", "city", "commune", "viewer")
def list_checkins(activity_id: int):
    """The check-ins of an activity; phones masked by role, no personal data for viewers."""
    activity = _activity(activity_id)
    if activity is None:
        return json_error(404)
    user = api_user()
    people, full = svc.can_see_people(user), svc.can_see_phones(user, activity)
    rows = db.session.execute(
        select(CheckIn, Commune.code).outerjoin(Commune, Commune.id == CheckIn.residence_commune_id)
        .where(CheckIn.activity_id == activity.id).order_by(CheckIn.created_at, CheckIn.id)).all()
    out = []
    for c, code in rows:
        item = {"id": c.id, "checked_in_at": c.created_at.isoformat(), "audience": c.audience,
                "residence_code": code, "source": c.source}
        if people:
            item.update(full_name=c.full_name, birth_year=c.birth_year, bhyt_status=c.bhyt_status,
                        phone=c.phone if full else (svc.mask_phone(c.phone) or None), code=c.code)
        out.append(item)
    return jsonify(out)


@bp.get("/activities/<int:activity_id>/qr.<fmt>")
@api_roles("admin", "city", "commune", "viewer")
def activity_qr(activity_id: int, fmt: str):
    """The poster QR of the self check-in address, PNG or SVG."""
    activity = _activity(activity_id)
    if activity is None or fmt not in ("png", "svg"):
        return json_error(404)
    url = current_checkin_url(activity)
    db.session.commit()
    if fmt == "png":
        return send_file(io.BytesIO(qr_png(url)), mimetype="image/png")
    return send_file(io.BytesIO(qr_svg(url)), mimetype="image/svg+xml")
