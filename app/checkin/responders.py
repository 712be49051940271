"""The answers to a JSON check-in (`services.check_in`'s Outcome): the API's and the scanner page's."""

from flask import current_app, jsonify

from app.checkin.rating_tokens import rating_token
from app.extensions import db


def outcome_json(outcome) -> dict:
    """The JSON of an Outcome: the check-in (API and scanner share it), or the refusal in the API's error shape.

    A check-in carries its `rating_token` (SPEC §12: the resident may rate it)."""
    refusal = outcome.refusal
    if refusal is not None:
        return {"error": {"code": refusal.code, "message": refusal.message, "fields": refusal.fields}}
    c = outcome.checkin
    return {"id": c.id, "duplicate": outcome.duplicate, "full_name": c.full_name, "code": c.code,
            "checked_in_at": c.created_at.isoformat(), "first_time": outcome.first_time,
            "message": outcome.message, "source": c.source,
            "rating_token": rating_token(current_app.config["SECRET_KEY"], c.id, c.activity_id, c.code)}


def api_answer(outcome):
    """The API's answer: its INSERT committed by itself on the kept connection, so there is nothing to commit."""
    return jsonify(outcome_json(outcome)), outcome.status


def scanner_answer(outcome):
    """The scanner page's answer: written in the session's transaction, committed here (or rolled back)."""
    if outcome.refusal is None:
        db.session.commit()
    else:
        db.session.rollback()
    return jsonify(outcome_json(outcome)), outcome.status
