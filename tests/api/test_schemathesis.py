"""Schemathesis against the app in-process (WSGI): every documented operation, positive and negative data,
as an admin with a valid token — never a 5xx, and every answer matches the documented status codes and schemas.

Schemathesis' own pytest plugin (`schema.parametrize()`) trips on pytest 9's node ids, so each operation is
a plain parametrized test driving `operation.as_strategy()` with Hypothesis; the checks are Schemathesis' own.
"""

from datetime import datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from app.api.docs import PENDING
from app.api.openapi import build_document
from app.formatting import TZ
from tests.fuzz.conftest import NASTY

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction

MAX_EXAMPLES = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
SETTINGS = settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                           HealthCheck.data_too_large])
GOOD_ACTIVITY = {"commune_code": "11311", "kind": "fair", "title": "Ngày hội BHYT", "status": "planned",
                 "start": "2026-07-01T08:00:00+07:00", "end": "2026-07-01T11:00:00+07:00"}
# Bodies the generator would rarely hit by chance (business rules beyond the schema), so the 201s run too.
GOOD = {
    "POST /activities": {"body": GOOD_ACTIVITY},
    "PATCH /activities/{activity_id}": {"body": {"title": "Đổi tên", "venue": "Nhà văn hóa"}},
    "POST /campaigns/{slug}/reports": {"path_parameters": {"slug": "bhyt-day-2026"},
                                       "body": {"commune_code": "11311", "note": "Nộp qua API"}},
}
LABELS = sorted(f"{method.upper()} {path}" for path, item in build_document()["paths"].items()
                for method, op in item.items() if isinstance(op, dict) and "responses" in op and not op.get(PENDING))


def _encodable(text: str) -> bool:
    """Schemathesis revalidates a changed body with jsonschema_rs, which cannot hold a lone surrogate; those go to
    every JSON endpoint in tests/hardening/test_bad_unicode.py instead."""
    return not any("\ud800" <= c <= "\udfff" for c in text)


def _with_nasty(body, nasty: str):
    """The body with its first text value (at any depth) spoiled by `nasty`."""
    if isinstance(body, str):
        return body + nasty
    if isinstance(body, dict):
        for key, value in body.items():
            spoiled = _with_nasty(value, nasty)
            if spoiled is not value:
                return {**body, key: spoiled}
    if isinstance(body, list):
        for i, value in enumerate(body):
            spoiled = _with_nasty(value, nasty)
            if spoiled is not value:
                return [*body[:i], spoiled, *body[i + 1:]]
    return body


def _real_activity_id(db, admin) -> int:
    """An activity that exists now (fuzzed DELETEs remove it; make another)."""
    from app.activities import services
    from app.models import Activity

    existing = db.session.scalar(db.select(Activity.id).order_by(Activity.id).limit(1))
    if existing:
        return existing
    activity = services.create_activity(GOOD_ACTIVITY, admin, datetime(2026, 6, 1, 9, 0, tzinfo=TZ))
    db.session.commit()
    return activity.id


@pytest.mark.slow
@pytest.mark.parametrize("label", LABELS)
def test_api_never_fails_and_answers_as_documented(label, app, db, make_user, api_token):
    """Half the generated ids are swapped for a real activity / campaign / commune so the happy paths run too."""
    admin = make_user("admin", username="schemathesis_admin")
    # Answers are compressed when the client accepts it (issue 16); Schemathesis' WSGI client does not decode them.
    headers = {**api_token(admin), "Accept-Encoding": "identity"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operation = schema.find_operation_by_label(label)
    assert operation is not None, label
    ran = {"n": 0}
    strategies = [operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)]
    if label in GOOD:
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, **GOOD[label]))
    strategy = st.one_of(strategies)

    @SETTINGS
    @given(case=strategy, real=st.booleans(), nasty=st.one_of(st.none(), NASTY.filter(_encodable)))
    def run(case, real, nasty):
        ran["n"] += 1
        if nasty is not None:  # issue 22: a lone surrogate, a control character or "²" in a generated text
            case.body = _with_nasty(case.body, nasty)
        params = case.path_parameters
        if real and params:
            if "activity_id" in params:
                params["activity_id"] = _real_activity_id(db, admin)
            if "slug" in params:
                params["slug"] = "bhyt-day-2026"
            if "code" in params:
                params["code"] = "11311"
        db.session.rollback()
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        ran.setdefault(response.status_code, 0)
        ran[response.status_code] += 1

    run()
    print(f"{label}: {ran}")
