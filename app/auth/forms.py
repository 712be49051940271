"""Login and password forms, with Vietnamese messages (WTForms ships none)."""

from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from app.auth.services import password_problem
from app.forms import BaseForm


class LoginForm(BaseForm):
    """Username and password."""

    username = StringField("Tên đăng nhập", validators=[DataRequired("Vui lòng nhập tên đăng nhập."), Length(max=64, message="Tên đăng nhập quá dài.")],
                           render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField("Mật khẩu", validators=[DataRequired("Vui lòng nhập mật khẩu."), Length(max=200, message="Mật khẩu quá dài.")],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField("Ghi nhớ đăng nhập")
    unlock_code = StringField("Mã mở khóa (do quản trị viên cấp)", validators=[Length(max=20, message="Mã quá dài.")],
                              render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
    submit = SubmitField("Đăng nhập")


def strong_password(form, field):
    """The password policy (8+ characters, letters and digits, not the username, not a common password).

    The username is the form's `policy_username` (set by the view for a known user) or its `username` field."""
    username = getattr(form, "policy_username", None)
    if username is None and "username" in form._fields:
        username = form.username.data
    problem = password_problem(field.data or "", username)
    if problem:
        raise ValidationError(problem)


class ChangePasswordForm(BaseForm):
    """Change one's own password."""

    current = PasswordField("Mật khẩu hiện tại", validators=[DataRequired("Vui lòng nhập mật khẩu hiện tại.")])
    new = PasswordField("Mật khẩu mới", validators=[DataRequired("Vui lòng nhập mật khẩu mới."), strong_password])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[DataRequired("Vui lòng nhập lại mật khẩu mới."), EqualTo("new", message="Hai mật khẩu không khớp.")])
    submit = SubmitField("Đổi mật khẩu")


class ProfileForm(BaseForm):
    """One's printed name and position: the signature block of every document one downloads (ND 30/2020)."""

    full_name = StringField("Họ và tên", validators=[DataRequired("Vui lòng nhập họ và tên."),
                                                     Length(max=120, message="Tối đa 120 ký tự.")],
                            render_kw={"maxlength": 120, "autocomplete": "name"})
    position = StringField("Chức vụ", validators=[Length(max=120, message="Tối đa 120 ký tự.")],
                           render_kw={"maxlength": 120})
    save_profile = SubmitField("Lưu")


class ActionForm(BaseForm):
    """A button that only carries the CSRF token (revoke a token)."""
