"""The form the city office uses to record an actual figure."""

from wtforms import FloatField, IntegerField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from app import data
from app.forms import BaseForm, choices


class ActualForm(BaseForm):
    """An actual figure of a metric at the end of a month."""

    year = IntegerField("Năm", validators=[InputRequired("Vui lòng nhập năm."),
                                           NumberRange(2020, 2035, "Năm phải trong khoảng 2020–2035.")])
    month = SelectField("Tháng", coerce=int, validators=[DataRequired("Vui lòng chọn tháng.")])
    metric = SelectField("Chỉ tiêu", validators=[DataRequired("Vui lòng chọn chỉ tiêu.")])
    value = FloatField("Số thực hiện", validators=[InputRequired("Vui lòng nhập số thực hiện."),
                                                  NumberRange(0, 100_000_000, "Giá trị phải từ 0 đến 100.000.000.")])
    submit = SubmitField("Ghi nhận")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.month.choices = choices((m, f"Tháng {m}") for m in range(1, 13))
        self.metric.choices = choices((k, v["label"]) for k, v in data.targets()["metrics"].items())

    def validate_value(self, field):
        """Rates are percentages (0–100)."""
        from wtforms.validators import ValidationError

        unit = data.targets()["metrics"].get(self.metric.data, {}).get("unit")
        if unit == "%" and field.data is not None and field.data > 100:
            raise ValidationError("Tỷ lệ phải từ 0 đến 100 (%).")
