"""Check-in payloads (SPEC §5, §12): the one person schema of every path, a scanned ticket, a registration pick.

`Person` validates the public forms (`/c/<token>`, `/r/<token>`), the walk-in form, every row of an import and
the API's JSON alike: the forms post the API's field names. Form text is converted (lax mode): "1980" is a
year, a ticked box ("y", "on", "1") is consent. Whether the commune of residence exists is the service's check.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import ConfigDict, Field, ValidationInfo, WithJsonSchema, field_validator

from app.models.checkins import BHYT_STATUSES
from app.routing import MAX_ID
from app.schemas.base import Answer, Schema, optional_text, vi

NAME_MAX = 120
TOPICS_MAX = 500
NONCE_MAX = 64
PHONE_JUNK = re.compile(r"[\s.\-()]")
PHONE_MESSAGE = "Số điện thoại gồm 10 chữ số, bắt đầu bằng 0."
NONCE_MESSAGE = f"nonce là chuỗi tối đa {NONCE_MAX} ký tự."
NONCE_DOC = WithJsonSchema({"type": "string", "maxLength": NONCE_MAX,
                            "description": "Do máy gửi chọn; gửi lại cùng nonce được trả lời như lần đầu."})


def normalise_phone(raw) -> tuple[str | None, str | None]:
    """(10 digits starting with 0, None), (None, None) when empty, or (None, error message)."""
    if raw is None:
        return None, None
    text = PHONE_JUNK.sub("", str(raw))
    if not text:
        return None, None
    if text.startswith("+84"):
        text = "0" + text[3:]
    elif text.startswith("84") and len(text) == 11:
        text = "0" + text[2:]
    if not text.isascii() or not text.isdigit() or len(text) != 10 or not text.startswith("0"):
        return None, PHONE_MESSAGE
    return text, None


def clean_nonce(nonce) -> str | None:
    """A client nonce is an opaque string of at most 64 characters; empty is none. ValueError otherwise."""
    if nonce is None or nonce == "":
        return None
    if not isinstance(nonce, str) or len(nonce) > NONCE_MAX:
        raise ValueError(NONCE_MESSAGE)
    return nonce


def _whole(raw):
    """An int from JSON or form text; None when empty; ValueError when not a whole number."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and raw.strip().isdigit():
        return int(raw.strip())
    raise ValueError


def _ticked(raw) -> bool:
    """Consent: JSON true, or a ticked checkbox ("y", "on", "1", "true")."""
    if isinstance(raw, bool):
        return raw
    return isinstance(raw, str | int) and str(raw).strip().lower() in ("y", "yes", "on", "1", "true")


