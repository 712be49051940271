"""Residents' voice forms: they render and carry CSRF; the services validate (one rule for pages and API)."""

from wtforms import BooleanField, HiddenField, RadioField, SelectField, StringField, TextAreaField

from app.forms import DATE_INPUT, BaseForm, choices
from app.models.voice import TOPICS
from app.voice.followups import OUTCOME_LABELS
from app.voice.questions import STATUS_LABELS, TEXT_MAX

SCORES = ((5, "Rất hài lòng"), (4, "Hài lòng"), (3, "Bình thường"), (2, "Không hài lòng"), (1, "Rất không hài lòng"))


class QuestionForm(BaseForm):
    """A question: asked by a resident on the thank-you page, or logged by staff at a stall."""

    text = TextAreaField("Câu hỏi", render_kw={"maxlength": TEXT_MAX, "rows": 3, "required": True})
    topic = SelectField("Chủ đề", choices=choices(TOPICS.items()), default="khac", validate_choice=False)
    full_name = StringField("Họ và tên (không bắt buộc)", render_kw={"maxlength": 120, "autocomplete": "name"})
    phone = StringField("Số điện thoại để được gọi lại (không bắt buộc)",
                        render_kw={"inputmode": "tel", "type": "tel", "maxlength": 15, "autocomplete": "tel"})
    consent = BooleanField("Tôi đồng ý để cán bộ BHXH gọi lại số điện thoại này để trả lời.")
    next = HiddenField()


class AnswerForm(BaseForm):
    """Staff work on one question: assign, answer, close, publish in the FAQ."""

    assignee_id = SelectField("Giao cho", validate_choice=False)
    answer = TextAreaField("Câu trả lời", render_kw={"rows": 5, "maxlength": 5000})
    status = SelectField("Trạng thái", choices=choices(STATUS_LABELS.items()), validate_choice=False)
    public = BooleanField("Công khai trong trang Hỏi đáp (không kèm họ tên, số điện thoại)")
    public_text = TextAreaField("Câu hỏi khi công khai (đã bỏ thông tin cá nhân)",
                                render_kw={"rows": 3, "maxlength": TEXT_MAX})


class RatingForm(BaseForm):
    """The thank-you page's 1–5 rating with an optional comment (SPEC §17)."""

    score = RadioField("Bạn hài lòng với hoạt động này ở mức nào?", choices=choices(SCORES), validate_choice=False)
    comment = TextAreaField("Góp ý thêm (không bắt buộc)", render_kw={"rows": 2, "maxlength": 1000})


class FollowUpForm(BaseForm):
    """The outcome of a call to an attendee without a valid card, and its date."""

    outcome = SelectField("Kết quả", choices=choices([("", "— Chưa có kết quả —"), *OUTCOME_LABELS.items()]),
                          validate_choice=False)
    on = StringField("Ngày", render_kw=DATE_INPUT)
    note = StringField("Ghi chú", render_kw={"maxlength": 500})


class ResidentForm(BaseForm):
    """Admin: find a resident's data by phone or exact name, then confirm its deletion."""

    phone = StringField("Số điện thoại", render_kw={"inputmode": "tel", "maxlength": 15})
    full_name = StringField("Họ và tên (đúng như khi điểm danh)", render_kw={"maxlength": 120})
    confirm = BooleanField("Tôi xác nhận xóa toàn bộ dữ liệu trên theo yêu cầu của người dân")
