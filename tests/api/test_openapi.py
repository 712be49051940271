"""The OpenAPI 3.1 document: valid, public, and in step with the URL map (every /api/v1 route documented)."""

import json
import re

from openapi_spec_validator import OpenAPIV31SpecValidator

from app.api.docs import PENDING
from app.api.openapi import build_document

METHODS = {"get", "post", "put", "patch", "delete"}
SCHEMA_NAMES = {"Error", "Activity", "ActivityInput", "Commune", "Campaign", "Compliance", "Submission",
                "Notification", "CheckInInput"}


def _rule_to_path(rule: str) -> str:
    """`/api/v1/activities/<int:activity_id>` → `/activities/{activity_id}`."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.removeprefix("/api/v1"))


def _routes(app) -> set[tuple[str, str]]:
    return {(_rule_to_path(rule.rule), method.lower())
            for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
            for method in rule.methods & {m.upper() for m in METHODS}}


def test_document_is_served_without_a_token_and_is_valid_openapi_3_1(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document = response.get_json()
    assert document["openapi"].startswith("3.1")
    OpenAPIV31SpecValidator(document).validate()  # raises on the first error
    assert list(OpenAPIV31SpecValidator(document).iter_errors()) == []


def test_document_has_the_reusable_schemas_and_bearer_auth():
    document = build_document()
    assert SCHEMA_NAMES <= set(document["components"]["schemas"])
    bearer = document["components"]["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")
    assert document["security"] == [{"bearerAuth": []}]
    error = document["components"]["schemas"]["Error"]["properties"]["error"]
    assert error["required"] == ["code", "message", "fields"]
    person = document["components"]["schemas"]["CheckInInput"]["oneOf"][0]["properties"]
    assert {"full_name", "phone", "birth_year", "audience", "residence_code", "bhyt_status", "consent",
            "nonce"} <= set(person)
    assert "ticket" in document["components"]["schemas"]["CheckInInput"]["oneOf"][1]["properties"]


def test_every_api_route_is_documented(app):
    document = build_document()
    documented = {(path, method) for path, item in document["paths"].items() for method in item if method in METHODS}
    missing = sorted(_routes(app) - documented)
    assert missing == [], f"document these in app/api/openapi.py: {missing}"


def test_every_documented_operation_exists_unless_marked_pending(app):
    document = build_document()
    routes = _routes(app)
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS:
                continue
            if operation.get(PENDING):
                continue
            assert (path, method) in routes, f"{method.upper()} {path} is documented but not served"


def test_every_spec_12_operation_is_served_and_nothing_is_pending(app):
    """SPEC §12's check-in and PDF operations are served, documented, and none is marked pending."""
    routes = _routes(app)
    pending = {(path, method) for path, item in build_document()["paths"].items()
               for method, op in item.items() if method in METHODS and op.get(PENDING)}
    assert pending == set(), "these are served now: drop x-lantoa-pending"
    assert {("/activities/{activity_id}/checkins", "post"), ("/activities/{activity_id}/checkins", "get"),
            ("/activities/{activity_id}/qr.{fmt}", "get"), ("/activities/{activity_id}/attendance.pdf", "get"),
            ("/activities/{activity_id}/report.pdf", "get"), ("/activities/{activity_id}/poster.pdf", "get"),
            ("/campaigns/{slug}/reports/{code}.pdf", "get")} <= routes


def test_every_operation_documents_401_and_its_error_shape():
    document = build_document()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in METHODS or operation.get("security") == []:
                continue
            assert "401" in operation["responses"], (method, path)
            for status, answer in operation["responses"].items():
                if status.startswith("4"):
                    assert answer["$ref"].startswith("#/components/responses/"), (method, path, status)


def test_every_schema_reference_resolves_to_a_component_generated_from_a_declaration():
    """The components come from the pydantic models of app/schemas/ (named in `operation`), none written by hand:
    every `$ref` names one, and each names a model the document's operations mention."""
    from app.api.docs import MODELS, ONE_OFS
    from app.schemas import component_name

    document = build_document()
    schemas = document["components"]["schemas"]
    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)))
    assert refs - set(schemas) == set()
    declared = {component_name(m) for m in MODELS} | set(ONE_OFS) | {"Error"}
    assert declared <= set(schemas)
    assert {"Task", "Agency", "Plan", "TaskSubmission", "TaskSubmissionInput", "Question", "Rating", "CommuneTarget",
            "EmulationStanding", "CampaignCopyIn"} <= declared
