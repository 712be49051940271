"""User administration pages (admin only)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.admin import bp
from app.admin.forms import ROLE_LABELS, ResetPasswordForm, RunJobForm, UserForm
from app.admin.services import save_user
from app.auth.access import role_required
from app.auth.throttle import issue_unlock_code
from app.extensions import db
from app.models import User
from app.models.audit import record
from app.models.types import utcnow


@bp.route("/users")
@role_required("admin")
def users():
    """All users, with role, commune and state."""
    q = (request.args.get("q") or "").strip()[:100]
    stmt = select(User).order_by(User.role, User.username)
    if q:
        stmt = stmt.where(User.username.ilike(f"%{q}%") | User.full_name.ilike(f"%{q}%"))
    rows = db.session.scalars(stmt).all()
    return render_template("admin/users.html", rows=rows, q=q, role_labels=ROLE_LABELS)


@bp.route("/users/new", methods=["GET", "POST"])
@role_required("admin")
def new_user():
    """Create a user."""
    form = UserForm()
    if form.validate_on_submit():
        user = save_user(None, form.data, current_user.id)
        db.session.commit()
        flash(f"Đã tạo người dùng {user.username}.", "success")
        return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None), 200 if request.method == "GET" else 422


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def edit_user(user_id: int):
    """Edit a user (role, commune, active flag); the password only if typed."""
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user, editing=user)
    if request.method == "GET":
        form.commune_code.data = user.commune.code if user.commune else ""
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != "admin" or not form.active.data):
            form.role.errors.append("Bạn không thể tự bỏ quyền quản trị hoặc tự khóa tài khoản của mình.")
        else:
            save_user(user, form.data, current_user.id)
            db.session.commit()
            flash(f"Đã lưu người dùng {user.username}.", "success")
            return redirect(url_for("admin.users"))
    status = 200 if request.method == "GET" else 422
    return render_template("admin/user_form.html", form=form, user=user,
                           reset_form=ResetPasswordForm(prefix="reset")), status


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@role_required("admin")
def deactivate_user(user_id: int):
    """Deactivate (or reactivate) a user; nothing is deleted."""
    user = db.get_or_404(User, user_id)
    if user.id == current_user.id:
        flash("Bạn không thể tự khóa tài khoản của mình.", "danger")
        return redirect(url_for("admin.users"))
    user.active = not user.active
    if not user.active:
        user.end_sessions()
    record(current_user.id, "deactivate" if not user.active else "activate", "user", user.id)
    db.session.commit()
    flash(f"Đã {'khóa' if not user.active else 'mở khóa'} tài khoản {user.username}.", "success")
    return redirect(url_for("admin.users"))


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@role_required("admin")
def reset_password(user_id: int):
    """Set a new password for a user."""
    user = db.get_or_404(User, user_id)
    form = ResetPasswordForm(prefix="reset")
    form.policy_username = user.username
    if form.validate_on_submit():
        user.set_password(form.password.data)
        record(current_user.id, "reset_password", "user", user.id)
        db.session.commit()
        flash(f"Đã đặt lại mật khẩu cho {user.username}.", "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    edit_form = UserForm(obj=user, editing=user)
    edit_form.commune_code.data = user.commune.code if user.commune else ""
    return render_template("admin/user_form.html", form=edit_form, user=user, reset_form=form), 422


@bp.route("/users/<int:user_id>/unlock-login", methods=["POST"])
@role_required("admin")
def unlock_login(user_id: int):
    """Empty the user's failed-login counter and show a one-time unlock code to give them (issue 22)."""
    user = db.get_or_404(User, user_id)
    if not RunJobForm().validate_on_submit():
        abort(400)
    code = issue_unlock_code(user.username, utcnow())
    record(current_user.id, "unlock_login", "user", user.id)
    db.session.commit()
    flash(f"Mã mở khóa của {user.username}: {code} — dùng một lần, trong 24 giờ, cùng mật khẩu của họ. "
          "Hãy báo trực tiếp cho chính người dùng (gọi điện), không gửi qua kênh công khai.", "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))
