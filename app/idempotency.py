"""One-time form tokens (issue 22 item 7): a POST that creates rows, sent twice — a double click, two tabs, a
retry after a dropped connection — stores them once, and both requests get the first one's answer.

Each such form carries a random `form_token` (OnceForm, or `form_token()` in a template); an API call that
creates rows may send an `Idempotency-Key` header (`api_key_token`), which plays the same part. The view runs its creation through `submit_once`: the
token is written (`form_submissions`, unique) in the same transaction as the rows it created, so of two
concurrent submissions exactly one commits; the other rolls back all its rows and is sent where the first went.
"""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime

from flask import request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import HiddenField

from app.errors import json_error
from app.extensions import db
from app.forms import BaseForm
from app.models.idempotency import FormSubmission

TOKEN_MAX = 64
ALREADY_SENT = "Biểu mẫu này đã được gửi trước đó: nội dung đã được ghi nhận một lần."


API_KEY_MAX = 200


class BadIdempotencyKey(Exception):
    """An `Idempotency-Key` header that is not 1–200 printable ASCII characters (a 422 naming the header)."""


def api_key_token(user_id: int, key: str | None) -> str | None:
    """The form token of an API call's `Idempotency-Key` header, namespaced by the caller (two clients choosing
    the same key never meet); None without a header."""
    if key is None:
        return None
    if not 1 <= len(key) <= API_KEY_MAX or not key.isascii() or not key.isprintable():
        raise BadIdempotencyKey(f"Idempotency-Key: 1–{API_KEY_MAX} ký tự ASCII in được.")
    return hashlib.sha256(f"api:{user_id}:{key}".encode()).hexdigest()


def bad_idempotency_key(exc: BadIdempotencyKey):
    """The API's 422 for a bad `Idempotency-Key` header."""
    return json_error(422, "Idempotency-Key không hợp lệ.", {"Idempotency-Key": str(exc)})


def api_submit_once(user_id: int, endpoint: str, now: datetime, create: Callable[[], str]) -> tuple[str, bool]:
    """`submit_once` for an API call, keyed by its `Idempotency-Key` header (without one: unguarded);
    `create` returns the id of what it made, which a repeat gets back. BadIdempotencyKey for a bad header."""
    token = api_key_token(user_id, request.headers.get("Idempotency-Key"))
    return submit_once(token, endpoint, user_id, now, create)


def new_form_token() -> str:
    """A fresh one-time token for a form about to be shown."""
    return secrets.token_urlsafe(24)


class OnceForm(BaseForm):
    """A form whose submission creates rows: it carries a one-time token (rendered by `hidden_tag()`)."""

    form_token = HiddenField(default=new_form_token)


def _valid(token: str | None) -> str | None:
    token = (token or "").strip()
    return token if 16 <= len(token) <= TOKEN_MAX and token.isascii() else None


def earlier_result(token: str | None) -> str | None:
    """Where the first submission with this token went, or None."""
    token = _valid(token)
    if token is None:
        return None
    return db.session.scalar(select(FormSubmission.result_url).where(FormSubmission.token == token))


def submit_once(token: str | None, endpoint: str, user_id: int | None, now: datetime,
                create: Callable[[], str]) -> tuple[str, bool]:
    """Run `create` (it adds rows and returns the URL to go to) once per token, and commit; returns
    (url, replayed). A request without a valid token runs `create` unguarded (old forms, scripts)."""
    token = _valid(token)
    earlier = earlier_result(token)
    if earlier is not None:
        return earlier, True
    url = create()
    if token is not None:
        db.session.add(FormSubmission(token=token, endpoint=endpoint[:64], user_id=user_id, result_url=url[:300],
                                      created_at=now))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()  # our rows go with our token: the other submission stored them already
        earlier = earlier_result(token)
        if earlier is None:
            raise
        return earlier, True
    return url, False
