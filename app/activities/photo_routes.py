"""Activity photo pages: upload, the scoped image and thumbnail, delete (views of the activities blueprint).

Like routes.py, imported by the app factory only.
"""

import os

from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from app.activities import bp, photos
from app.activities.forms import ConfirmForm
from app.activities.validation import ActivityError
from app.auth.access import get_scoped_or_404, get_writable_or_404, role_required
from app.domain.roles import RECORDER_ROLES
from app.extensions import db
from app.idempotency import ALREADY_SENT, submit_once
from app.models import Activity, Photo
from app.models.types import utcnow


@bp.route("/activities/<int:activity_id>/photos", methods=["POST"])
@role_required(*RECORDER_ROLES)
def upload_photos(activity_id: int):
    """Add photos (JPEG/PNG/WebP checked by content, ≤ 5 MB and ≤ 40 Mpx each, ≤ 10 per activity): all or none."""
    activity = get_writable_or_404(Activity, activity_id, current_user)
    form = ConfirmForm()
    if not form.validate_on_submit():
        flash("Phiên làm việc đã hết hạn, vui lòng tải lại trang và gửi lại.", "danger")
        return redirect(url_for("activities.show_activity", activity_id=activity.id))
    files = [f for f in request.files.getlist("photos") if f and f.filename]
    if not files:
        flash("Vui lòng chọn ít nhất một ảnh.", "warning")
    cfg = current_app.config
    errors, prepared = [], []
    if (request.content_length or 0) > cfg["UPLOAD_MAX_REQUEST_BYTES"]:
        errors.append(f"Tổng dung lượng ảnh gửi một lần tối đa {cfg['UPLOAD_MAX_REQUEST_BYTES'] // (1024 * 1024)} MB.")
    else:
        for upload in files:
            try:
                prepared.append(photos.prepare_photo(upload, cfg["UPLOAD_MAX_BYTES"], cfg["UPLOAD_MAX_PIXELS"],
                                                     cfg["UPLOAD_MAX_SIDE"]))
            except ActivityError as exc:
                errors.extend(exc.errors.values())
    if not errors and prepared:
        added = []

        def create() -> str:
            added.extend(photos.add_photos(activity, prepared, current_user, cfg["UPLOAD_DIR"], cfg["UPLOAD_MAX_FILES"]))
            return url_for("activities.show_activity", activity_id=activity.id, _anchor="photos")

        try:  # the same form sent twice (a double click, a retry) stores its photos once (issue 22 item 7)
            _, replayed = submit_once(request.form.get("form_token"), "activities.upload_photos", current_user.id,
                                      utcnow(), create)
        except ActivityError as exc:
            db.session.rollback()
            errors.extend(exc.errors.values())
        else:
            for photo in added if replayed else ():  # lost the race: the other request's photos are the ones kept
                photos.remove_files(photo, cfg["UPLOAD_DIR"])
            flash(ALREADY_SENT if replayed else f"Đã thêm {len(prepared)} ảnh.", "info" if replayed else "success")
    if errors:  # one request's photos are stored all or none (issue 22)
        flash("Chưa lưu ảnh nào của lần gửi này: " + " ".join(errors), "danger")
    return redirect(url_for("activities.show_activity", activity_id=activity_id, _anchor="photos"))


def _scoped_photo(activity_id: int, photo_id: int) -> Photo:
    """A photo of an activity the user may see (404 otherwise)."""
    activity = get_scoped_or_404(Activity, activity_id, current_user)
    photo = db.session.scalar(select(Photo).where(Photo.id == photo_id, Photo.activity_id == activity.id))
    if photo is None:
        abort(404)
    return photo


def _send_image(name: str, mimetype: str) -> Response:
    """An uploaded image's bytes (≤ 5 MB, read whole: no file handle outlives the request); private caching."""
    path = os.path.join(current_app.config["UPLOAD_DIR"], os.path.basename(name))
    try:
        with open(path, "rb") as fh:
            body = fh.read()
    except FileNotFoundError:
        abort(404)
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/activities/<int:activity_id>/photos/<int:photo_id>")
@login_required
def photo_file(activity_id: int, photo_id: int):
    """A photo, only through this scoped route."""
    photo = _scoped_photo(activity_id, photo_id)
    return _send_image(photo.stored_name, photo.content_type)


@bp.route("/activities/<int:activity_id>/photos/<int:photo_id>/thumb")
@login_required
def photo_thumb(activity_id: int, photo_id: int):
    """A photo's thumbnail, only through this scoped route."""
    photo = _scoped_photo(activity_id, photo_id)
    return _send_image(photo.thumb_name, "image/jpeg")


@bp.route("/activities/<int:activity_id>/photos/<int:photo_id>/delete", methods=["POST"])
@role_required(*RECORDER_ROLES)
def delete_photo(activity_id: int, photo_id: int):
    """Delete one photo."""
    get_writable_or_404(Activity, activity_id, current_user)
    photo = _scoped_photo(activity_id, photo_id)
    if ConfirmForm().validate_on_submit():
        photos.delete_photo(photo, current_user, current_app.config["UPLOAD_DIR"])
        db.session.commit()
        flash("Đã xóa ảnh.", "success")
    return redirect(url_for("activities.show_activity", activity_id=activity_id, _anchor="photos"))

