"""Activity payloads (SPEC §3, §7, §8, §12): the input the form and the API share, and the API's answers.

`ActivityInput` holds every rule of an activity's fields. A partial update (PATCH) is merged into the stored
activity first, so the same declaration checks the result. What needs the database or the caller — the
commune code looked up, a commune user kept to their own commune — is checked by `activities.services`.
Every field validator runs even when another field failed, so the user sees every message at once; rules
between fields (end after start, a cancelled activity's reason, a kind's results) read the earlier fields.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, ValidationInfo, WithJsonSchema, field_validator

from app.domain.dates import MAX_YEAR, MIN_YEAR, parse_datetime
from app.domain.kinds import KINDS, QR_KINDS, STATUSES, canonical_partner, clean_results, evidence_date, is_http_url
from app.schemas.base import Answer, Schema, vi, vi_fields

MAX_TITLE, MAX_VENUE, MAX_ORGANISER, MAX_REASON, MAX_NOTES = 300, 300, 200, 500, 5000
MAX_PARTNERS, MAX_PARTNER_LEN, MAX_LINKS, MAX_LINK_LEN = 20, 100, 20, 1000
# Audiences are the six of SPEC §7; messages are numbered 1–19 (SPEC §8) and on from 20 as the city office adds
# them to a campaign (SPEC §18): the schema takes any number an INTEGER column holds, the database says which exist.
AUDIENCE_IDS, MESSAGE_IDS = range(1, 7), range(1, 2**31)

Results = Annotated[dict[str, int | str | list[str] | None], WithJsonSchema({
    "type": "object", "description": "Kết quả theo loại hoạt động (SPEC §3): số đếm ≥ 0, đường dẫn http(s), văn bản, ngày.",
    "additionalProperties": {"type": ["integer", "string", "array", "null"], "items": {"type": "string"}}})]


LIST_RULES = {  # field: (most items, message when more, rule of an item, message when an item breaks it)
    "partners": (MAX_PARTNERS, f"Tối đa {MAX_PARTNERS} đơn vị phối hợp.", lambda p: len(p) <= MAX_PARTNER_LEN,
                 f"Tên mỗi đơn vị phối hợp tối đa {MAX_PARTNER_LEN} ký tự."),
    "links": (MAX_LINKS, f"Tối đa {MAX_LINKS} đường dẫn.", lambda u: len(u) <= MAX_LINK_LEN and is_http_url(u),
              "Mỗi đường dẫn phải bắt đầu bằng http:// hoặc https://."),
}


def _text(raw, label: str, limit: int, required: bool = False) -> str:
    """A stripped string of at most `limit` characters."""
    if raw is None:
        raw = ""
    if not isinstance(raw, str):
        raise vi(f"{label} phải là chuỗi ký tự.")
    value = raw.strip()
    if required and not value:
        raise vi(f"Vui lòng nhập {label.lower()}.")
    if len(value) > limit:
        raise vi(f"{label} tối đa {limit} ký tự (đang có {len(value):,}).".replace(",", "."))
    return value


def _str_list(raw) -> list[str]:
    """A list of stripped non-empty strings, without repeats (a string splits on new lines)."""
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = raw.splitlines()
    if not isinstance(raw, list | tuple):
        raise vi("Phải là một danh sách.")
    out: list[str] = []
    for item in raw:
        if not isinstance(item, str):
            raise vi("Mỗi phần tử phải là một chuỗi ký tự.")
        item = item.strip()
        if item and item not in out:
            out.append(item)
    return out


def _int_list(raw, allowed: range) -> list[int]:
    """Whole numbers within `allowed`, deduplicated and sorted (form strings accepted)."""
    if raw is None or raw == "":
        return []
    if not isinstance(raw, list | tuple):
        raise vi("Phải là một danh sách số.")
    out = set()
    for item in raw:
        try:
            if isinstance(item, bool | float):
                raise ValueError
            number = int(item)
        except (TypeError, ValueError):
            raise vi(f"Giá trị “{str(item)[:20]}” không hợp lệ.") from None
        if number not in allowed:
            raise vi(f"Không có thông điệp số {number}." if allowed is MESSAGE_IDS
                     else f"Chỉ chọn trong khoảng {allowed.start}–{allowed.stop - 1}.")
        out.add(number)
    return sorted(out)


def _doc(schema: dict):
    """The field's documented JSON schema (what the API accepts; the validator below accepts form text too)."""
    return WithJsonSchema(schema)


def _nullable(type_: str, **extra) -> dict:
    return {"type": [type_, "null"], **extra}


