"""The base of every payload declaration: Vietnamese per-field messages and the API's error shape.

A payload is a pydantic model (`Schema`). `Schema.parse(data)` validates a JSON body or a form's dict in lax
mode (form strings such as "1980" or "y" become numbers and booleans) and raises `Invalid` with one Vietnamese
message per field; `Invalid.body()` is the API's `{"error": {"code", "message", "fields"}}`.

Where a message comes from, first match wins:
1. a validator of the model raised `vi("…")` — the message is written where the rule is;
2. the model's `MESSAGES[field]` — one message for any error of that field (wrong type, too long, …);
3. `GENERIC[error type]` below (a missing required field, an unknown field, …).
"""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic_core import PydanticCustomError

OWN = "lantoa"  # the error type of a message raised by one of our validators
OWN_FIELDS = "lantoa_fields"  # … and of several messages, one per key of a mapping field
GENERIC = {
    "missing": "Bắt buộc.",
    "extra_forbidden": "Trường này không được hỗ trợ.",
    "model_type": "Cần một đối tượng JSON.",
    "model_attributes_type": "Cần một đối tượng JSON.",
    "dict_type": "Cần một đối tượng JSON.",
    "list_type": "Phải là một danh sách.",
    "string_type": "Phải là chuỗi ký tự.",
    "int_type": "Phải là một số nguyên.",
    "int_parsing": "Phải là một số nguyên.",
    "bool_type": "Phải là true hoặc false.",
    "bool_parsing": "Phải là true hoặc false.",
    "literal_error": "Giá trị không nằm trong danh sách cho phép.",
    "enum": "Giá trị không nằm trong danh sách cho phép.",
    "date_from_datetime_parsing": "Ngày không hợp lệ (YYYY-MM-DD).",
    "date_parsing": "Ngày không hợp lệ (YYYY-MM-DD).",
    "date_type": "Ngày không hợp lệ (YYYY-MM-DD).",
}
FALLBACK = "Giá trị không hợp lệ."
INVALID_MESSAGE = "Dữ liệu không hợp lệ."


def vi(message: str) -> PydanticCustomError:
    """The error a validator raises to show `message` (Vietnamese) next to its field."""
    return PydanticCustomError(OWN, message)


def vi_fields(messages: dict[str, str]) -> PydanticCustomError:
    """The error a validator of a mapping field raises for several keys at once (`{key: message}`); the key
    named like the field itself stands for the whole field."""
    return PydanticCustomError(OWN_FIELDS, "; ".join(messages.values()), {"fields": messages})


def optional_text(raw, limit: int, message: str) -> str:
    """Text of at most `limit` characters, "" when absent; `message` otherwise."""
    text = raw or ""
    if not isinstance(text, str) or len(text) > limit:
        raise vi(message)
    return text


class Invalid(Exception):
    """A payload failed validation: `fields` maps each field (dotted for nested ones) to its Vietnamese message."""

    status = 422

    def __init__(self, fields: dict[str, str], message: str = INVALID_MESSAGE, code: str = "invalid"):
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()) or message)
        self.fields, self.message, self.code = fields, message, code

    def body(self) -> dict:
        """The API's error shape."""
        return {"error": {"code": self.code, "message": self.message, "fields": self.fields}}


def _location(loc: tuple, nested: frozenset[str]) -> str:
    """`("results", "views")` → "results.views" for a field whose keys are named; list positions are dropped."""
    names = [str(part) for part in loc if not isinstance(part, int)]
    if not names:
        return "_"
    return ".".join(names[:2]) if names[0] in nested else names[0]


def messages_of(error: ValidationError, messages: dict[str, str], nested: frozenset[str] = frozenset()) -> dict:
    """{field: Vietnamese message} of a pydantic ValidationError, the first error of each field."""
    fields: dict[str, str] = {}
    for item in error.errors(include_url=False, include_input=False):
        name = _location(item["loc"], nested)
        if item["type"] == OWN_FIELDS:
            for key, message in item["ctx"]["fields"].items():
                fields.setdefault(name if key == name else f"{name}.{key}", message)
            continue
        if name in fields:
            continue
        if item["type"] == OWN:
            fields[name] = item["msg"]
        else:
            fields[name] = messages.get(name) or GENERIC.get(item["type"], FALLBACK)
    return fields


class Schema(BaseModel):
    """A payload: unknown fields refused, lax conversion of form strings, Vietnamese messages (module docstring)."""

    model_config = ConfigDict(extra="forbid", str_max_length=100_000, validate_default=False)

    MESSAGES: ClassVar[dict[str, str]] = {}
    NESTED: ClassVar[frozenset[str]] = frozenset()  # fields whose errors are reported per key (`results.views`)
    INVALID: ClassVar[str] = INVALID_MESSAGE  # the message of the whole answer

    @classmethod
    def parse(cls, data, **context) -> Self:
        """The validated payload, or `Invalid` with one Vietnamese message per field."""
        if not isinstance(data, dict):
            raise Invalid({"_": GENERIC["dict_type"]}, "Nội dung phải là một đối tượng JSON.")
        try:
            return cls.model_validate(data, context=context or None)
        except ValidationError as error:
            raise Invalid(messages_of(error, cls.MESSAGES, cls.NESTED), cls.INVALID) from None

    @classmethod
    def errors_of(cls, data, **context) -> tuple[Self | None, dict[str, str]]:
        """(payload, {}) or (None, {field: message}) — for callers that add their own checks to the same dict."""
        try:
            return cls.parse(data, **context), {}
        except Invalid as invalid:
            return None, dict(invalid.fields)


class Answer(BaseModel):
    """An answer of the API, declared for its documentation (the views build it; Schemathesis checks it)."""

    model_config = ConfigDict(extra="allow")
