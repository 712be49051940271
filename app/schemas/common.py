"""Payloads every feature shares: the error answer, communes, notifications."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field, WithJsonSchema

from app.schemas.base import Answer


class ErrorDetail(Answer):
    """What went wrong."""

    INLINE: ClassVar[bool] = True  # written inside `Error`, not a component of its own

    code: str = Field(examples=["invalid", "not_found", "already_submitted"])
    message: str = Field(description="Thông báo tiếng Việt.")
    fields: dict[str, str] = Field(description="Lỗi theo từng trường (tên trường → thông báo).")


class Error(Answer):
    """Every error of the API: `{"error": {"code", "message", "fields"}}`."""

    error: ErrorDetail


class Commune(Answer):
    """A commune-level unit of the city (phường, xã, đặc khu)."""

    code: str
    name: str
    kind: str


class Notification(Answer):
    """An in-app notification of the caller."""

    id: int
    kind: str
    text: str
    link: str | None
    created_at: Annotated[str, WithJsonSchema({"type": "string", "format": "date-time"})]
    read_at: Annotated[str | None, WithJsonSchema({"type": ["string", "null"], "format": "date-time"})]
