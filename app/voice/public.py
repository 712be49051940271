"""Residents' pages of the voice (no login): rate and ask after checking in, and the public FAQ `/hoi-dap`."""

from functools import wraps

from flask import current_app, redirect, render_template, request, url_for

from app.extensions import db, limiter
from app.idempotency import submit_once
from app.models import Activity
from app.models.types import utcnow
from app.models.voice import TOPICS
from app.voice import bp, ratings
from app.voice import questions as qs
from app.voice.forms import SCORES

SEARCH_MAX = 100


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _block(token: str, checkin, **extra) -> dict:
    """The thank-you page's voice block (same shape as the check-in signal's)."""
    block = {"rating_token": token, "rated": ratings.already_rated(checkin.id), "question": None, "errors": {},
             "values": {}, "rating_errors": {}, "rating_values": {}}
    block.update(extra)
    return block


def _page(token: str, checkin, status: int = 200, **extra):
    activity = db.session.get(Activity, checkin.activity_id)
    return render_template("voice/thanks.html", activity=activity, checkin=checkin,
                           voice=_block(token, checkin, **extra), scores=SCORES), status


def _bad_token(refusal):
    return render_template("voice/public_error.html", message=refusal.message), refusal.status


def _with_checkin(view):
    """Resolve the URL's rating token into its check-in; a bad token gets a plain page (400), never a 500."""

    @wraps(view)
    def wrapped(token: str):
        try:
            checkin = ratings.checkin_for_token(token, _secret())
        except qs.VoiceError as refusal:
            return _bad_token(refusal)
        return view(token, checkin)

    return wrapped


@bp.get("/cam-on/<token>")
@_with_checkin
def thanks(token: str, checkin):
    """The thank-you page again (after rating or asking): rate once, ask questions, find the FAQ."""
    return _page(token, checkin, done=request.args.get("done", ""))


@bp.post("/cam-on/<token>/danh-gia")
@limiter.limit("20/minute;200/hour")
@_with_checkin
def rate(token: str, checkin):
    """SPEC §17 rating 1–5 with a comment, one per check-in, no login."""
    try:
        ratings.rate(checkin, request.form.get("score"), request.form.get("comment"), utcnow())
    except qs.VoiceError as refusal:
        db.session.rollback()
        if refusal.code == "already_rated":
            return redirect(url_for("voice.thanks", token=token, done="already_rated"))
        return _page(token, checkin, 422, rating_errors=refusal.fields,
                     rating_values={"score": request.form.get("score", ""),
                                    "comment": request.form.get("comment", "")})
    db.session.commit()
    return redirect(url_for("voice.thanks", token=token, done="rated"))


@bp.post("/cam-on/<token>/cau-hoi")
@limiter.limit("10/minute;60/hour")
@_with_checkin
def ask(token: str, checkin):
    """SPEC §17 a resident's question from the thank-you page (topic; name and phone only to be called back)."""
    form = request.form
    callback = form.get("question_callback") in ("y", "on", "1", "true")
    data = {"text": form.get("question_text", ""), "topic": form.get("question_topic") or "khac",
            "full_name": form.get("question_name") or checkin.full_name,
            "phone": (form.get("question_phone") or checkin.phone) if callback else None, "consent": callback}
    activity = db.session.get(Activity, checkin.activity_id)

    def create() -> str:
        qs.ask(activity, data, "self", None, utcnow(), checkin_id=checkin.id)
        return url_for("voice.thanks", token=token, done="asked")

    try:  # sent twice (a double tap on a slow phone), one question is stored (issue 22 item 7)
        url, _ = submit_once(form.get("form_token"), "voice.ask", None, utcnow(), create)
    except qs.VoiceError as refusal:
        db.session.rollback()
        return _page(token, checkin, 422, errors=refusal.fields or {"question_text": refusal.message},
                     values={k: form.get(k, "") for k in ("question_text", "question_topic", "question_callback",
                                                          "question_phone")},
                     message=refusal.message)
    return redirect(url)


@bp.get("/hoi-dap")
def faq():
    """SPEC §17 public FAQ: answered questions staff marked public, by topic, searchable; no names, no phones."""
    topic = request.args.get("topic", "")
    topic = topic if topic in TOPICS else ""
    text = (request.args.get("q") or "").strip()[:SEARCH_MAX]
    items = qs.public_questions(topic or None, text or None)
    grouped = {key: [q for q in items if q.topic == key] for key in TOPICS}
    return render_template("voice/faq.html", grouped={k: v for k, v in grouped.items() if v}, topics=TOPICS,
                           topic=topic, q=text, total=len(items), wording=qs.public_wording)
