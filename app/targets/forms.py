"""Forms of the targets pages. Only the shapes and lengths; what they mean is in the services."""

import re

from flask_wtf.file import FileField
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from app.forms import BaseForm, choices

NOTE_MAX = 2000
MONTH = re.compile(r"^(?P<m>\d{1,2})[/.-](?P<y>\d{4})$")


class ShortfallForm(BaseForm):
    """The city office's note on a commune below its pro-rata target (seed 000 §V.7)."""

    cause = TextAreaField("Nguyên nhân", validators=[Length(max=NOTE_MAX)], render_kw={"rows": 2})
    responsibility = TextAreaField("Trách nhiệm", validators=[Length(max=NOTE_MAX)], render_kw={"rows": 2})
    remedy = TextAreaField("Giải pháp khắc phục", validators=[Length(max=NOTE_MAX)], render_kw={"rows": 2})


class ImportForm(BaseForm):
    """Upload an allocation (a year) or a month's actuals as an Excel file."""

    kind = SelectField("Loại số liệu", choices=choices([("targets", "Chỉ tiêu giao năm (bảng phân bổ chi tiết)"),
                                                        ("actuals", "Số thực hiện tháng (từ dữ liệu BHXH)")]))
    year = StringField("Năm của chỉ tiêu", render_kw={"inputmode": "numeric", "maxlength": 4})
    month = StringField("Tháng của số thực hiện (mm/yyyy)", render_kw={"inputmode": "numeric", "maxlength": 7,
                                                                        "placeholder": "mm/yyyy"})
    file = FileField("Tệp Excel (.xlsx)")

    def period(self) -> str | int | None:
        """The year (targets) or "YYYY-MM" (actuals) typed, with a message next to the field when it is wrong."""
        if self.kind.data == "targets":
            text = (self.year.data or "").strip()
            if text.isascii() and text.isdigit() and len(text) == 4 and 2000 <= int(text) <= 2100:
                return int(text)
            self.year.errors = ["Năm phải là số nguyên từ 2000 đến 2100."]
            return None
        found = MONTH.match((self.month.data or "").strip())
        if found and 1 <= int(found["m"]) <= 12 and 2000 <= int(found["y"]) <= 2100:
            return f"{int(found['y']):04d}-{int(found['m']):02d}"
        self.month.errors = ["Tháng không hợp lệ (mm/yyyy, ví dụ 06/2026)."]
        return None


class WeightsForm(BaseForm):
    """The weights of the emulation score of a year, in whole percentages summing to 100 (SPEC §16)."""

    duties = IntegerField("Nhiệm vụ chiến dịch hoàn thành đúng hạn (%)", validators=[InputRequired(),
                                                                                    NumberRange(0, 100)])
    tasks = IntegerField("Nhiệm vụ kế hoạch hoàn thành (%)", validators=[InputRequired(), NumberRange(0, 100)])
    targets = IntegerField("Đạt chỉ tiêu (%)", validators=[InputRequired(), NumberRange(0, 100)])

    def validate_targets(self, field):
        """The three weights add up to 100 %."""
        values = [self.duties.data, self.tasks.data, field.data]
        if all(v is not None for v in values) and sum(values) != 100:
            raise ValidationError(f"Ba trọng số phải cộng lại bằng 100 % (đang là {sum(values)} %).")

    def shares(self) -> dict[str, float]:
        """The weights as shares of 1."""
        return {name: getattr(self, name).data / 100 for name in ("duties", "tasks", "targets")}