class ActivityInput(Schema):
    """Tạo: `kind`, `title`, `start`, `end` bắt buộc. Sửa (PATCH): chỉ các trường cần đổi."""

    model_config = ConfigDict(validate_default=True)

    commune_code: Annotated[str | None, _doc(_nullable("string", maxLength=10, description="null = cấp thành phố."))] = None
    agency_code: Annotated[str | None, _doc(_nullable("string", maxLength=16, description=(
        "Cơ quan, đơn vị sở hữu hoạt động (SPEC §13): chỉ BHXH thành phố ghi thay; người dùng cơ quan luôn là "
        "cơ quan mình. Không đi cùng commune_code.")))] = None
    kind: Annotated[str | None, _doc({"type": "string", "enum": sorted(KINDS)})] = None
    title: Annotated[str | None, _doc({"type": "string", "maxLength": MAX_TITLE})] = None
    start: Annotated[datetime | None, _doc({"type": "string", "examples": ["2026-07-01T08:00:00+07:00"],
                                            "description": "ISO 8601; giờ không có múi = Asia/Ho_Chi_Minh."})] = None
    end: Annotated[datetime | None, _doc({"type": "string", "examples": ["2026-07-01T11:00:00+07:00"]})] = None
    venue: Annotated[str | None, _doc(_nullable("string", maxLength=MAX_VENUE))] = None
    organiser: Annotated[str | None, _doc(_nullable("string", maxLength=MAX_ORGANISER))] = None
    status: Annotated[str | None, _doc({"type": "string", "enum": list(STATUSES)})] = None
    cancel_reason: Annotated[str | None, _doc(_nullable("string", maxLength=MAX_REASON))] = None
    partners: Annotated[list[str] | None, _doc({"type": "array", "maxItems": MAX_PARTNERS,
                                                "items": {"type": "string"}})] = None
    audiences: Annotated[list[int] | None, _doc({"type": "array", "items": {"type": "integer", "minimum": 1,
                                                                            "maximum": 6}})] = None
    messages: Annotated[list[int] | None, _doc({"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "description": (
        "Số thông điệp chính thức: 1–19 của kế hoạch (SPEC §8) và những thông điệp thành phố đã thêm.")})] = None
    results: Results | None = None
    links: Annotated[list[str] | None, _doc({"type": "array", "maxItems": MAX_LINKS,
                                             "items": {"type": "string", "format": "uri"}})] = None
    notes: Annotated[str | None, _doc(_nullable("string", maxLength=MAX_NOTES))] = None
    preregistration: Annotated[bool | None, _doc({"type": "boolean", "description": (
        "Cho người dân đăng ký trước và nhận vé QR cá nhân (chỉ loại có điểm danh QR).")})] = None

    MESSAGES = {"kind": "Loại hoạt động không hợp lệ: chọn một trong 14 loại.",
                "status": "Trạng thái không hợp lệ (planned, held, cancelled).",
                "start": "Ngày giờ không hợp lệ (dd/mm/yyyy HH:MM hoặc ISO 8601).",
                "end": "Ngày giờ không hợp lệ (dd/mm/yyyy HH:MM hoặc ISO 8601).",
                "results": "Kết quả phải là một đối tượng {khóa: giá trị}.",
                "commune_code": "Mã đơn vị không hợp lệ.",
                "agency_code": "Mã cơ quan, đơn vị không hợp lệ.",
                "partners": "Phải là một danh sách.", "links": "Phải là một danh sách.",
                "audiences": "Phải là một danh sách số.", "messages": "Phải là một danh sách số."}
    NESTED = frozenset({"results"})
    INVALID = "Dữ liệu hoạt động không hợp lệ."

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, raw):
        if not isinstance(raw, str) or raw not in KINDS:
            raise vi(cls.MESSAGES["kind"])
        return raw

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, raw):
        return _text(raw, "Tiêu đề", MAX_TITLE, required=True)

    @field_validator("venue", "organiser", "notes", mode="before")
    @classmethod
    def _texts(cls, raw, info: ValidationInfo):
        label, limit = {"venue": ("Địa điểm", MAX_VENUE), "organiser": ("Đơn vị chủ trì", MAX_ORGANISER),
                        "notes": ("Ghi chú", MAX_NOTES)}[info.field_name]
        return _text(raw, label, limit)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _moment(cls, raw, info: ValidationInfo):
        label = "thời gian bắt đầu" if info.field_name == "start" else "thời gian kết thúc"
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            raise vi(f"Vui lòng nhập {label}.")
        parsed = parse_datetime(raw, end_of_day=info.field_name == "end")
        if parsed is None:
            raise vi(cls.MESSAGES["start"])
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise vi(f"Năm phải trong khoảng {MIN_YEAR}–{MAX_YEAR}.")
        start = info.data.get("start")
        if info.field_name == "end" and isinstance(start, datetime) and parsed < start:
            raise vi("Thời gian kết thúc phải sau thời gian bắt đầu.")
        return parsed

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, raw):
        status = raw or "planned"
        if status not in STATUSES:
            raise vi(cls.MESSAGES["status"])
        return status

    @field_validator("cancel_reason", mode="before")
    @classmethod
    def _reason(cls, raw, info: ValidationInfo):
        reason = _text(raw, "Lý do hủy", MAX_REASON)
        if info.data.get("status") == "cancelled" and not reason:
            raise vi("Vui lòng nhập lý do hủy.")
        return reason or None

    @field_validator("partners", "links", mode="before")
    @classmethod
    def _lists(cls, raw, info: ValidationInfo):
        items = _str_list(raw)
        most, too_many, good, bad = LIST_RULES[info.field_name]
        if len(items) > most:
            raise vi(too_many)
        if not all(good(item) for item in items):
            raise vi(bad)
        if info.field_name == "partners":  # "báo chí" typed beside the ticked "Báo chí" is one partner
            return list(dict.fromkeys(canonical_partner(p) for p in items))
        return items

    @field_validator("audiences", "messages", mode="before")
    @classmethod
    def _numbers(cls, raw, info: ValidationInfo):
        return _int_list(raw, AUDIENCE_IDS if info.field_name == "audiences" else MESSAGE_IDS)

    @field_validator("preregistration", mode="before")
    @classmethod
    def _preregistration(cls, raw, info: ValidationInfo):
        if raw is None:
            return False
        if not isinstance(raw, bool):
            raise vi("Phải là true hoặc false.")
        kind = info.data.get("kind")
        if raw and kind and kind not in QR_KINDS:
            raise vi("Chỉ hoạt động điểm danh bằng mã QR mới cho đăng ký trước.")
        return raw

    @field_validator("results", mode="before")
    @classmethod
    def _results(cls, raw, info: ValidationInfo):
        kind = info.data.get("kind")
        if kind is None:
            return {}
        results, errors = clean_results(kind, raw or {}, held=info.data.get("status", "planned") == "held")
        if errors:
            raise vi_fields(errors)  # each result's message beside it: `results.consultations`
        return results

    def values(self) -> dict:
        """The model's column values (`start_at`, `end_at`, `evidence_date` …), commune excluded."""
        return {"kind": self.kind, "title": self.title, "venue": self.venue, "organiser": self.organiser,
                "notes": self.notes, "start_at": self.start, "end_at": self.end, "status": self.status,
                "cancel_reason": self.cancel_reason, "partners": self.partners, "audiences": self.audiences,
                "messages": self.messages, "links": self.links, "results": self.results,
                "preregistration": self.preregistration is True,
                "evidence_date": evidence_date(self.kind, self.start.date(), self.results)}


