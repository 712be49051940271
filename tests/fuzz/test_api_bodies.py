"""Fuzz every API body (SPEC §12: "never a 500 for bad input"): arbitrary JSON into POST/PATCH activities and
campaign reports — the answer is never a 5xx, and a refused request (4xx) leaves every table as it was."""

import json
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.activities.validation import FIELDS
from app.formatting import TZ
from tests.fuzz.conftest import FUZZ, JUNK, NASTY, TEXT, Tally, row_counts

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction

VALID = {"commune_code": "11311", "kind": "fair", "title": "Ngày hội BHYT", "status": "planned",
         "start": "2026-07-01T08:00:00+07:00", "end": "2026-07-01T11:00:00+07:00", "venue": "Nhà văn hóa",
         "partners": ["UBND xã"], "audiences": [1, 2], "messages": [3], "results": {"consultations": 5},
         "links": ["https://bhxh.gov.vn"]}
PLAUSIBLE = {
    "commune_code": st.sampled_from(["11311", "11948", "99999", "", "city", None]),
    "kind": st.sampled_from(["fair", "radio", "advisory", "online_post", "review", "livestream", "FAIR", ""]),
    "status": st.sampled_from(["planned", "held", "cancelled", "done", ""]),
    "start": st.sampled_from(["2026-07-01T08:00:00+07:00", "2026-07-01 08:00", "01/07/2026 08:00", "2026-07-01",
                              "1900-01-01T00:00", "2026-07-01T08:00:00Z"]),
    "results": st.dictionaries(st.sampled_from(["consultations", "extra_attendees", "url", "urls", "broadcasts",
                                                "doc_date", "doc_number", "at_risk", "x"]), JUNK, max_size=4),
}
FIELD_VALUE = st.one_of(JUNK, NASTY, *PLAUSIBLE.values())
# A valid body with some fields replaced by junk; arbitrary objects; any JSON at all; bytes that are not JSON.
BODIES = st.one_of(
    st.builds(lambda patch: {**VALID, **patch},
              st.dictionaries(st.sampled_from([*FIELDS, "id", "created_at", "__proto__"]), FIELD_VALUE,
                              min_size=1, max_size=5)),
    st.dictionaries(st.sampled_from([*FIELDS, "zzz"]), FIELD_VALUE, max_size=8),
    JUNK,
)
RAW = st.one_of(st.binary(max_size=64), st.sampled_from([b"", b"{", b"[1,", b'{"title": NaN}', b"\xff\xfe{}",
                                                         b'{"a":' * 5000, b"null", b'"string"', b"1e999999",
                                                         b'{"title": "x", "audiences": [' + b"9" * 5000 + b"]}",
                                                         b'{"title": "\\ud83d", "partners": ["\\udfff"]}']))


def _send(client, method, url, headers, body):
    """Send a JSON value (NaN/Infinity as Python's json emits them) or raw bytes."""
    data = body if isinstance(body, bytes) else json.dumps(body)
    return getattr(client, method)(url, data=data, headers=headers, content_type="application/json")


def _assert_safe(response, before, target):
    assert response.status_code < 500, (target, response.status_code, response.get_data(as_text=True)[:300])
    if response.status_code >= 400:
        assert response.is_json and set(response.get_json()["error"]) == {"code", "message", "fields"}
        assert row_counts() == before, (target, response.status_code, "a refused request wrote rows")


@pytest.fixture
def admin(make_user):
    return make_user("admin", username="fuzz_admin")


