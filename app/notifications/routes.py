"""Notification pages: the user's list, mark one or all read (POST + CSRF)."""

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app import params
from app.extensions import db
from app.models import Notification
from app.models.types import utcnow
from app.notifications import bp
from app.notifications.forms import MarkReadForm
from app.notifications.services import KIND_LABELS, mark_all_read, mark_read, notifications_for, unread_count


def _own_or_404(notification_id: int) -> Notification:
    """One of the current user's notifications; anyone else's is 404, like a missing one."""
    return db.first_or_404(
        select(Notification).where(Notification.id == notification_id, Notification.user_id == current_user.id)
    )


@bp.route("")
@login_required
def index():
    """The current user's notifications, newest first; `?unread=1` shows only the unread ones."""
    unread_only = request.args.get("unread") == "1"
    page = db.paginate(notifications_for(current_user.id, unread_only), page=params.page(request.args.get("page")),
                       per_page=25, error_out=False)
    return render_template("notifications/index.html", page=page, unread_only=unread_only,
                           unread=unread_count(current_user.id), kind_labels=KIND_LABELS, form=MarkReadForm())


@bp.post("/<int:notification_id>/read")
@login_required
def mark_notification_read(notification_id: int):
    """Mark one notification read; with `open`, go on to what it points at."""
    notification = _own_or_404(notification_id)
    form = MarkReadForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn, vui lòng thử lại.", "warning")
        return redirect(url_for("notifications.index"))
    mark_read(notification, utcnow())
    db.session.commit()
    if request.form.get("open") and notification.link.startswith("/"):
        return redirect(notification.link)
    return redirect(url_for("notifications.index", unread=request.args.get("unread") or None))


@bp.post("/read-all")
@login_required
def mark_all_notifications_read():
    """Mark all of the current user's notifications read."""
    form = MarkReadForm()
    if form.validate_on_submit():
        count = mark_all_read(current_user.id, utcnow())
        db.session.commit()
        flash(f"Đã đánh dấu {count} thông báo là đã đọc.", "success")
    return redirect(url_for("notifications.index"))
