"""Campaign payloads (SPEC §4, §12, §18): campaigns and their duties, the compliance matrix, report submissions,
the copy of a campaign by whole years (`POST /api/v1/campaigns`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
)

from app.compliance.engine import STATUSES as DUTY_STATUSES
from app.domain.dates import parse_date
from app.schemas.base import Answer, Schema, optional_text, vi

NOTE_MAX = 1000
DATE = {"type": "string", "format": "date"}
NULL_DATE = {"type": ["string", "null"], "format": "date"}


class SubmissionInput(Schema):
    """A commune's campaign report handed in; `submitted_on` is for a paper report the city office received."""

    model_config = ConfigDict(extra="ignore")

    commune_code: Annotated[str, WithJsonSchema({"type": "string", "maxLength": 5})]
    submitted_on: Annotated[date | None, WithJsonSchema({
        **NULL_DATE, "description": "Chỉ admin/city: ngày nhận báo cáo giấy (không sau hôm nay)."})] = None
    note: Annotated[str, WithJsonSchema({"type": "string", "maxLength": NOTE_MAX})] = ""

    MESSAGES = {"commune_code": "Bắt buộc.", "submitted_on": "Dùng dạng YYYY-MM-DD.",
                "note": f"Tối đa {NOTE_MAX:,} ký tự.".replace(",", ".")}
    INVALID = "Báo cáo gửi lên không hợp lệ."

    @field_validator("commune_code", mode="before")
    @classmethod
    def _code(cls, raw):
        if not isinstance(raw, str) or not raw:
            raise vi(cls.MESSAGES["commune_code"])
        return raw[:5]

    @field_validator("submitted_on", mode="before")
    @classmethod
    def _day(cls, raw, info: ValidationInfo):
        if raw is None:
            return None
        day = parse_date(str(raw)[:20])  # 2026-07-07 or 07/07/2026
        if day is None:
            raise vi(cls.MESSAGES["submitted_on"])
        today = (info.context or {}).get("today")
        if today is not None and day > today:
            raise vi("Không được sau hôm nay.")
        return day

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, raw):
        return optional_text(raw, NOTE_MAX, cls.MESSAGES["note"])


class Submission(Answer):
    """A commune's campaign report as stored."""

    id: int
    campaign: str
    commune_code: str
    submitted_on: Annotated[str, WithJsonSchema(DATE)]
    submitted_at: Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
    source: Annotated[str, WithJsonSchema({"type": "string", "enum": ["online", "paper"]})]
    submitted_by: str | None
    note: str
    unlocked_at: Annotated[str | None, WithJsonSchema({"type": ["string", "null"], "format": "date-time"})]


class Duty(Answer):
    """A duty every commune must meet in a campaign."""

    no: int
    text: str
    evidence: str
    kinds: list[str]
    min_count: int
    window_start: Annotated[str | None, WithJsonSchema(NULL_DATE)]
    window_end: Annotated[str | None, WithJsonSchema(NULL_DATE)]
    hint: str | None


class Campaign(Answer):
    """A campaign with its period and duties."""

    slug: str
    name: str
    start: Annotated[str, WithJsonSchema(DATE)]
    end: Annotated[str, WithJsonSchema(DATE)]
    active: bool
    state: Annotated[str, WithJsonSchema({"type": "string", "enum": ["draft", "published"]})]
    duties: list[Duty]


class DutyStatus(Answer):
    """One cell of the matrix: a duty's status for a commune as of the day asked."""

    no: int
    status: Annotated[str, WithJsonSchema({"type": "string", "enum": list(DUTY_STATUSES)})]
    evidence: list[int] = Field(description="Mã các hoạt động làm minh chứng.")


class CommuneCompliance(Answer):
    """One row of the matrix."""

    code: str
    name: str
    duties: list[DutyStatus]
    done: int
    total: int


class CityRequirement(Answer):
    """A city-level requirement of the campaign and whether it is met."""

    key: str
    label: str
    required: int
    actual: int
    met: bool


class Compliance(Answer):
    """The commune × duty matrix as of a day."""

    campaign: str
    as_of: Annotated[str, WithJsonSchema(DATE)]
    communes: list[CommuneCompliance]
    city_requirements: list[CityRequirement]
    summary: dict[str, Any] = Field(description="Tổng hợp: số xã, số ô theo trạng thái, tỉ lệ đúng hạn…")


# Vietnamese per-field messages for any invalid value of the field (the API's error shape, 422).
FIELD_MESSAGES = {
    "copy_from": "Bắt buộc: mã của chiến dịch cần sao chép (chuỗi, tối đa 64 ký tự).",
    "slug": "Bắt buộc: mã chiến dịch mới (chữ thường không dấu, số, dấu gạch ngang; tối đa 64 ký tự).",
    "years": "Bắt buộc: số năm dời mọi ngày, số nguyên từ -10 đến 10.",
    "publish": "Phải là true hoặc false.",
}
UNKNOWN_FIELD = "Trường không được hỗ trợ."


class CampaignCopyIn(BaseModel):
    """Copy a campaign with every date moved by whole years; a draft unless `publish` (default false)."""

    model_config = ConfigDict(extra="forbid")

    copy_from: StrictStr = Field(min_length=1, max_length=64, description="Mã chiến dịch nguồn, ví dụ `bhyt-day-2026`.")
    slug: StrictStr = Field(min_length=1, max_length=64, description="Mã chiến dịch mới, ví dụ `bhyt-day-2027`.")
    years: StrictInt = Field(ge=-10, le=10, description="Số năm dời mọi ngày (thời gian, khung, hạn).")
    publish: StrictBool = Field(False, description="Công bố ngay cho cấp xã; mặc định là bản nháp.")


def field_errors(exc) -> dict[str, str]:
    """A pydantic ValidationError as {field: Vietnamese message}."""
    fields = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error.get("loc") else "body"
        fields[name] = UNKNOWN_FIELD if error["type"] == "extra_forbidden" else FIELD_MESSAGES.get(name, "Giá trị không hợp lệ.")
    return fields
