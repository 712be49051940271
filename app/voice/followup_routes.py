"""Staff pages of the follow-ups (SPEC §17): the list of an activity, outcomes, the commune's and city's overview."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select

from app.auth.access import can_edit_commune, get_scoped_or_404, role_required, scope
from app.checkin.forms import BHYT_CHOICES
from app.checkin.services import can_see_phones, mask_phone
from app.domain.roles import STAFF_ROLES
from app.extensions import db
from app.formatting import fmt_date, today_local
from app.models import Activity, Campaign, Commune
from app.models.audit import record
from app.models.types import utcnow
from app.models.voice import FollowUp, Question
from app.tabular import csv_bytes, download
from app.voice import bp
from app.voice import followups as fs
from app.voice.forms import FollowUpForm
from app.voice.questions import OPEN_STATUSES, VoiceError

BHYT_LABELS = dict(BHYT_CHOICES)


def _phone(activity: Activity, phone: str | None) -> str:
    """Full for the organising commune and the city office, masked for others (SPEC §5)."""
    return (phone or "") if can_see_phones(current_user, activity) else mask_phone(phone)


@bp.get("/activities/<int:activity_id>/follow-ups")
@role_required(*STAFF_ROLES)
def followups(activity_id: int):
    """The activity's attendees with no or an expired card: call them, record the outcome (SPEC §17)."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    rows = fs.followup_rows(activity.id)
    return render_template("voice/followups.html", activity=activity, rows=rows, labels=fs.OUTCOME_LABELS,
                           bhyt=BHYT_LABELS, phone=lambda p: _phone(activity, p), form=FollowUpForm(),
                           can_edit=can_edit_commune(current_user, activity.commune_id), today=today_local(),
                           conversion=fs.conversion(current_user, activity_id=activity.id))


@bp.post("/follow-ups/<int:followup_id>")
@role_required(*STAFF_ROLES)
def record_followup(followup_id: int):
    """Save one follow-up's outcome and date from the list."""
    followup = get_scoped_or_404(FollowUp, followup_id, current_user)
    if not can_edit_commune(current_user, followup.commune_id):
        abort(403)
    form = FollowUpForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn, vui lòng gửi lại.", "warning")
    else:
        try:
            fs.record_outcome(followup, {"outcome": form.outcome.data, "on": form.on.data, "note": form.note.data},
                              current_user, utcnow())
        except VoiceError as refusal:
            db.session.rollback()
            flash(refusal.message + " " + " ".join(refusal.fields.values()), "danger")
        else:
            db.session.commit()
            flash("Đã lưu kết quả theo dõi.", "success")
    return redirect(url_for("voice.followups", activity_id=followup.activity_id) + f"#f{followup.id}")


@bp.get("/activities/<int:activity_id>/follow-ups.csv")
@role_required(*STAFF_ROLES)
def export_followups(activity_id: int):
    """The follow-up list as CSV (phones masked by role), written to the audit log (SPEC §5)."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    rows = fs.followup_rows(activity.id)
    body = csv_bytes(["STT", "Họ và tên", "Số điện thoại", "Năm sinh", "Thẻ BHYT", "Kết quả", "Ngày", "Ghi chú"], [
        [n, c.full_name if c else "", _phone(activity, c.phone if c else None), c.birth_year if c and c.birth_year else "",
         BHYT_LABELS.get(f.bhyt_status, ""), fs.OUTCOME_LABELS.get(f.outcome, ""), fmt_date(f.outcome_on), f.note]
        for n, (c, f) in enumerate(((row.checkin, row.followup) for row in rows), 1)])
    record(current_user.id, "followup.export", "activity", activity.id, rows=len(rows),
           full_phones=can_see_phones(current_user, activity))
    db.session.commit()
    return download(body, f"theo-doi-{activity.id}.csv")


@bp.get("/follow-ups")
@role_required(*STAFF_ROLES)
def followups_index():
    """The follow-up work: conversion per activity (and per commune and campaign for the city office), open
    call-backs of questions."""
    per_activity = fs.conversion(current_user, group="activity")
    activities = {a.id: a for a in db.session.scalars(select(Activity).where(Activity.id.in_(list(per_activity))))}
    by_commune, by_campaign = {}, []
    if current_user.role != "commune":
        by_commune = fs.conversion(current_user, group="commune")
        names = dict(db.session.execute(select(Commune.code, Commune.name)).all())
        by_commune = {names.get(code, "Cấp thành phố"): c for code, c in by_commune.items()}
        for campaign in db.session.scalars(select(Campaign).order_by(Campaign.start.desc())):
            by_campaign.append((campaign, fs.conversion(current_user, start=campaign.start, end=campaign.end)))
    callbacks = db.session.scalars(scope(select(Question).where(Question.callback.is_(True),
                                                                Question.status.in_(OPEN_STATUSES)), Question,
                                         current_user).order_by(Question.created_at).limit(200)).all()
    return render_template("voice/followups_index.html", per_activity=per_activity, activities=activities,
                           by_commune=by_commune, by_campaign=by_campaign, callbacks=callbacks,
                           total=fs.conversion(current_user),
                           phone=lambda q: _phone(q.activity, q.phone))
