"""Check-in forms; they only render and carry CSRF: `services.clean_person` is the one schema that validates."""

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired

from app.forms import BaseForm, choices

BHYT_CHOICES = (("valid", "Có thẻ còn hạn"), ("none", "Chưa có thẻ"), ("expired", "Thẻ đã hết hạn"))


class PersonForm(BaseForm):
    """A person's fields, named like the API's (full_name, phone, birth_year, …)."""

    full_name = StringField("Họ và tên", render_kw={"maxlength": 120, "autocomplete": "name", "required": True})
    phone = StringField("Số điện thoại", render_kw={"inputmode": "tel", "autocomplete": "tel", "maxlength": 15,
                                                    "type": "tel", "placeholder": "09xx xxx xxx"})
    birth_year = StringField("Năm sinh", render_kw={"inputmode": "numeric", "maxlength": 4, "placeholder": "1985"})
    audience = SelectField("Bạn thuộc nhóm", validate_choice=False)
    residence_code = SelectField("Nơi cư trú (xã, phường, đặc khu)", validate_choice=False)
    bhyt_status = RadioField("Thẻ BHYT", choices=choices(BHYT_CHOICES), validate_choice=False)
    topics = TextAreaField("Bạn cần tư vấn về", render_kw={"maxlength": 500, "rows": 2})
    consent = BooleanField("Tôi đồng ý")
    nonce = HiddenField()

    def fill_choices(self, audiences, communes) -> None:
        """Audience groups 1–6 and the city's communes."""
        self.audience.choices = choices([("", "— Chọn nhóm —"), *audiences])
        self.residence_code.choices = choices(communes)


class ImportForm(BaseForm):
    """Upload of a CSV/XLSX attendance list."""

    file = FileField("Tệp danh sách (CSV hoặc XLSX)", validators=[InputRequired(message="Vui lòng chọn tệp.")])


class ActionForm(BaseForm):
    """An empty form: a button with CSRF protection."""
