"""Payloads of the residents' voice API (SPEC §12 second wave), declared once; the OpenAPI document uses them."""

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.models.voice import FOLLOWUP_OUTCOMES, QUESTION_STATUSES, TOPICS

Topic = Literal[tuple(TOPICS)]  # type: ignore[valid-type]
QuestionStatus = Literal[QUESTION_STATUSES]  # type: ignore[valid-type]
Outcome = Literal[FOLLOWUP_OUTCOMES]  # type: ignore[valid-type]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionInput(_Strict):
    """A question logged by staff: text and topic; name and phone only with consent to be called back."""

    text: str = Field(min_length=1, max_length=2000)
    topic: Topic = "khac"
    full_name: str | None = Field(default=None, max_length=120)
    phone: str | None = Field(default=None, description="10 chữ số, bắt đầu bằng 0; cần `consent`.")
    consent: bool = False


class QuestionPatch(_Strict):
    """Assign, answer, close, publish: new → assigned → answered → closed."""

    status: QuestionStatus | None = None
    answer: str | None = Field(default=None, max_length=5000)
    public: bool | None = None
    public_text: str | None = Field(default=None, max_length=2000,
                                    description="Câu hỏi khi công khai, đã bỏ thông tin cá nhân.")
    assignee_id: int | None = Field(default=None, description="Người được giao (nhận thông báo).")


class Question(BaseModel):
    """A question as the API answers it (phone masked by role)."""

    id: int
    activity_id: int
    commune_code: str | None
    source: Literal["self", "staff"]
    topic: Topic
    topic_label: str
    text: str
    full_name: str | None
    phone: str | None
    callback: bool
    status: QuestionStatus
    assignee_id: int | None
    assigned_at: datetime | None
    answer: str | None
    answered_by_id: int | None
    answered_at: datetime | None
    closed_at: datetime | None
    public: bool
    public_text: str | None
    created_at: datetime
    age_days: int


class RatingInput(_Strict):
    """A resident's rating with the signed, single-use token of their check-in."""

    token: str = Field(description="`rating_token` của lượt điểm danh (trang cảm ơn, câu trả lời 201 khi điểm danh).")
    score: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=1000)


class Rating(BaseModel):
    id: int
    activity_id: int
    score: int
    comment: str | None
    created_at: datetime


class Satisfaction(BaseModel):
    """The satisfaction KPI: `share_satisfied` is the share of 4–5 (null when nobody rated)."""

    ratings: int
    mean: float | None
    share_satisfied: float | None


class FollowUpPatch(_Strict):
    """The outcome of a call and its date (default today)."""

    outcome: Outcome | None
    on: date | None = None
    note: str | None = Field(default=None, max_length=500)


class FollowUp(BaseModel):
    """An attendee without a valid BHYT card to follow up (phone masked by role)."""

    id: int
    activity_id: int
    checkin_id: int | None
    full_name: str | None
    phone: str | None
    bhyt_status: Literal["none", "expired"]
    outcome: Outcome | None
    on: date | None
    note: str | None
    enrolled_elsewhere: bool
