"""Payloads of the task register's API (SPEC §12 second wave, §14), declared once as pydantic models.

The OpenAPI components of these endpoints are generated from the same declarations (`app/api/openapi_tasks.py`).
"""

import re
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from app.domain.dates import parse_date


def _iso_date(value):
    """A date as ISO yyyy-mm-dd or dd/mm/yyyy (the page's date input) text, or nothing: no timestamps."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    parsed = parse_date(value[:20]) if isinstance(value, str) else None
    if parsed is None:
        raise ValueError("not a date")
    if not 2000 <= parsed.year <= 2100:
        raise ValueError("year out of range")
    return parsed


def _url(value):
    if value in (None, ""):
        return ""
    if not isinstance(value, str) or not re.fullmatch(r"https?://[^\s<>\"]{3,}", value.strip()):
        raise ValueError("not an http(s) link")
    return value.strip()


IsoDate = Annotated[date | None, BeforeValidator(_iso_date), Field(json_schema_extra={"format": "date"})]
Link = Annotated[str, BeforeValidator(_url), Field(max_length=1000)]


class TaskSubmissionIn(BaseModel):
    """A product for one task instance; `submitted_on` only for admin/city (a product received on paper)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, title="TaskSubmissionInput")

    period: str = Field(min_length=1, max_length=16, description="Kỳ: `2026`, `2026-Q3`, `2026-H1`, `2026-07`…")
    unit_code: str | None = Field(None, max_length=16, description="Mã đơn vị (xã hoặc cơ quan) của kỳ này.")
    title: str = Field(min_length=1, max_length=300)
    doc_number: str = Field("", max_length=100)
    doc_date: IsoDate = None
    url: Link = ""
    note: str = Field("", max_length=2000)
    submitted_on: IsoDate = None


class Lead(BaseModel):
    """Who leads a task: one agency, or every commune."""

    type: Literal["agency", "communes"]
    code: str | None


class InstanceOut(BaseModel):
    """One task × period × unit and its status as of the date asked."""

    period: str
    label: str
    window_start: date | None
    window_end: date | None
    unit_code: str
    status: Literal["done", "late", "planned", "pending", "overdue", "upcoming"]
    need: int
    submissions: list[int]
    activities: list[int]


class TaskOut(BaseModel):
    """A task of a plan's register with its instances."""

    model_config = ConfigDict(title="Task")

    id: int
    section: str
    no: str
    label: str
    text: str
    lead: Lead
    lead_text: str
    partners: list[str]
    partners_text: str
    product: str
    time_text: str
    schedule: dict
    instances: list[InstanceOut]


class PlanOut(BaseModel):
    """A plan of the city and how many tasks it has."""

    model_config = ConfigDict(title="Plan")

    slug: str
    title: str
    number: str
    start_year: int
    end_year: int
    tasks: int


class AgencyOut(BaseModel):
    """An agency of the city (SPEC §13)."""

    model_config = ConfigDict(title="Agency")

    code: str
    name: str
    kind: Literal["state", "mass", "media", "insurance"]


class TaskSubmissionOut(BaseModel):
    """A product recorded for a task instance."""

    model_config = ConfigDict(title="TaskSubmission")

    id: int
    task_id: int
    period: str
    unit_code: str
    title: str
    doc_number: str
    doc_date: date | None
    url: str
    file: str | None = Field(description="Tên tệp gốc, nếu có tệp.")
    submitted_on: date
    source: Literal["online", "paper"]
    withdrawn: bool


MESSAGES_VI = {
    "missing": "Bắt buộc.",
    "extra_forbidden": "Trường này không được phép.",
    "string_too_short": "Bắt buộc.",
    "string_too_long": "Quá dài.",
    "string_type": "Phải là chuỗi ký tự.",
}
FIELD_MESSAGES_VI = {
    "doc_date": "Ngày không hợp lệ, dùng dạng dd/mm/yyyy hoặc YYYY-MM-DD.",
    "submitted_on": "Ngày không hợp lệ, dùng dạng dd/mm/yyyy hoặc YYYY-MM-DD.",
    "url": "Liên kết phải bắt đầu bằng http:// hoặc https://.",
}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Vietnamese per-field messages for the API's 422 answer."""
    fields: dict[str, str] = {}
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "body"
        message = MESSAGES_VI.get(error["type"]) if error["type"] in ("missing", "extra_forbidden") else None
        fields.setdefault(name, message or FIELD_MESSAGES_VI.get(name) or MESSAGES_VI.get(error["type"],
                                                                                         "Giá trị không hợp lệ."))
    return fields
