"""Activities API (SPEC §12): list with filters, create, read, partial update, delete — same services as the pages."""

from flask import current_app, jsonify, request
from sqlalchemy import select

from app import params
from app.activities import services
from app.activities.counted import counted_results, total_results
from app.activities.validation import ActivityError
from app.api import bp
from app.api.auth import api_roles, api_user
from app.auth.access import can_edit_unit, scope
from app.checkin.links import current_checkin_url
from app.checkin.services import checkin_counts
from app.domain.kinds import KINDS
from app.domain.roles import RECORDER_ROLES
from app.errors import json_error
from app.extensions import db
from app.formatting import local
from app.idempotency import BadIdempotencyKey, api_submit_once, bad_idempotency_key
from app.models import Activity
from app.models.types import utcnow

READERS = ("admin", "city", "commune", "viewer", "agency")  # an agency user: its own agency's (scope)
WRITERS = RECORDER_ROLES


def serialize(activity: Activity, checkins: int | None = None, counted: dict | None = None) -> dict:
    """An activity as JSON: ISO 8601 with +07:00 offsets, API field names (SPEC §12).

    QR kinds carry `checkins` (never typed) and `attendees` = check-ins + `extra_attendees` (SPEC §3).
    `results.new_bhyt`/`new_bhxh` include the enrolled follow-ups, shown apart in `counted` (SPEC §17); what a
    client writes in those keys is the number of others enrolled on the spot.
    """
    if counted is None:
        counted = counted_results([activity.id])[activity.id]
    body = {
        "id": activity.id,
        "commune_code": activity.commune.code if activity.commune else None,
        "commune_name": activity.commune.name if activity.commune else None,
        "agency_code": activity.agency.code if activity.agency else None,
        "agency_name": activity.agency.name if activity.agency else None,
        "kind": activity.kind,
        "kind_label": KINDS[activity.kind].label,
        "title": activity.title,
        "start": local(activity.start_at).isoformat(),
        "end": local(activity.end_at).isoformat(),
        "evidence_date": activity.evidence_date.isoformat(),
        "venue": activity.venue,
        "organiser": activity.organiser,
        "status": activity.status,
        "cancel_reason": activity.cancel_reason,
        "partners": activity.partners or [],
        "audiences": activity.audiences or [],
        "messages": activity.messages or [],
        "results": total_results(activity.results, counted),
        "counted": counted,
        "links": activity.links or [],
        "notes": activity.notes,
        "preregistration": bool(activity.preregistration),
        "created_at": local(activity.created_at).isoformat(),
        "updated_at": local(activity.updated_at).isoformat(),
    }
    url = current_checkin_url(activity)
    if url:
        body["checkin_url"] = url
        if checkins is None:
            checkins = checkin_counts([activity.id]).get(activity.id, 0)
        body["checkins"] = checkins
        body["attendees"] = checkins + int((activity.results or {}).get("extra_attendees") or 0)
    return body


def _load(activity_id: int):
    """The activity if the caller may see it, else None (out of scope looks exactly like missing)."""
    stmt = scope(select(Activity).where(Activity.id == activity_id), Activity, api_user())
    return db.session.scalars(stmt).first()


def _body():
    """The JSON object of the request, or None."""
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else None


@bp.get("/activities")
@api_roles(*READERS)
def list_activities_api():
    """Activities visible to the caller; filters commune, kind, status, from, to, campaign; paginated."""
    cleaned = params.activity_filter(request.args, api_user())  # the list page's own parser (app/params.py)
    fields = dict(cleaned.errors)
    try:
        page, per_page = params.exact_page(request.args.get("page"), request.args.get("per_page"))
    except params.ParamError as exc:
        fields.update(exc.fields)
    if fields:
        return json_error(422, "Tham số lọc không hợp lệ.", fields)
    query = {k: v for k, v in cleaned.query.items() if v is not None}
    stmt = services.filtered_activities(api_user(), **query)
    result = db.paginate(stmt, page=int(page), per_page=int(per_page), error_out=False, max_per_page=params.MAX_PER_PAGE)
    counts = checkin_counts([a.id for a in result.items])
    counted = counted_results([a.id for a in result.items])
    return jsonify({"items": [serialize(a, counts.get(a.id, 0), counted[a.id]) for a in result.items], "page": result.page,
                    "per_page": result.per_page, "total": result.total, "pages": result.pages})


@bp.post("/activities")
@api_roles(*WRITERS)
def create_activity_api():
    """Create an activity from the SPEC §12 body; 201 with the activity (and `checkin_url` for QR kinds)."""
    data = _body()
    if data is None:
        return json_error(400, "Nội dung phải là một đối tượng JSON.")
    user = api_user()

    def create() -> str:
        return str(services.create_activity(data, user, utcnow()).id)

    try:  # a retry with the same Idempotency-Key creates nothing: 200 with the activity created the first time
        created_id, replayed = api_submit_once(user.id, "api.create_activity_api", utcnow(), create)
    except BadIdempotencyKey as exc:
        return bad_idempotency_key(exc)
    except ActivityError as exc:
        db.session.rollback()
        return json_error(422, "Dữ liệu hoạt động không hợp lệ.", exc.errors)
    activity = db.session.get(Activity, int(created_id))
    if activity is None:  # created, then deleted since
        return json_error(404, "Không tìm thấy hoạt động.")
    return jsonify(serialize(activity)), 200 if replayed else 201


@bp.get("/activities/<int:activity_id>")
@api_roles(*READERS)
def get_activity_api(activity_id: int):
    """One activity (404 when missing or out of scope)."""
    activity = _load(activity_id)
    if activity is None:
        return json_error(404, "Không tìm thấy hoạt động.")
    return jsonify(serialize(activity))


@bp.patch("/activities/<int:activity_id>")
@api_roles(*WRITERS)
def update_activity_api(activity_id: int):
    """Change some fields; every rule is checked on the result."""
    activity = _load(activity_id)
    if activity is None:
        return json_error(404, "Không tìm thấy hoạt động.")
    if not can_edit_unit(api_user(), activity.commune_id, activity.agency_id):
        return json_error(403, "Bạn không được sửa hoạt động này.")
    data = _body()
    if data is None:
        return json_error(400, "Nội dung phải là một đối tượng JSON.")
    try:
        services.update_activity(activity, data, api_user(), utcnow())
    except ActivityError as exc:
        db.session.rollback()
        return json_error(422, "Dữ liệu hoạt động không hợp lệ.", exc.errors)
    db.session.commit()
    return jsonify(serialize(activity))


@bp.delete("/activities/<int:activity_id>")
@api_roles(*WRITERS)
def delete_activity_api(activity_id: int):
    """Delete an activity and its photos; answers the deleted activity."""
    activity = _load(activity_id)
    if activity is None:
        return json_error(404, "Không tìm thấy hoạt động.")
    if not can_edit_unit(api_user(), activity.commune_id, activity.agency_id):
        return json_error(403, "Bạn không được xóa hoạt động này.")
    body = serialize(activity)
    services.delete_activity(activity, api_user(), utcnow(), current_app.config["UPLOAD_DIR"])
    db.session.commit()
    return jsonify(body)
