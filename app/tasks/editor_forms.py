"""Plan and task editor forms (SPEC §14): only the shapes; every rule is in `editing` (messages by field)."""

from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import Optional

from app.compliance.schedules import SCHEDULE_KINDS, SCHEDULE_LABELS_VI
from app.domain.kinds import KINDS
from app.forms import DATE_INPUT, BaseForm, choices
from app.tasks.editing import LIMITS

DAY_OF_YEAR = {"placeholder": "dd/mm", "maxlength": 5, "inputmode": "numeric", "autocomplete": "off"}
SCHEDULE_FIELDS = ("kind", "start", "end", "month", "last_day", "due_days", "h1_due", "h2_due", "count", "years")


class Checkboxes(SelectMultipleField):
    """A multiple choice shown as check boxes (no script needed)."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class PlanForm(BaseForm):
    """A plan: its code (chosen once), title, number, years and sections."""

    slug = StringField("Mã kế hoạch (chữ thường không dấu, ví dụ ke-hoach-2027)", render_kw={"maxlength": 64})
    title = TextAreaField("Tên kế hoạch", render_kw={"rows": 2})
    number = StringField("Số hiệu (Kế hoạch số …/KH-UBND)", render_kw={"maxlength": 200})
    start_year = StringField("Từ năm", render_kw={"inputmode": "numeric", "maxlength": 4})
    end_year = StringField("Đến năm", render_kw={"inputmode": "numeric", "maxlength": 4})
    sections = TextAreaField("Các phần của danh mục (mỗi dòng một phần: “I. Tên phần”)", render_kw={"rows": 6})


class TaskForm(BaseForm):
    """A task of a plan and its schedule (the "Thời gian thực hiện" column as data)."""

    section = SelectField("Phần", choices=[], validate_choice=False)
    no = StringField("Số thứ tự trong phần", render_kw={"maxlength": LIMITS["no"]})
    text = TextAreaField("Nội dung công việc", render_kw={"rows": 3, "maxlength": LIMITS["text"]})
    lead = SelectField("Cơ quan chủ trì", choices=[], validate_choice=False)
    co_leads = Checkboxes("Cùng chủ trì", choices=[], validate_choice=False, validators=[Optional()])
    partners = Checkboxes("Đơn vị phối hợp", choices=[], validate_choice=False, validators=[Optional()])
    lead_text = StringField("Cột “Cơ quan chủ trì” như văn bản (để trống: theo tên cơ quan)",
                            render_kw={"maxlength": LIMITS["lead_text"]})
    partners_text = TextAreaField("Cột “Cơ quan phối hợp” như văn bản",
                                  render_kw={"rows": 2, "maxlength": LIMITS["partners_text"]})
    product = TextAreaField("Sản phẩm/kết quả", render_kw={"rows": 2, "maxlength": LIMITS["product"]})
    time_text = StringField("Cột “Thời gian thực hiện” như văn bản", render_kw={"maxlength": LIMITS["time_text"]})
    kinds = Checkboxes("Hoạt động được tính là sản phẩm (đã tổ chức, trong kỳ)",
                       choices=choices((k, v.label) for k, v in KINDS.items()), validate_choice=False,
                       validators=[Optional()])
    kind = SelectField("Loại lịch", choices=choices((k, SCHEDULE_LABELS_VI[k]) for k in SCHEDULE_KINDS),
                       validate_choice=False)
    start = StringField("Ngày bắt đầu", render_kw=DATE_INPUT)
    end = StringField("Hạn cuối (ngày cuối cùng được tính đúng hạn)", render_kw=DATE_INPUT)
    month = SelectField("Tháng", choices=choices([("", "—"), *((m, f"Tháng {m}") for m in range(1, 13))]),
                        validate_choice=False)
    last_day = StringField("Hạn trong năm (dd/mm; để trống: 31/12)", render_kw=DAY_OF_YEAR)
    due_days = StringField("Số ngày sau khi hết quý", render_kw={"inputmode": "numeric", "maxlength": 2})
    h1_due = StringField("Hạn sáu tháng đầu (dd/mm)", render_kw=DAY_OF_YEAR)
    h2_due = StringField("Hạn cả năm (dd/mm)", render_kw=DAY_OF_YEAR)
    count = StringField("Số sản phẩm mỗi kỳ", render_kw={"inputmode": "numeric", "maxlength": 2})
    years = StringField("Chỉ các năm (để trống: mọi năm của kế hoạch)", render_kw={"placeholder": "2026, 2027"})

    def fields_dict(self) -> dict:
        """The form as `editing.task_values` reads it (the schedule's fields nested)."""
        out = {name: getattr(self, name).data for name in
               ("section", "no", "text", "lead", "co_leads", "partners", "lead_text", "partners_text", "product",
                "time_text", "kinds")}
        out["schedule"] = {name: getattr(self, name).data for name in SCHEDULE_FIELDS}
        return out

    def fill_schedule(self, values: dict) -> None:
        """Put a schedule's editor fields into the form."""
        for name in SCHEDULE_FIELDS:
            getattr(self, name).data = "" if values.get(name) is None else str(values[name])

    def show_errors(self, fields: dict) -> list[str]:
        """Put `editing`'s messages next to their fields; returns those that have none."""
        rest = []
        for key, message in fields.items():
            name = key.split(".", 1)[1] if key.startswith("schedule.") else key
            field = getattr(self, name, None) if name in (*SCHEDULE_FIELDS, *self._fields) else None
            if field is not None and name != "csrf_token":
                field.errors = [*field.errors, message]
            else:
                rest.append(message)
        return rest
