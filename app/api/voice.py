"""API of the residents' voice (SPEC §12 second wave): questions, ratings, satisfaction, follow-ups."""

from flask import current_app, jsonify, request
from sqlalchemy import select

from app.api import bp
from app.api.auth import api_roles, api_user
from app.auth.access import can_edit_commune, scope
from app.checkin.services import can_see_phones, mask_phone
from app.errors import json_error
from app.extensions import db, limiter
from app.idempotency import BadIdempotencyKey, api_submit_once, bad_idempotency_key
from app.models import Activity, Campaign, Commune
from app.models.types import utcnow
from app.models.voice import QUESTION_STATUSES, TOPICS, FollowUp, Question
from app.voice import followups, ratings
from app.voice import questions as qs

WRITERS = ("admin", "city", "commune")
READERS = ("admin", "city", "commune", "viewer")


def _iso(value):
    return value.isoformat() if value is not None else None


def question_json(question: Question, user, now) -> dict:
    """One question as the API answers it; the phone masked by role (SPEC §5)."""
    phone = question.phone
    if phone and not can_see_phones(user, question.activity):
        phone = mask_phone(phone)
    commune = question.activity.commune
    return {"id": question.id, "activity_id": question.activity_id, "commune_code": commune.code if commune else None,
            "source": question.source, "topic": question.topic, "topic_label": TOPICS[question.topic],
            "text": question.text, "full_name": question.full_name, "phone": phone, "callback": question.callback,
            "status": question.status, "assignee_id": question.assignee_id, "assigned_at": _iso(question.assigned_at),
            "answer": question.answer or None, "answered_by_id": question.answered_by_id,
            "answered_at": _iso(question.answered_at), "closed_at": _iso(question.closed_at),
            "public": question.public, "public_text": question.public_text or None,
            "created_at": _iso(question.created_at), "age_days": qs.age_days(question, now)}


def _refused(refusal: qs.VoiceError):
    return json_error(refusal.status, refusal.message, refusal.fields, code=refusal.code)


def _scoped_activity(activity_id: int):
    return db.session.scalars(scope(select(Activity).where(Activity.id == activity_id), Activity,
                                    api_user())).first()


def _commune_filter(args, fields: dict, query: dict) -> None:
    """`?commune=CODE` (or `city`) into `query["commune_id"]`; an unknown code is a field error."""
    code = (args.get("commune") or "").strip()[:10]
    if code:
        commune_id = "city" if code == "city" else db.session.scalar(select(Commune.id).where(Commune.code == code))
        if commune_id is None:
            fields["commune"] = f"Không có đơn vị cấp xã mã “{code}”."
        query["commune_id"] = commune_id


@bp.post("/activities/<int:activity_id>/questions")
@api_roles(*WRITERS)
def create_question(activity_id: int):
    """A question logged by staff at the activity (`{text, topic, full_name?, phone?, consent?}`); 201."""
    activity = _scoped_activity(activity_id)
    if activity is None:
        return json_error(404)
    user = api_user()
    if not can_edit_commune(user, activity.commune_id):
        return json_error(403)
    now = utcnow()

    def create() -> str:
        return str(qs.ask(activity, request.get_json(silent=True), "staff", user, now).id)

    try:  # a retry with the same Idempotency-Key stores one question: 200 with it
        question_id, replayed = api_submit_once(user.id, "api.create_question", now, create)
    except BadIdempotencyKey as exc:
        return bad_idempotency_key(exc)
    except qs.VoiceError as refusal:
        db.session.rollback()
        return _refused(refusal)
    question = db.session.get(Question, int(question_id))
    if question is None:  # stored, then erased since (a resident's erasure)
        return json_error(404)
    return jsonify(question_json(question, user, now)), 200 if replayed else 201


@bp.get("/questions")
@api_roles(*WRITERS)
def list_questions():
    """Questions in the caller's scope, newest first (at most 500); filters `status` (or `open`), `commune`, `topic`."""
    args, fields, query = request.args, {}, {}
    status = args.get("status", "")
    if status:
        if status not in (*QUESTION_STATUSES, "open"):
            fields["status"] = "Trạng thái: " + ", ".join((*QUESTION_STATUSES, "open")) + "."
        query["status"] = status
    topic = args.get("topic", "")
    if topic:
        if topic not in TOPICS:
            fields["topic"] = "Chủ đề: " + ", ".join(TOPICS) + "."
        query["topic"] = topic
    _commune_filter(args, fields, query)
    if fields:
        return json_error(422, "Tham số lọc không hợp lệ.", fields)
    user, now = api_user(), utcnow()
    rows = db.session.scalars(qs.queue_statement(user, **query).limit(500)).all()
    return jsonify([question_json(q, user, now) for q in rows])


