"""Form base shared by every feature: WTForms' built-in messages in Vietnamese (WTForms ships no vi catalogue)."""

from flask import flash, g
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice
from wtforms.widgets import TextInput

DATE_INPUT = {"data-date": True, "placeholder": "dd/mm/yyyy", "maxlength": 10, "inputmode": "numeric",
              "autocomplete": "off"}
DATETIME_INPUT = {"data-datetime": True, "placeholder": "dd/mm/yyyy HH:MM", "maxlength": 16, "inputmode": "numeric",
                  "autocomplete": "off"}

VI_MESSAGES = {
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Choices cannot be None.": "Lựa chọn không hợp lệ.",
    "This field is required.": "Trường này là bắt buộc.",
    "Invalid input.": "Giá trị không hợp lệ.",
    "Not a valid integer value.": "Vui lòng nhập một số nguyên.",
    "Not a valid decimal value.": "Vui lòng nhập một số.",
    "Not a valid float value.": "Vui lòng nhập một số.",
    "Not a valid datetime value.": "Ngày giờ không hợp lệ (dd/mm/yyyy HH:MM).",
    "Not a valid date value.": "Ngày không hợp lệ (dd/mm/yyyy).",
    "Not a valid time value.": "Giờ không hợp lệ (HH:MM).",
    "Not a valid week value.": "Tuần không hợp lệ.",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Invalid URL.": "Đường dẫn không hợp lệ.",
    "Field must be equal to %(other_name)s.": "Hai giá trị không khớp.",
    "Number must be at least %(min)s.": "Giá trị phải từ %(min)s trở lên.",
    "Number must be at most %(max)s.": "Giá trị không được vượt quá %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Giá trị phải trong khoảng %(min)s – %(max)s.",
    "Field cannot be longer than %(max)d character.": "Tối đa %(max)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Tối đa %(max)d ký tự.",
    "Field must be at least %(min)d character long.": "Ít nhất %(min)d ký tự.",
    "Field must be at least %(min)d characters long.": "Ít nhất %(min)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": "Từ %(min)d đến %(max)d ký tự.",
    "CSRF token missing.": "Phiên làm việc đã hết hạn, vui lòng tải lại trang và gửi lại.",
    "CSRF failed.": "Phiên làm việc đã hết hạn, vui lòng tải lại trang và gửi lại.",
    "CSRF token expired.": "Phiên làm việc đã hết hạn, vui lòng tải lại trang và gửi lại.",
    "Invalid CSRF Token.": "Phiên làm việc đã hết hạn, vui lòng tải lại trang và gửi lại.",
}


class VietnameseTranslations:
    """A gettext-like object for WTForms returning Vietnamese for its built-in messages."""

    def gettext(self, string: str) -> str:
        return VI_MESSAGES.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return VI_MESSAGES.get(singular if n == 1 else plural, singular if n == 1 else plural)


VI = VietnameseTranslations()


class BaseForm(FlaskForm):
    """Every form of the app derives from this one."""

    class Meta:
        def get_translations(self, form):
            return VI

    def validate(self, extra_validators=None) -> bool:
        """WTForms' validation, failed by any submitted field holding a control character or a broken encoding
        (found at the door, `app.routing.refuse_bad_text`): its message goes next to the field, or is flashed
        for the fields a view reads itself (results, mappings)."""
        valid = super().validate(extra_validators)
        bad = g.get("bad_text_fields") if self.is_submitted() else None
        if not bad:
            return valid
        for name, message in bad.items():
            field = self._fields.get(name) or self._fields.get(name.removeprefix(f"{self._prefix}"))
            if field is not None:
                field.errors = [*field.errors, message]
            else:
                flash(f"{name}: {message}", "danger")
        return False


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 SelectChoice objects."""
    return [SelectChoice(str(value), str(label)) for value, label in pairs]


class DayField(DateField):
    """A date typed and shown as dd/mm/yyyy (ISO yyyy-mm-dd accepted too), with the app's calendar picker.

    Never ``<input type=date>``: browsers show it in their own language's order (mm/dd/yyyy in English).
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%d/%m/%Y", "%Y-%m-%d"])
        kwargs["render_kw"] = {**DATE_INPUT, **(kwargs.get("render_kw") or {})}
        super().__init__(label, validators, **kwargs)