@pytest.fixture
def activity_id(db, admin):
    from app.activities import services

    activity = services.create_activity(VALID, admin, datetime(2026, 6, 1, 9, 0, tzinfo=TZ))
    db.session.commit()
    return activity.id


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin", "commune"])
def test_post_activities_with_any_body(client, db, make_user, api_token, role):
    headers = api_token(make_user(role, username=f"fuzz_{role}"))

    @FUZZ
    @given(body=st.one_of(BODIES, RAW))
    def run(body):
        Tally.add(f"POST /api/v1/activities ({role})")
        before = row_counts()
        response = _send(client, "post", "/api/v1/activities", headers, body)
        _assert_safe(response, before, "POST /activities")
        if response.status_code == 201:
            assert response.get_json()["id"] > 0
        again = _send(client, "post", "/api/v1/activities", headers, body)  # the repeated submit
        assert again.status_code < 500, (body, again.status_code)

    run()


@pytest.mark.slow
def test_patch_activity_with_any_body(client, db, admin, api_token, activity_id):
    headers = api_token(admin)
    url = f"/api/v1/activities/{activity_id}"

    @FUZZ
    @given(body=st.one_of(BODIES, RAW))
    def run(body):
        Tally.add("PATCH /api/v1/activities/<id>")
        before, shown = row_counts(), client.get(url, headers=headers).get_json()
        response = _send(client, "patch", url, headers, body)
        _assert_safe(response, before, "PATCH /activities/<id>")
        if response.status_code >= 400:
            assert client.get(url, headers=headers).get_json() == shown, "a refused PATCH changed the activity"

    run()


@pytest.mark.slow
def test_list_activities_with_any_query(client, db, admin, api_token, activity_id):
    headers = api_token(admin)
    names = st.sampled_from(["commune", "kind", "status", "from", "to", "campaign", "page", "per_page", "x"])

    @FUZZ
    # A URL cannot carry a lone surrogate (it is bytes, percent-encoded): the test client would refuse to build it.
    @given(query=st.dictionaries(names, TEXT.filter(lambda t: not any("\ud800" <= c <= "\udfff" for c in t)),
                                 max_size=5))
    def run(query):
        Tally.add("GET /api/v1/activities?…")
        response = client.get("/api/v1/activities", query_string=query, headers=headers)
        assert response.status_code in (200, 400, 422), (query, response.status_code)

    run()


@pytest.mark.slow
@pytest.mark.parametrize("role", ["admin", "commune"])
def test_submit_campaign_report_with_any_body(client, db, make_user, api_token, role):
    headers = api_token(make_user(role, username=f"fuzz_{role}"))
    report = st.builds(lambda patch: {"commune_code": "11311", **patch},
                       st.dictionaries(st.sampled_from(["commune_code", "submitted_on", "note", "source"]),
                                       st.one_of(JUNK, st.sampled_from(["2026-06-30", "2099-01-01", "11948"])),
                                       max_size=3))

    @FUZZ
    @given(body=st.one_of(report, JUNK, RAW), slug=st.sampled_from(["bhyt-day-2026", "bhyt-day-2026", "x" * 300]))
    def run(body, slug):
        Tally.add(f"POST /api/v1/campaigns/<slug>/reports ({role})")
        before = row_counts()
        response = _send(client, "post", f"/api/v1/campaigns/{slug}/reports", headers, body)
        _assert_safe(response, before, "POST /campaigns/<slug>/reports")
        after = row_counts()
        again = _send(client, "post", f"/api/v1/campaigns/{slug}/reports", headers, body)  # the double click
        assert again.status_code < 500, (body, again.status_code)
        assert row_counts()["report_submissions"] == after["report_submissions"], "a repeat stored a second report"

    run()


@pytest.mark.parametrize("raw", [b'{"a":' * 5000 + b"1" + b"}" * 5000, b"[" * 100_000, b'{"title": NaN}',
                                 b'{"results": {"consultations": Infinity}}', b"-Infinity"])
def test_deeply_nested_or_non_standard_json_is_a_400_not_a_500(client, admin, api_token, raw):
    """Found by the fuzzer: 5 000 nested objects raised RecursionError (a 500); NaN/Infinity are not JSON."""
    headers = api_token(admin)
    before = row_counts()
    response = client.post("/api/v1/activities", data=raw, headers=headers, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"
    assert row_counts() == before
