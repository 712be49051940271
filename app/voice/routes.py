"""Staff pages of the residents' voice: the question queue, one question, quick entry at a stall."""

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import can_edit_commune, get_scoped_or_404, role_required
from app.checkin.services import can_see_phones, mask_phone
from app.extensions import db
from app.models import Activity, Commune
from app.models.types import utcnow
from app.models.voice import QUESTION_STATUSES, TOPICS, Question
from app.routing import requested_page
from app.voice import bp
from app.voice import questions as qs
from app.voice.forms import AnswerForm, QuestionForm

STAFF = ("admin", "city", "commune")


def _queue_filters() -> dict:
    """Status, topic, commune (city office only), activity and text from the query string; junk ignored."""
    args = request.args
    f = {"status": args.get("status", "open"), "topic": args.get("topic", ""), "commune": "", "activity": "",
         "q": (args.get("q") or "").strip()[:100]}
    query = {"status": f["status"] if f["status"] in (*QUESTION_STATUSES, "open") else None,
             "topic": f["topic"] if f["topic"] in TOPICS else None, "text": f["q"] or None}
    code = (args.get("commune") or "").strip()[:10]
    if current_user.role != "commune" and code:
        cid = "city" if code == "city" else db.session.scalar(select(Commune.id).where(Commune.code == code))
        if cid is not None:
            query["commune_id"], f["commune"] = cid, code
    activity = args.get("activity", type=int)
    if activity and 0 < activity < 2**31:
        query["activity_id"], f["activity"] = activity, str(activity)
    return {"query": query, "form": f}


@bp.get("/questions")
@role_required(*STAFF)
def questions():
    """SPEC §17 queue of questions: the commune's own (or every commune's for the city office), filtered, counted."""
    filters = _queue_filters()
    stmt = qs.queue_statement(current_user, **filters["query"])
    page = db.paginate(stmt, page=requested_page(), per_page=current_app.config.get("PER_PAGE", 50),
                       error_out=False)
    commune_id = current_user.commune_id if current_user.role == "commune" else None
    communes = [] if current_user.role == "commune" else db.session.execute(
        select(Commune.code, Commune.name).order_by(Commune.name)).all()
    return render_template("voice/questions.html", page=page, filters=filters["form"], now=utcnow(),
                           counts=qs.status_counts(current_user, commune_id=commune_id), topics=TOPICS,
                           statuses=qs.STATUS_LABELS, age=qs.age_days, communes=communes,
                           by_commune=qs.open_by_commune(current_user) if current_user.role != "commune" else [],
                           shown_phone=_shown_phone)


def _shown_phone(question: Question) -> str:
    """The asker's phone, masked for anyone but the organising commune and the city office (SPEC §5)."""
    return question.phone if can_see_phones(current_user, question.activity) else mask_phone(question.phone)


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(*STAFF)
def question(question_id: int):
    """One question: assign it (the assignee is notified), answer it, close it, publish it in the FAQ."""
    question = get_scoped_or_404(Question, question_id, current_user)
    can_edit = can_edit_commune(current_user, question.commune_id)
    form = AnswerForm(obj=None if request.method == "POST" else question)
    people = qs.assignable_users(question)
    form.assignee_id.choices = [("", "— Chưa giao —")] + [(str(u.id), u.full_name) for u in people]
    if request.method == "GET":
        form.assignee_id.data = str(question.assignee_id or "")
        form.public_text.data = question.public_text or question.text
    if can_edit and form.validate_on_submit():
        patch = {"public": bool(form.public.data), "public_text": form.public_text.data or ""}
        if form.assignee_id.data and form.assignee_id.data != str(question.assignee_id or ""):
            patch["assignee_id"] = int(form.assignee_id.data) if form.assignee_id.data.isdigit() else form.assignee_id.data
        if (form.answer.data or "").strip() and form.answer.data.strip() != question.answer:
            patch["answer"] = form.answer.data
        if form.status.data and form.status.data != question.status:
            patch["status"] = form.status.data
        try:
            qs.update_question(question, patch, current_user, utcnow())
        except qs.VoiceError as refusal:
            db.session.rollback()
            question = get_scoped_or_404(Question, question_id, current_user)
            for name, message in refusal.fields.items():
                if name in form._fields:
                    form[name].errors = [message]
            flash(refusal.message, "danger")
        else:
            db.session.commit()
            flash("Đã lưu câu hỏi.", "success")
            return redirect(url_for("voice.question", question_id=question.id))
    return render_template("voice/question.html", question=question, form=form, can_edit=can_edit,
                           topics=TOPICS, statuses=qs.STATUS_LABELS, now=utcnow(), age=qs.age_days,
                           phone=_shown_phone(question))


def _back(activity: Activity) -> str:
    """Where quick entry returns: the page it came from (scanner or activity page), never another site."""
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    if target.startswith("/") and not target.startswith("//") and not parts.netloc:
        return target
    return url_for("activities.show_activity", activity_id=activity.id)


@bp.post("/activities/<int:activity_id>/questions")
@role_required(*STAFF)
def log_question(activity_id: int):
    """Quick entry of a question asked at the stall (scanner page and activity page, phone-friendly)."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    if not can_edit_commune(current_user, activity.commune_id):
        abort(403)
    form = QuestionForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn, vui lòng gửi lại.", "warning")
        return redirect(_back(activity))
    try:
        question = qs.ask(activity, request.form.to_dict(), "staff", current_user, utcnow())
    except qs.VoiceError as refusal:
        db.session.rollback()
        flash(refusal.message + " " + " ".join(refusal.fields.values()), "danger")
    else:
        db.session.commit()
        flash(f"Đã ghi câu hỏi #{question.id} vào danh sách cần trả lời.", "success")
    return redirect(_back(activity))
