"""User administration form: every rule has its Vietnamese message beside the field."""

from sqlalchemy import select
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.admin.services import username_problem
from app.auth.forms import strong_password
from app.collation import vi_sorted
from app.extensions import db
from app.forms import BaseForm, choices
from app.models import Commune, User

ROLE_LABELS = {
    "admin": "Quản trị (BHXH thành phố)",
    "city": "Cán bộ thành phố / Ban Chỉ đạo",
    "commune": "Cán bộ cơ sở (xã, phường, đặc khu)",
    "viewer": "Đơn vị phối hợp (chỉ xem)",
}


class UserForm(BaseForm):
    """Create or edit a user; the commune is required for a commune user and forbidden otherwise."""

    username = StringField("Tên đăng nhập", validators=[
        DataRequired("Vui lòng nhập tên đăng nhập."),
        Length(max=64, message="Tên đăng nhập tối đa 64 ký tự.")])
    full_name = StringField("Họ và tên", validators=[
        DataRequired("Vui lòng nhập họ và tên."),
        Length(max=120, message="Họ và tên tối đa 120 ký tự.")], render_kw={"maxlength": 120})
    position = StringField("Chức vụ", validators=[Length(max=120, message="Chức vụ tối đa 120 ký tự.")],
                           render_kw={"maxlength": 120})
    email = EmailField("Thư điện tử", validators=[
        Optional(), Length(max=254, message="Địa chỉ thư quá dài."),
        Email("Địa chỉ thư điện tử không hợp lệ.", check_deliverability=False)])
    role = SelectField("Vai trò", choices=choices(ROLE_LABELS.items()),
                       validators=[DataRequired("Vui lòng chọn vai trò.")])
    commune_code = SelectField("Đơn vị cấp xã", choices=[], validate_choice=False)
    password = PasswordField("Mật khẩu")
    active = BooleanField("Đang hoạt động", default=True)
    submit = SubmitField("Lưu")

    def __init__(self, *args, editing: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        communes = vi_sorted(db.session.execute(select(Commune.code, Commune.name)).all(), key=lambda c: c.name)
        self.commune_code.choices = choices([("", "— Không —"), *communes])
        self._commune_codes = {c for c, _ in communes}

    def validate_username(self, field):
        """Lower-case letters, digits, dot, dash, underscore; unique."""
        field.data = (field.data or "").strip().lower()
        problem = username_problem(field.data)
        if problem:
            raise ValidationError(problem)
        existing = db.session.scalar(select(User).where(User.username == field.data))
        if existing is not None and (self.editing is None or existing.id != self.editing.id):
            raise ValidationError("Tên đăng nhập này đã được dùng.")

    def validate_full_name(self, field):
        """Trimmed, not blank."""
        field.data = (field.data or "").strip()
        if not field.data:
            raise ValidationError("Vui lòng nhập họ và tên.")

    def validate_commune_code(self, field):
        """Required for a commune user; forbidden for the other roles; must exist."""
        code = (field.data or "").strip()
        if self.role.data == "commune" and not code:
            raise ValidationError("Cán bộ cơ sở phải thuộc một đơn vị cấp xã.")
        if self.role.data != "commune" and code:
            raise ValidationError("Chỉ cán bộ cơ sở mới gắn với một đơn vị cấp xã; hãy chọn “Không”.")
        if code and code not in self._commune_codes:
            raise ValidationError("Đơn vị cấp xã không tồn tại.")

    def validate_password(self, field):
        """Required when creating a user; when given, it follows the password policy."""
        if not field.data:
            if self.editing is None:
                raise ValidationError("Vui lòng đặt mật khẩu cho người dùng mới.")
            return
        strong_password(self, field)


class ResetPasswordForm(BaseForm):
    """An admin sets a new password for a user."""

    password = PasswordField("Mật khẩu mới", validators=[DataRequired("Vui lòng nhập mật khẩu mới."), strong_password])
    submit = SubmitField("Đặt lại mật khẩu")


class RunJobForm(BaseForm):
    """"Run now" on the jobs page (only the CSRF token)."""