def name_key(name: str) -> str:
    """Lower-case, unaccented, single-spaced name for search (đ → d)."""
    text = unicodedata.normalize("NFD", name.replace("đ", "d").replace("Đ", "D"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return " ".join(text.lower().split())[:NAME_MAX]


def _nullable(type_: str, **extra) -> WithJsonSchema:
    return WithJsonSchema({"type": [type_, "null"], **extra})


class _WithNonce(Schema):
    nonce: Annotated[str | None, NONCE_DOC] = None

    @field_validator("nonce", mode="before")
    @classmethod
    def _nonce(cls, raw):
        try:
            return clean_nonce(raw)
        except ValueError:
            raise vi(NONCE_MESSAGE) from None


class Person(_WithNonce):
    """One person checking in or registering: a name and consent required, the rest optional (SPEC §5)."""

    # The forms post more than the person (csrf_token, the submit button): ignored, as the JSON's extras are.
    model_config = ConfigDict(extra="ignore", validate_default=True,
                              json_schema_extra={"required": ["full_name", "consent"]})

    full_name: Annotated[str, WithJsonSchema({"type": "string", "minLength": 1, "maxLength": 200})] = ""
    phone: Annotated[str | None, _nullable("string", pattern="^0[0-9]{9}$")] = None
    birth_year: Annotated[int | None, _nullable("integer", minimum=1900, maximum=2100)] = None
    audience: Annotated[int | None, _nullable("integer", minimum=1, maximum=6)] = None
    residence_code: Annotated[str | None, _nullable("string", maxLength=10,
                                                    description="Mã xã; mặc định: xã của hoạt động.")] = None
    bhyt_status: Annotated[str | None, _nullable("string", enum=[*BHYT_STATUSES, None])] = None
    topics: Annotated[str, _nullable("string", maxLength=TOPICS_MAX)] = ""
    consent: Annotated[bool, WithJsonSchema({"type": "boolean", "const": True, "description":
                                             "Đồng ý xử lý dữ liệu cá nhân (Nghị định 13/2023/NĐ-CP)."})] = False

    @field_validator("full_name", mode="before")
    @classmethod
    def _name(cls, raw):
        name = " ".join(raw.split()) if isinstance(raw, str) else ""
        if not name:
            raise vi("Vui lòng nhập họ và tên.")
        if len(name) > NAME_MAX:
            raise vi(f"Họ và tên tối đa {NAME_MAX} ký tự.")
        return unicodedata.normalize("NFC", name)

    @field_validator("phone", mode="before")
    @classmethod
    def _phone(cls, raw):
        phone, error = normalise_phone(raw)
        if error:
            raise vi(error)
        return phone

    @field_validator("birth_year", mode="before")
    @classmethod
    def _year(cls, raw, info: ValidationInfo):
        year_now = (info.context or {}).get("year", 2100)
        try:
            year = _whole(raw)
            if year is not None and not 1900 <= year <= year_now:
                raise ValueError
        except ValueError:
            raise vi(f"Năm sinh là một năm từ 1900 đến {year_now}.") from None
        return year

    @field_validator("audience", mode="before")
    @classmethod
    def _audience(cls, raw):
        try:
            audience = _whole(raw)
            if audience is not None and not 1 <= audience <= 6:
                raise ValueError
        except ValueError:
            raise vi("Nhóm đối tượng là một số từ 1 đến 6.") from None
        return audience

    @field_validator("residence_code", mode="before")
    @classmethod
    def _residence(cls, raw):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        return str(raw).strip()[:5]

    @field_validator("bhyt_status", mode="before")
    @classmethod
    def _bhyt(cls, raw):
        status = raw or None
        if status is not None and status not in BHYT_STATUSES:
            raise vi("Tình trạng thẻ BHYT: valid, none hoặc expired.")
        return status

    @field_validator("topics", mode="before")
    @classmethod
    def _topics(cls, raw):
        return optional_text(raw, TOPICS_MAX, f"Nội dung cần tư vấn tối đa {TOPICS_MAX} ký tự.").strip()

    @field_validator("consent", mode="before")
    @classmethod
    def _consent(cls, raw):
        return _ticked(raw)

    def values(self, residence_commune_id: int | None) -> dict:
        """The person's columns of a check-in or a registration."""
        return {"full_name": self.full_name, "phone": self.phone, "birth_year": self.birth_year,
                "audience": self.audience, "residence_commune_id": residence_commune_id,
                "bhyt_status": self.bhyt_status, "topics": self.topics, "consent": self.consent,
                "name_key": name_key(self.full_name)}


class Ticket(_WithNonce):
    """A personal ticket scanned at the door (the text of its QR)."""

    ticket: str


class RegistrationPick(_WithNonce):
    """A pre-registered person picked from the scanner's search."""

    registration_id: Annotated[int, Field(ge=1, le=MAX_ID), WithJsonSchema({"type": "integer", "minimum": 1,
                                                                           "maximum": MAX_ID})]


CHECKIN_INPUT = ("CheckInInput", "Một người tự khai (SPEC §5) hoặc một vé cá nhân đã quét (`ticket`); "
                 "`nonce` chống gửi lặp.", (Person, Ticket, RegistrationPick))


class CheckIn(Answer):
    """Một lượt điểm danh. Người xem (viewer) không thấy dữ liệu cá nhân: chỉ id, giờ, nhóm, nơi cư trú."""

    id: int
    checked_in_at: Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
    full_name: str | None = None
    phone: Annotated[str | None, _nullable("string", description="Che số (09xx xxx 123) trừ xã tổ chức và "
                                                                 "thành phố.")] = None
    birth_year: int | None = None
    audience: int | None = None
    residence_code: str | None = None
    bhyt_status: str | None = None
    source: Annotated[str | None, WithJsonSchema({"type": "string",
                                                  "enum": ["self", "ticket", "staff", "import"]})] = None
    code: Annotated[str | None, WithJsonSchema({"type": "string",
                                                "description": "Mã ngắn in trên trang cảm ơn."})] = None
    first_time: Annotated[str | None, WithJsonSchema({"type": "string",
                                                      "description": "HH:MM lần điểm danh đầu tiên."})] = None
    message: Annotated[str | None, WithJsonSchema({"type": "string"})] = None
    duplicate: Annotated[bool | None, WithJsonSchema({"type": "boolean",
                                                      "description": "true khi đã điểm danh trước đó."})] = None
    rating_token: Annotated[str | None, WithJsonSchema({"type": "string", "description":
                                                        "Mã để người dân đánh giá lượt điểm danh này (POST /ratings)."})] = None