@bp.patch("/questions/<int:question_id>")
@api_roles(*WRITERS)
def update_question(question_id: int):
    """`{status?, answer?, public?, public_text?, assignee_id?}`; 404 for another commune's question."""
    user = api_user()
    question = db.session.scalars(scope(select(Question).where(Question.id == question_id), Question, user)).first()
    if question is None:
        return json_error(404)
    if not can_edit_commune(user, question.commune_id):
        return json_error(403)
    now = utcnow()
    try:
        qs.update_question(question, request.get_json(silent=True), user, now)
    except qs.VoiceError as refusal:
        db.session.rollback()
        return _refused(refusal)
    db.session.commit()
    return jsonify(question_json(question, user, now))


@bp.post("/ratings")
@limiter.limit("30/minute")
def create_rating():
    """`{token, score: 1..5, comment?}` with the check-in's signed rating token (no bearer token needed); 201,
    409 when that check-in is already rated, 400 for a bad token."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return json_error(400, "Nội dung phải là một đối tượng JSON.")
    try:
        checkin = ratings.checkin_for_token(body.get("token"), current_app.config["SECRET_KEY"])
        rating = ratings.rate(checkin, body.get("score"), body.get("comment"), utcnow())
    except qs.VoiceError as refusal:
        db.session.rollback()
        return _refused(refusal)
    db.session.commit()
    return jsonify({"id": rating.id, "activity_id": rating.activity_id, "score": rating.score,
                    "comment": rating.comment or None, "created_at": _iso(rating.created_at)}), 201


@bp.get("/satisfaction")
@api_roles(*READERS)
def satisfaction():
    """`{ratings, mean, share_satisfied}` (share of 4–5) for `campaign`, `commune`, `activity`, `year`."""
    args, fields, filters = request.args, {}, {"user": api_user()}
    if args.get("campaign"):
        campaign = db.session.scalar(select(Campaign).where(Campaign.slug == args["campaign"][:64]))
        if campaign is None:
            fields["campaign"] = f"Không có chiến dịch “{args['campaign'][:64]}”."
        filters["campaign"] = campaign
    _commune_filter(args, fields, filters)
    for name, low, high in (("activity", 1, 2**31 - 1), ("year", 2000, 2100)):
        raw = args.get(name, "")
        if raw:
            if not raw.isascii() or not raw.isdigit() or len(raw) > 10 or not low <= int(raw) <= high:
                fields[name] = f"{name} phải là số nguyên từ {low} đến {high}."
            else:
                filters[f"{name}_id" if name == "activity" else name] = int(raw)
    if fields:
        return json_error(422, "Tham số lọc không hợp lệ.", fields)
    if "activity_id" in filters and _scoped_activity(filters["activity_id"]) is None:
        return json_error(404)
    return jsonify(ratings.satisfaction(**filters).as_json())


def followup_json(row, user, activity) -> dict:
    """One follow-up as the API answers it (phone masked by role, SPEC §5)."""
    f, c = row.followup, row.checkin
    phone = c.phone if c else None
    if phone and not can_see_phones(user, activity):
        phone = mask_phone(phone)
    return {"id": f.id, "activity_id": f.activity_id, "checkin_id": f.checkin_id,
            "full_name": c.full_name if c else None, "phone": phone, "bhyt_status": f.bhyt_status,
            "outcome": f.outcome, "on": f.outcome_on.isoformat() if f.outcome_on else None, "note": f.note or None,
            "enrolled_elsewhere": row.enrolled_elsewhere is not None}


@bp.get("/activities/<int:activity_id>/follow-ups")
@api_roles(*WRITERS)
def list_followups(activity_id: int):
    """The activity's attendees with no or an expired BHYT card and their outcomes (SPEC §17)."""
    activity = _scoped_activity(activity_id)
    if activity is None:
        return json_error(404)
    user = api_user()
    return jsonify([followup_json(row, user, activity) for row in followups.followup_rows(activity.id)])


@bp.patch("/follow-ups/<int:followup_id>")
@api_roles(*WRITERS)
def update_followup(followup_id: int):
    """`{outcome, on}`: the call's outcome and date; an enrolled outcome counts as the activity's new enrolment."""
    user = api_user()
    followup = db.session.scalars(scope(select(FollowUp).where(FollowUp.id == followup_id), FollowUp, user)).first()
    if followup is None:
        return json_error(404)
    if not can_edit_commune(user, followup.commune_id):
        return json_error(403)
    try:
        followups.record_outcome(followup, request.get_json(silent=True), user, utcnow())
    except qs.VoiceError as refusal:
        db.session.rollback()
        return _refused(refusal)
    db.session.commit()
    activity = db.session.get(Activity, followup.activity_id)
    row = next(r for r in followups.followup_rows(activity.id) if r.followup.id == followup.id)
    return jsonify(followup_json(row, user, activity))
