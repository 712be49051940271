"""How the residents' voice joins other features without them importing it: signals and template helpers."""

from flask import current_app

from app.checkin.rating_tokens import rating_token
from app.domain.roles import STAFF_ROLES
from app.models.voice import TOPICS
from app.signals import checkin_recorded
from app.voice import bp
from app.voice.questions import VoiceError, ask
from app.voice.ratings import already_rated

QUESTION_FIELDS = ("question_text", "question_topic", "question_callback")


def token_for(checkin) -> str:
    """The rating token of a stored check-in (thank-you page, check-in API)."""
    return rating_token(current_app.config["SECRET_KEY"], checkin.id, checkin.activity_id, checkin.code)


@checkin_recorded.connect
def after_self_checkin(activity, outcome, form, now, **_):
    """The thank-you page's voice block: the rating token, and the question asked on the check-in form (if any)."""
    checkin = outcome.checkin
    block = {"rating_token": token_for(checkin), "rated": outcome.duplicate and already_rated(checkin.id),
             "question": None, "errors": {}, "values": {}}
    text = (form.get("question_text") or "").strip()
    if text:
        callback = form.get("question_callback") in ("y", "on", "1", "true")
        data = {"text": text, "topic": form.get("question_topic") or "khac", "full_name": checkin.full_name,
                "phone": checkin.phone if callback else None, "consent": callback}
        try:
            block["question"] = ask(activity, data, "self", None, now, checkin_id=checkin.id)
        except VoiceError as refusal:
            block["errors"] = refusal.fields or {"text": refusal.message}
            block["values"] = {name: form.get(name, "") for name in QUESTION_FIELDS}
    return {"voice": block}


def voice_summary(activity) -> dict:
    """An activity's questions (staff only: personal data) and satisfaction KPI, for its page."""
    from flask_login import current_user

    from app.voice.followups import conversion
    from app.voice.questions import status_counts
    from app.voice.ratings import satisfaction

    summary = {"questions": None, "open": 0, "followups": None, "kpi": satisfaction(activity_id=activity.id)}
    if current_user.is_authenticated and current_user.role in STAFF_ROLES:
        counts = status_counts(current_user, activity_id=activity.id)
        summary.update(questions=sum(counts.values()), open=counts["new"] + counts["assigned"],
                       followups=conversion(current_user, activity_id=activity.id))
    return summary


def voice_dashboard(board) -> dict:
    """The dashboard's residents' voice: satisfaction in the campaign's period and its year, follow-up
    conversion, open questions — in the viewer's scope."""
    from flask_login import current_user

    from app.voice.followups import conversion
    from app.voice.questions import status_counts
    from app.voice.ratings import satisfaction_in_period_and_year

    campaign = board.campaign
    in_campaign, in_year = satisfaction_in_period_and_year(current_user, campaign.start, campaign.end,
                                                           campaign.start.year)
    block = {"campaign": in_campaign, "year": in_year, "year_number": campaign.start.year,
             "conversion": conversion(current_user, start=campaign.start, end=campaign.end), "open": None}
    if current_user.role in STAFF_ROLES:
        counts = status_counts(current_user)
        block["open"] = counts["new"] + counts["assigned"]
    return block


@bp.app_context_processor
def voice_helpers():
    """Template helpers: the topics of SPEC §17 (check-in form, quick entry), an activity's voice summary."""
    return {"question_topics": TOPICS, "voice_summary": voice_summary, "voice_dashboard": voice_dashboard}