DATETIME = {"type": "string", "format": "date-time"}


class Activity(Answer):
    """An activity as the API gives it: ISO 8601 times with +07:00 offsets, API field names (SPEC §12)."""

    id: int
    commune_code: str | None
    commune_name: str | None
    agency_code: str | None = None
    agency_name: str | None = None
    kind: Annotated[str, _doc({"type": "string", "enum": sorted(KINDS)})]
    kind_label: str
    title: str
    start: Annotated[str, _doc(DATETIME)]
    end: Annotated[str, _doc(DATETIME)]
    evidence_date: Annotated[str, _doc({"type": "string", "format": "date"})]
    venue: str | None = None
    organiser: str | None = None
    status: Annotated[str, _doc({"type": "string", "enum": list(STATUSES)})]
    cancel_reason: str | None = None
    partners: list[str]
    audiences: list[int]
    messages: list[int]
    results: Results
    links: list[str]
    notes: str | None = None
    preregistration: bool = False
    created_at: Annotated[str, _doc(DATETIME)]
    updated_at: Annotated[str, _doc(DATETIME)]
    checkin_url: Annotated[str | None, _doc({"type": "string", "description": "Chỉ với các loại có điểm danh QR."})] = None
    checkins: Annotated[int | None, _doc({"type": "integer", "description": "Số lượt điểm danh (loại có QR)."})] = None
    attendees: Annotated[int | None, _doc({"type": "integer", "description": "Điểm danh + extra_attendees."})] = None
    counted: dict[str, int] = Field(description=(
        "Phần kết quả được đếm, không nhập: `new_bhyt`/`new_bhxh` = người trong danh sách theo dõi đã tham gia (đã "
        "gộp vào `results`); số ghi trong `results` khi gửi lên là số người khác tham gia tại chỗ."))


class ActivityPage(Answer):
    """One page of activities."""

    items: list[Activity]
    page: int
    per_page: int
    total: int
    pages: int
