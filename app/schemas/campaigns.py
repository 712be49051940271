"""Payloads of the campaign routine (SPEC §12 second wave, §18): `POST /api/v1/campaigns`."""

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

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
