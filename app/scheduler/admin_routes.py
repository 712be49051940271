"""Scheduled jobs page (admin only, on the admin blueprint): each job's last run, next run and result, with "run now"."""

from flask import abort, flash, redirect, render_template, url_for

from app.admin import bp
from app.admin.forms import RunJobForm
from app.auth.access import role_required
from app.extensions import db
from app.formatting import local
from app.models.types import utcnow
from app.scheduler import lock
from app.scheduler.jobs import JOBS, overview, run_job


@bp.route("/jobs")
@role_required("admin")
def jobs():
    """Every job with its schedule, last run and result, next run, and whether a scheduler holds the lock."""
    holder = lock.current()
    alive = holder is not None and holder.expires_at > utcnow()
    return render_template("admin/jobs.html", statuses=overview(), holder=holder, alive=alive, form=RunJobForm())


@bp.post("/jobs/<name>/run")
@role_required("admin")
def run_job_now(name: str):
    """Run one job now for today (Asia/Ho_Chi_Minh), recorded like a scheduled run."""
    if name not in JOBS:
        abort(404)
    form = RunJobForm()
    if not form.validate_on_submit():
        abort(400)
    run = run_job(name, as_of=local(utcnow()).date(), now=utcnow(), trigger="manual")
    db.session.commit()
    if run.error:
        flash(f"Tác vụ “{JOBS[name].label}” gặp lỗi; xem chi tiết bên dưới.", "danger")
    else:
        flash(f"Đã chạy tác vụ “{JOBS[name].label}”.", "success")
    return redirect(url_for("admin.jobs"))
