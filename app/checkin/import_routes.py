"""Attendee import pages (SPEC §5 walk-ins; issue 22 items 5 and 7): upload, preview, confirm once, cancel — views
of the check-in blueprint, imported by the app factory only. The work is in app/checkin/attendee_import.py."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.access import role_required
from app.checkin import attendee_import, bp
from app.checkin.forms import ActionForm, ImportForm
from app.checkin.loading import STAFF
from app.checkin.loading import load_activity as _load
from app.extensions import db
from app.models import Activity
from app.models.audit import record
from app.models.types import utcnow


@bp.route("/activities/<int:activity_id>/import", methods=["GET", "POST"])
@role_required(*STAFF)
def import_upload(activity_id: int):
    """Upload a CSV/XLSX list: read once, its rows kept under a random id until confirmed or cancelled."""
    activity = _load(activity_id, edit=True)
    form = ImportForm()
    if form.validate_on_submit():
        try:
            upload_id = attendee_import.save_upload(activity.id, form.file.data, current_user.id, utcnow())
        except attendee_import.ImportRefused as refusal:
            form.file.errors = [str(refusal)]
        else:
            db.session.commit()
            return redirect(url_for("checkin.import_preview", activity_id=activity.id, upload_id=upload_id))
    return render_template("checkin/import.html", activity=activity, form=form)


def _kept_import(activity: Activity, upload_id: str):
    """The activity's kept upload (404 when unknown, another activity's or expired)."""
    kept = attendee_import.kept_upload(activity.id, upload_id, utcnow())
    if kept is None:
        abort(404)
    return kept


def _already_imported(activity: Activity, kept):
    """The answer to a second confirm (a double click, another tab): what the first one wrote, or that it runs."""
    if kept.state == "done":
        flash(f"Danh sách này đã được nhập: {kept.created} người; {kept.duplicates} đã điểm danh trước đó; "
              f"{kept.errors} dòng lỗi bị bỏ qua.", "info")
    else:
        flash("Danh sách này đang được nhập (từ một lần bấm khác); xem danh sách điểm danh sau ít phút.", "info")
    return redirect(url_for("checkin.attendance", activity_id=activity.id))


@bp.get("/activities/<int:activity_id>/import/<upload_id>")
@role_required(*STAFF)
def import_preview(activity_id: int, upload_id: str):
    """Column mapping and a preview with per-row errors; nothing is written yet."""
    activity = _load(activity_id, edit=True)
    kept = _kept_import(activity, upload_id)
    if kept.state != "pending":
        return _already_imported(activity, kept)
    table = attendee_import.table_of(kept)
    header = table.rows[0] if table.rows else []
    mapping = attendee_import.mapping_from(request.args, header)
    result = attendee_import.preview(activity, table.rows, mapping, utcnow())
    return render_template("checkin/import_preview.html", activity=activity, upload_id=upload_id, header=header,
                           mapping=mapping, items=result.items, labels=attendee_import.FIELD_LABELS,
                           action_form=ActionForm(), valid=result.valid, kept=table)


def _committed(batches):
    """Commit after each batch of an import: check-ins at the door get the write slot in between."""
    for batch in batches:
        db.session.commit()
        yield batch


@bp.post("/activities/<int:activity_id>/import/<upload_id>")
@role_required(*STAFF)
def import_confirm(activity_id: int, upload_id: str):
    """Write the valid rows of the previewed list (source `import`) once, however many times it is confirmed."""
    activity = _load(activity_id, edit=True)
    kept = _kept_import(activity, upload_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    now = utcnow()
    claimed = attendee_import.claim(kept, now)
    db.session.commit()  # the claim is seen by every other request before a row is written
    if not claimed:
        db.session.refresh(kept)
        return _already_imported(activity, kept)
    rows = attendee_import.table_of(kept).rows
    mapping = attendee_import.mapping_from(request.form, rows[0] if rows else [])
    result = attendee_import.total(_committed(attendee_import.confirm(activity, rows, mapping, current_user, now,
                                                                    upload_id)))
    attendee_import.finish(kept, result)
    record(current_user.id, "checkin.import", "activity", activity.id, created=result.created,
           duplicates=result.duplicates, errors=result.errors)
    db.session.commit()
    flash(f"Đã nhập {result.created} người; {result.duplicates} đã điểm danh trước đó; "
          f"{result.errors} dòng lỗi bị bỏ qua.", "success")
    return redirect(url_for("checkin.attendance", activity_id=activity.id))


@bp.post("/activities/<int:activity_id>/import/<upload_id>/cancel")
@role_required(*STAFF)
def import_cancel(activity_id: int, upload_id: str):
    """"Hủy": forget the uploaded list without importing it (a list being confirmed is left to finish)."""
    activity = _load(activity_id, edit=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    kept = attendee_import.kept_upload(activity.id, upload_id, utcnow())
    if kept is not None and kept.state == "pending":
        attendee_import.cancel(kept)
        db.session.commit()
        flash("Đã hủy danh sách tải lên; không ai được nhập.", "info")
    return redirect(url_for("checkin.attendance", activity_id=activity.id))
