"""SPEC §5 self check-in by the poster QR: one form, one schema, clear refusals, nothing stored on refusal."""

import re
import subprocess
from datetime import timedelta
from urllib.parse import urlparse

import pytest

from app.models.types import utcnow
from tests.checkin.conftest import PERSON, count
from tests.support import csrf_token, post_form, require_tool

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction


def _form(client, url, **changes):
    data = {**PERSON, **changes}
    data = {k: v for k, v in data.items() if v is not None}
    return post_form(client, url, data)


@pytest.mark.tools
def test_poster_qr_decodes_to_the_checkin_url_and_its_form_creates_one_checkin(
        client, db, make_user, login, make_activity, tmp_path):
    zbarimg = require_tool("zbarimg", "decode the poster QR the app draws")
    activity = make_activity()
    login(make_user("commune"))
    png = client.get(f"/activities/{activity.id}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    (tmp_path / "qr.png").write_bytes(png.data)
    decoded = subprocess.run([zbarimg, "--raw", "-q", str(tmp_path / "qr.png")], capture_output=True, text=True,
                             check=True).stdout.strip()
    assert re.fullmatch(r"http://localhost/c/[A-Za-z0-9_.\-]+", decoded)
    path = urlparse(decoded).path
    public = client.application.test_client()
    response = _form(public, path)
    assert response.status_code == 200
    assert "Cảm ơn Nguyễn Văn An" in response.get_data(as_text=True)
    assert count(db, activity.id) == 1


def test_form_is_one_screen_in_vietnamese_with_consent_citing_decree_13(client, make_activity, token):
    activity = make_activity()
    html = client.get(f"/c/{token(activity)}").get_data(as_text=True)
    for name in ("full_name", "phone", "birth_year", "audience", "residence_code", "bhyt_status", "consent"):
        assert f'name="{name}"' in html
    assert "Nghị định 13/2023/NĐ-CP" in html
    assert '<option selected value="11311">' in html or 'value="11311" selected' in html
    assert '<form method="post"' in html and 'type="submit"' in html  # a plain form: no JavaScript needed


def test_repeat_by_phone_says_already_checked_in_at_and_writes_nothing(client, db, make_activity, token):
    activity = make_activity()
    url = f"/c/{token(activity)}"
    _form(client, url)
    second = _form(client, url, full_name="Người khác")
    assert "Số điện thoại này đã điểm danh lúc" in second.get_data(as_text=True)
    assert count(db, activity.id) == 1


def test_same_form_submitted_twice_gets_the_first_answer(client, db, make_activity, token):
    activity = make_activity()
    url = f"/c/{token(activity)}"
    data = {**PERSON, "nonce": "abc123", "csrf_token": csrf_token(client, url)}
    first = client.post(url, data=data).get_data(as_text=True)
    again = client.post(url, data=data).get_data(as_text=True)
    code = re.search(r"data-short-code>(\w+)<", first).group(1)
    assert "Cảm ơn" in again and code in again
    assert "Cán bộ có thể hỏi mã này" in first  # what the code is for, in one line
    assert count(db, activity.id) == 1


def test_tampered_token_is_refused_clearly(client, db, make_activity, token):
    activity = make_activity()
    bad = token(activity)[:-2] + ("AA" if not token(activity).endswith("AA") else "BB")
    response = client.get(f"/c/{bad}")
    assert response.status_code == 400
    assert 'data-reason="invalid_token"' in response.get_data(as_text=True)
    refused = post_form(client, f"/c/{bad}", PERSON, form_url=f"/c/{token(activity)}")
    assert refused.status_code == 400
    assert count(db) == 0


def test_regenerated_qr_revokes_the_old_one(client, db, make_user, login, make_activity, token):
    activity = make_activity()
    old = token(activity)
    login(make_user("commune"))
    post_form(client, f"/activities/{activity.id}/regenerate-qr", {}, form_url=f"/activities/{activity.id}/attendance")
    response = client.get(f"/c/{old}")
    assert response.status_code == 410
    assert 'data-reason="revoked_token"' in response.get_data(as_text=True)
    db.session.refresh(activity)
    assert client.get(f"/c/{token(activity)}").status_code == 200


@pytest.mark.parametrize("start_delta", [timedelta(hours=3), -timedelta(hours=10)])
def test_outside_window_is_refused_and_nothing_stored(client, db, make_activity, token, start_delta):
    activity = make_activity(start=utcnow() + start_delta, hours=2)
    url = f"/c/{token(activity)}"
    assert "<form" not in client.get(url).get_data(as_text=True)  # the page says so before any field
    # A form opened before the window closed and sent after it (its CSRF token from another page).
    response = post_form(client, url, {k: v for k, v in PERSON.items() if v is not None}, form_url="/login")
    assert response.status_code == 422
    assert 'data-reason="outside_window"' in response.get_data(as_text=True)
    assert count(db) == 0


def test_window_opens_two_hours_before_start(client, db, make_activity, token):
    activity = make_activity(start=utcnow() + timedelta(minutes=110))
    assert "Cảm ơn" in _form(client, f"/c/{token(activity)}").get_data(as_text=True)


@pytest.mark.parametrize("changes, field, message", [
    ({"consent": None}, "consent", "đồng ý"),
    ({"phone": "091234567"}, "phone", "10 chữ số"),
    ({"phone": "09123abc78"}, "phone", "10 chữ số"),
    ({"full_name": "A" * 10_000}, "full_name", "tối đa 120"),
    ({"full_name": "  "}, "full_name", "Vui lòng nhập"),
    ({"birth_year": "1850"}, "birth_year", "1900"),
])
def test_bad_input_gets_a_message_next_to_the_field_and_nothing_stored(client, db, make_activity, token,
                                                                        changes, field, message):
    activity = make_activity()
    html = _form(client, f"/c/{token(activity)}", **changes).get_data(as_text=True)
    error = re.search(rf'data-error-for="{field}">([^<]+)<', html)
    assert error and message in error.group(1), html[-3000:]
    assert count(db) == 0


def test_script_in_a_name_is_escaped_everywhere(client, db, make_user, login, make_activity, token):
    activity = make_activity()
    evil = "<script>alert(1)</script>"
    thanks = _form(client, f"/c/{token(activity)}", full_name=evil).get_data(as_text=True)
    assert evil not in thanks and "&lt;script&gt;" in thanks
    login(make_user("commune"))
    page = client.get(f"/activities/{activity.id}/attendance").get_data(as_text=True)
    assert evil not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    csv = client.get(f"/activities/{activity.id}/attendance.csv").get_data(as_text=True)
    assert evil in csv  # a CSV is data, not HTML; formulas are neutralised instead
    data = client.get(f"/activities/{activity.id}/scanner").get_data(as_text=True)
    assert evil not in data


def test_rate_limit_answers_a_friendly_vietnamese_page(app, db, make_activity, token):
    """Tests run with RATELIMIT_ENABLED False; a second app with it on proves the 429 page."""
    from app import create_app
    from app.extensions import limiter
    from tests.support import IsolatedClient

    activity = make_activity()
    url = f"/c/{token(activity)}"
    limited = create_app("testing", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://")
    limited.test_client_class = IsolatedClient
    client = limited.test_client()
    try:
        statuses = [_form(client, url, phone=f"09{i:08d}").status_code for i in range(20)]
        last = _form(client, url, phone="0999999999")
    finally:
        limiter.reset()
        limiter.enabled = False  # the shared extension object: leave it as the other tests expect
        with limited.app_context():
            db.engine.dispose()
    assert statuses == [200] * 20
    assert last.status_code == 429
    assert "Vui lòng chờ khoảng một phút" in last.get_data(as_text=True)
    assert count(db, activity.id) == 20
