"""Login, logout and the profile page."""

from datetime import timedelta

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app.auth import bp
from app.auth.forms import ActionForm, ChangePasswordForm, LoginForm, ProfileForm
from app.auth.services import check_login, normal_username, reserve_login, revoke_token, visible_tokens
from app.extensions import db, login_manager
from app.models import ApiToken
from app.models.audit import record
from app.models.types import utcnow
from app.routing import safe_local_url


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Log in with username and password; throttled after repeated failures."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        cfg, now, username = current_app.config, utcnow(), normal_username(form.username.data)
        reason = reserve_login(username, request.remote_addr, now, timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"]),
                               cfg["LOGIN_MAX_FAILURES"], cfg["LOGIN_MAX_FAILURES_PER_ADDRESS"],
                               form.unlock_code.data)
        db.session.commit()  # the attempt is counted before the (slow) password hash, visible to parallel ones
        if reason == "throttled":
            form.username.errors.append(
                f"Tài khoản tạm khóa do đăng nhập sai quá {cfg['LOGIN_MAX_FAILURES']} lần. Thử lại sau "
                f"{cfg['LOGIN_LOCK_MINUTES']} phút, hoặc nhập mã mở khóa do quản trị viên (BHXH thành phố) cấp."
            )
            return render_template("auth/login.html", form=form, locked=True), 429
        if reason == "throttled_address":
            form.username.errors.append(f"Có quá nhiều lần đăng nhập sai từ địa chỉ mạng này. Vui lòng thử lại "
                                        f"sau {cfg['LOGIN_LOCK_MINUTES']} phút.")
            return render_template("auth/login.html", form=form), 429
        user = check_login(username, form.password.data, request.remote_addr, now)
        db.session.commit()
        if user is None:
            form.password.errors.append("Tên đăng nhập hoặc mật khẩu không đúng.")
            return render_template("auth/login.html", form=form), 200
        lang = session.get("lang")  # the language picked on the login page survives the new session
        session.clear()  # a new session on login (no fixation)
        login_user(user, remember=form.remember.data)
        if user.locale or lang:
            session["lang"] = user.locale or lang
        # No "Xin chào" flash: the home page greets the user (it was said twice).
        return redirect(safe_local_url(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST, CSRF-protected): every session and remember-me cookie of the user ends, on every device."""
    current_user.end_sessions()
    db.session.commit()
    logout_user()
    session.clear()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    """One's own profile (printed name and position, for signed documents) and password change."""
    form = ChangePasswordForm()
    form.policy_username = current_user.username
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
            current_user.set_password(form.new.data)  # ends every other session and remember-me cookie
            record(current_user.id, "password_change", "user", current_user.id)
            db.session.commit()
            login_user(current_user._get_current_object())  # this session goes on, with the new version
            flash("Đã đổi mật khẩu.", "success")
            return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form, details=details)


@bp.get("/tokens")
@login_required
def tokens():
    """API tokens: one's own (an admin: everyone's), with expiry and last use, each revocable (issue 22)."""
    rows = db.session.scalars(visible_tokens(current_user)).all()
    return render_template("auth/tokens.html", rows=rows, now=utcnow())


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    """Revoke an API token (refused from the next request, in every process); another user's is 404."""
    token = db.session.scalar(visible_tokens(current_user).where(ApiToken.id == token_id))
    if token is None:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    revoke_token(token, utcnow())
    record(current_user.id, "token_revoke", "api_token", token.id)
    db.session.commit()
    flash(f"Đã thu hồi mã truy cập {token.prefix}…", "success")
    return redirect(url_for("auth.tokens"))


@login_manager.user_loader
def load_user(user_id: str):
    """Flask-Login: the user of a session or remember-me cookie, `<id>.<session version>` — an older version
    (logged out, password changed or reset, deactivated) is no user: the login page."""
    from app.models import User
    from app.routing import ascii_int

    raw_id, _, version = str(user_id).partition(".")
    pk = ascii_int(raw_id)
    user = db.session.get(User, pk) if pk is not None else None
    if user is None or version != str(user.session_version or 0):
        return None
    return user
