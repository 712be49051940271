"""Task register forms. Only the shapes: the rules are the API's (`TaskSubmissionIn`, `submit_product`)."""

from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField

from app.forms import DATE_INPUT
from app.idempotency import OnceForm
from app.schemas.tasks import TaskSubmissionIn


def _most(name: str) -> int:
    """The length the API's schema allows a product field: the input's maxlength (issue 15 item 11)."""
    return next(m.max_length for m in TaskSubmissionIn.model_fields[name].metadata if hasattr(m, "max_length"))


class SubmissionForm(OnceForm):
    """Submit a product for one instance (file or link), or record one received on paper (admin/city); sent
    twice (a double click, two tabs) it stores one product (issue 22 item 7)."""

    period = SelectField("Kỳ", choices=[], validate_choice=False)
    unit_code = SelectField("Đơn vị", choices=[], validate_choice=False)
    title = StringField("Tên sản phẩm", render_kw={"maxlength": _most("title")})
    doc_number = StringField("Số văn bản", render_kw={"maxlength": _most("doc_number")})
    doc_date = StringField("Ngày văn bản", render_kw=DATE_INPUT)
    url = StringField("Liên kết", render_kw={"maxlength": _most("url")})
    file = FileField("Tệp (PDF, DOCX, XLSX, JPG, PNG; tối đa 20 MB)")
    note = TextAreaField("Ghi chú", render_kw={"rows": 2, "maxlength": _most("note")})
    submitted_on = StringField("Ngày nhận bản giấy (chỉ BHXH thành phố)", render_kw=DATE_INPUT)

    FIELDS = ("period", "unit_code", "title", "doc_number", "doc_date", "url", "note", "submitted_on")

    def payload(self) -> dict:
        """The form as the API's JSON body (empty fields left out)."""
        return {name: getattr(self, name).data for name in self.FIELDS if getattr(self, name).data not in (None, "")}

    def show_errors(self, fields: dict) -> None:
        """Put the service's per-field messages next to the fields."""
        for name, message in fields.items():
            field = getattr(self, name, None) if name in (*self.FIELDS, "file") else None
            (field.errors if field is not None else self.form_errors).append(message)
