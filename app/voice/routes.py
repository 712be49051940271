"""Staff pages of the residents' voice: the question queue, one question, quick entry at a stall, the survey PDF."""

import io
from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select

from app import params
from app.auth.access import can_edit_commune, get_scoped_or_404, role_required
from app.checkin.services import can_see_phones, mask_phone
from app.collation import vi_sorted
from app.domain.roles import READER_ROLES, STAFF_ROLES
from app.extensions import db
from app.formatting import local
from app.idempotency import ALREADY_SENT, submit_once
from app.models import Activity, Commune
from app.models.types import utcnow
from app.models.voice import QUESTION_STATUSES, TOPICS, Question
from app.reports.satisfaction_survey import build_satisfaction_survey
from app.voice import bp, privacy
from app.voice import questions as qs
from app.voice.forms import AnswerForm, QuestionForm, ResidentForm
from app.voice.survey import survey_data


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
@role_required(*STAFF_ROLES)
def questions():
    """SPEC §17 queue of questions: the commune's own (or every commune's for the city office), filtered, counted."""
    filters = _queue_filters()
    stmt = qs.queue_statement(current_user, **filters["query"])
    page = db.paginate(stmt, page=params.page(request.args.get("page")), per_page=current_app.config.get("PER_PAGE", 50),
                       error_out=False)
    commune_id = current_user.commune_id if current_user.role == "commune" else None
    communes = [] if current_user.role == "commune" else vi_sorted(db.session.execute(
        select(Commune.code, Commune.name)).all(), key=lambda c: c.name)
    return render_template("voice/questions.html", page=page, filters=filters["form"], now=utcnow(),
                           counts=qs.status_counts(current_user, commune_id=commune_id), topics=TOPICS,
                           statuses=qs.STATUS_LABELS, age=qs.age_days, communes=communes,
                           by_commune=qs.open_by_commune(current_user) if current_user.role != "commune" else [],
                           shown_phone=_shown_phone)


def _shown_phone(question: Question) -> str:
    """The asker's phone, masked for anyone but the organising commune and the city office (SPEC §5)."""
    return question.phone if can_see_phones(current_user, question.activity) else mask_phone(question.phone)


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@role_required(*STAFF_ROLES)
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
            patch["assignee_id"] = int(form.assignee_id.data) if form.assignee_id.data.isascii() and form.assignee_id.data.isdigit() else form.assignee_id.data
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
@role_required(*STAFF_ROLES)
def log_question(activity_id: int):
    """Quick entry of a question asked at the stall (scanner page and activity page, phone-friendly)."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    if not can_edit_commune(current_user, activity.commune_id):
        abort(403)
    form = QuestionForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn, vui lòng gửi lại.", "warning")
        return redirect(_back(activity))
    asked = []

    def create() -> str:
        asked.append(qs.ask(activity, request.form.to_dict(), "staff", current_user, utcnow()).id)
        return _back(activity)

    try:  # the same form sent twice (a double click, a retry) stores one question (issue 22 item 7)
        url, replayed = submit_once(request.form.get("form_token"), "voice.log_question", current_user.id, utcnow(),
                                    create)
    except qs.VoiceError as refusal:
        db.session.rollback()
        flash(refusal.message + " " + " ".join(refusal.fields.values()), "danger")
        return redirect(_back(activity))
    flash(ALREADY_SENT if replayed else f"Đã ghi câu hỏi #{asked[0]} vào danh sách cần trả lời.",
          "info" if replayed else "success")
    return redirect(url)


@bp.get("/reports/satisfaction.pdf")
@role_required(*READER_ROLES)
def satisfaction_report():
    """The yearly survey report "Báo cáo khảo sát mức độ hài lòng" (SPEC §17) for ?year=&commune=; a commune user
    gets their own commune's."""
    year = request.args.get("year", type=int) or local(utcnow()).year
    if not 2000 <= year <= 2100:
        abort(400, description="Năm không hợp lệ.")
    commune = current_user.commune if current_user.role == "commune" else None
    code = (request.args.get("commune") or "").strip()[:10]
    if code and commune is None:
        commune = db.session.scalar(select(Commune).where(Commune.code == code))
        if commune is None:
            abort(404)
    pdf = build_satisfaction_survey(survey_data(year, commune, current_user, local(utcnow()).date()))
    return send_file(io.BytesIO(pdf), mimetype="application/pdf", download_name=f"khao-sat-hai-long-{year}.pdf")


@bp.route("/admin/residents", methods=["GET", "POST"])
@role_required("admin")
def erase_resident():
    """Admin: find what is stored about a resident (phone or exact name) and delete it on request, audited."""
    form = ResidentForm(formdata=request.args) if request.method == "GET" else ResidentForm()
    found, error = None, None
    if form.phone.data or form.full_name.data:
        try:
            found = privacy.find_resident(form.phone.data, form.full_name.data)
        except qs.VoiceError as refusal:
            error = refusal.fields
    if request.method == "POST" and found is not None and form.validate_on_submit() and form.confirm.data:
        counts = privacy.erase_resident(form.phone.data, form.full_name.data, current_user, utcnow())
        db.session.commit()
        flash(f"Đã xóa dữ liệu của người dân: {counts['checkins']} lượt điểm danh, {counts['registrations']} đăng ký, "
              f"{counts['questions']} câu hỏi, {counts['followups']} theo dõi, {counts['ratings']} đánh giá.", "success")
        return redirect(url_for("voice.erase_resident"))
    if request.method == "POST" and not form.confirm.data:
        form.confirm.errors = ["Đánh dấu xác nhận trước khi xóa."]
    return render_template("voice/erase_resident.html", form=form, found=found, error=error or {}, mask=mask_phone)
