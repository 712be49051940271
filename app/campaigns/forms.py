"""Campaign forms: admin edits of periods, duties and city requirements; report submission (Vietnamese messages)."""

from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.domain.kinds import KINDS
from app.formatting import today_local
from app.forms import BaseForm, DayField, choices
from app.idempotency import OnceForm

KIND_CHOICES = [(code, kind.label) for code, kind in KINDS.items()]


def _kinds_field(label):
    """The activity kinds as a list of check boxes (easier than a multiple select)."""
    return SelectMultipleField(label, choices=choices(KIND_CHOICES), validate_choice=True,
                               widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


class _WindowMixin:
    """A window's start must not be after its end."""

    def validate_window_end(self, field):
        """The window closes on or after the day it opens."""
        if field.data and self.window_start.data and self.window_start.data > field.data:
            raise ValidationError("Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.")


class CampaignForm(BaseForm):
    """A campaign's name, period and active flag."""

    name = StringField("Tên chiến dịch", validators=[DataRequired("Vui lòng nhập tên chiến dịch."),
                                                     Length(max=300, message="Tối đa 300 ký tự.")])
    start = DayField("Bắt đầu", validators=[DataRequired("Vui lòng nhập ngày bắt đầu (dd/mm/yyyy).")])
    end = DayField("Kết thúc", validators=[DataRequired("Vui lòng nhập ngày kết thúc (dd/mm/yyyy).")])
    active = BooleanField("Đang triển khai")

    def validate_end(self, field):
        """The period ends on or after it starts."""
        if field.data and self.start.data and self.start.data > field.data:
            raise ValidationError("Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.")


class DutyForm(_WindowMixin, BaseForm):
    """One duty: text verbatim, the activity kinds that satisfy it, minimum count and window."""

    text = TextAreaField("Nội dung nhiệm vụ", validators=[DataRequired("Vui lòng nhập nội dung nhiệm vụ."),
                                                          Length(max=2000, message="Tối đa 2.000 ký tự.")])
    kinds = _kinds_field("Loại hoạt động được tính")
    min_count = IntegerField("Số lượng tối thiểu", validators=[
        DataRequired("Vui lòng nhập số lượng tối thiểu (từ 1)."),
        NumberRange(min=1, max=1000, message="Số lượng tối thiểu phải từ 1 đến 1.000.")])
    window_start = DayField("Tính từ ngày", validators=[Optional()])
    window_end = DayField("Hạn cuối (tính cả ngày này)", validators=[Optional()])
    hint = TextAreaField("Hướng dẫn cho cơ sở", validators=[Length(max=1000, message="Tối đa 1.000 ký tự.")])

    def __init__(self, *args, evidence: str = "activity", **kwargs):
        super().__init__(*args, **kwargs)
        self.evidence_kind = evidence

    def validate_kinds(self, field):
        """An activity duty needs at least one kind; a report duty takes none."""
        evidence = self.evidence_kind
        if evidence == "activity" and not field.data:
            raise ValidationError("Chọn ít nhất một loại hoạt động.")
        if evidence == "report" and field.data:
            raise ValidationError("Nhiệm vụ báo cáo được đáp ứng bằng báo cáo đã nộp, không chọn loại hoạt động.")


class RequirementForm(_WindowMixin, BaseForm):
    """A city-level requirement: label, kinds, minimum count city-wide and window."""

    label = TextAreaField("Nội dung yêu cầu", validators=[DataRequired("Vui lòng nhập nội dung yêu cầu."),
                                                          Length(max=1000, message="Tối đa 1.000 ký tự.")])
    kinds = _kinds_field("Loại hoạt động được tính")
    min_count = IntegerField("Số lượng tối thiểu toàn thành phố", validators=[
        DataRequired("Vui lòng nhập số lượng tối thiểu (từ 1)."),
        NumberRange(min=1, max=100000, message="Số lượng tối thiểu phải từ 1 trở lên.")])
    window_start = DayField("Tính từ ngày", validators=[Optional()])
    window_end = DayField("Đến hết ngày", validators=[Optional()])

    def validate_kinds(self, field):
        """At least one kind."""
        if not field.data:
            raise ValidationError("Chọn ít nhất một loại hoạt động.")


class SubmitReportForm(BaseForm):
    """The commune's "Nộp báo cáo" button (a note is optional)."""

    note = TextAreaField("Ghi chú", validators=[Length(max=1000, message="Tối đa 1.000 ký tự.")])


class PaperReportForm(BaseForm):
    """A report received on paper, recorded by the city office with its date of receipt."""

    submitted_on = DayField("Ngày nhận báo cáo", validators=[DataRequired("Vui lòng nhập ngày nhận báo cáo.")])
    note = TextAreaField("Ghi chú", validators=[Length(max=1000, message="Tối đa 1.000 ký tự.")])

    def validate_submitted_on(self, field):
        """Not in the future."""
        if field.data and field.data > today_local():
            raise ValidationError("Ngày nhận báo cáo không được sau hôm nay.")


class ActionForm(BaseForm):
    """A button that changes something (publish, retire, remove, move): only the CSRF token."""


class NewDutyForm(DutyForm, OnceForm):
    """A new duty: what satisfies it (held activities of some kinds, or the commune's submitted report) and the rest;
    sent twice, one duty (issue 22 item 7)."""

    evidence = SelectField("Minh chứng", choices=choices([("activity", "Hoạt động đã tổ chức"),
                                                           ("report", "Báo cáo của đơn vị đã nộp")]))

    def validate_kinds(self, field):
        """As for an existing duty, with the evidence chosen on the form."""
        self.evidence_kind = self.evidence.data or "activity"
        super().validate_kinds(field)


class NewRequirementForm(RequirementForm, OnceForm):
    """A new city-level requirement; sent twice, one requirement (issue 22 item 7)."""


class NewCampaignForm(BaseForm):
    """A campaign from one of the city's templates, for a year (SPEC §18)."""

    template = SelectField("Mẫu chiến dịch", choices=[], validate_choice=True)
    year = IntegerField("Năm", validators=[DataRequired("Vui lòng nhập năm."),
                                           NumberRange(min=2000, max=2100, message="Năm phải từ 2000 đến 2100.")])
    slug = StringField("Mã chiến dịch (để trống: theo mẫu)", validators=[Optional(), Length(max=64)])
    publish = BooleanField("Công bố ngay cho các đơn vị cấp xã")


class CopyCampaignForm(BaseForm):
    """A copy of a past campaign with its dates moved by whole years (SPEC §18)."""

    source = SelectField("Sao chép từ chiến dịch", choices=[], validate_choice=True)
    slug = StringField("Mã chiến dịch mới", validators=[DataRequired("Vui lòng nhập mã chiến dịch mới."),
                                                        Length(max=64, message="Tối đa 64 ký tự.")])
    years = IntegerField("Dời mọi ngày (số năm)", default=1, validators=[
        InputRequired("Vui lòng nhập số năm."),
        NumberRange(min=-10, max=10, message="Số năm dời phải là số nguyên từ -10 đến 10.")])
    publish = BooleanField("Công bố ngay cho các đơn vị cấp xã")


class MessagesForm(BaseForm):
    """The campaign's official messages (SPEC §8): the chosen ones, and a new one to add."""

    messages = SelectMultipleField("Thông điệp của chiến dịch", choices=[], validate_choice=False,
                                   widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    new_message = TextAreaField("Thêm thông điệp mới", validators=[Length(max=1000, message="Tối đa 1.000 ký tự.")])
