"""Login, logout and the profile page."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import ChangePasswordForm, LoginForm, ProfileForm
from app.auth.services import authenticate
from app.extensions import db, login_manager
from app.models.audit import record
from app.models.types import utcnow


def _safe_next(target: str | None) -> str | None:
    """Only same-site relative redirects after login."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with username and password; throttled after repeated failures."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        cfg = current_app.config
        user, reason = authenticate(
            form.username.data, form.password.data, request.remote_addr, utcnow(),
            cfg["LOGIN_MAX_FAILURES"], timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"]),
        )
        db.session.commit()
        if reason == "throttled":
            form.username.errors.append(
                f"Tài khoản tạm khóa do đăng nhập sai quá {cfg['LOGIN_MAX_FAILURES']} lần. "
                f"Vui lòng thử lại sau {cfg['LOGIN_LOCK_MINUTES']} phút."
            )
            return render_template("auth/login.html", form=form), 429
        if user is None:
            form.password.errors.append("Tên đăng nhập hoặc mật khẩu không đúng.")
            return render_template("auth/login.html", form=form), 200
        lang = session.get("lang")  # the language picked on the login page survives the new session
        session.clear()  # a new session on login (no fixation)
        login_user(user, remember=form.remember.data)
        if user.locale or lang:
            session["lang"] = user.locale or lang
        # No "Xin chào" flash: the home page greets the user (it was said twice).
        return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST, CSRF-protected)."""
    logout_user()
    session.clear()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """One's own profile (printed name and position, for signed documents) and password change."""
    form = ChangePasswordForm()
    details = ProfileForm(obj=current_user)
    if "save_profile" in request.form and details.validate_on_submit():
        current_user.full_name = details.full_name.data.strip()
        current_user.position = (details.position.data or "").strip() or None
        record(current_user.id, "profile_change", "user", current_user.id)
        db.session.commit()
        flash("Đã lưu họ tên và chức vụ.", "success")
        return redirect(url_for("auth.profile"))
    if "save_profile" not in request.form and form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("Mật khẩu hiện tại không đúng.")
        else:
            current_user.set_password(form.new.data)
            record(current_user.id, "password_change", "user", current_user.id)
            db.session.commit()
            flash("Đã đổi mật khẩu.", "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, details=details)


@login_manager.user_loader
def load_user(user_id: str):
    """Flask-Login: the user of a session."""
    from app.models import User

    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
