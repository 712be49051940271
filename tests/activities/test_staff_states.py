"""Honest states on staff and public pages (issue 15 item 3): pre-registration switch, check-in window,
the warning when a printed QR would point at this machine; readable history; dd/mm/yyyy inputs."""

import re
from datetime import timedelta
from urllib.parse import urlparse

import pytest
from sqlalchemy import select

from app.checkin.links import checkin_url
from app.models import Activity
from app.models.types import utcnow
from tests.activities.helpers import form_data, make_activity, payload
from tests.support import post_form


@pytest.fixture
def checkin_activity(request):
    """The shared factory of a QR-capable activity (tests/conftest.py), under a name that does not hide
    this package's own `make_activity` helper."""
    return request.getfixturevalue("make_activity")


def test_preregistration_switch_on_the_form(client, db, make_user, login):
    login(make_user("commune"))
    response = post_form(client, "/activities/new", form_data("fair", preregistration="y"))
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    activity = db.session.scalars(select(Activity)).one()
    assert activity.preregistration is True
    edit = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert "checked" in re.search(r'<input[^>]*name="preregistration"[^>]*>', edit).group(0)
    assert post_form(client, f"/activities/{activity.id}/edit", form_data("fair")).status_code == 302
    db.session.refresh(activity)
    assert activity.preregistration is False


def test_preregistration_through_the_api(client, db, make_user, api_token):
    headers = api_token(make_user("commune"))
    body = client.post("/api/v1/activities", json=payload("fair", preregistration=True), headers=headers).json
    assert body["preregistration"] is True
    patched = client.patch(f"/api/v1/activities/{body['id']}", json={"preregistration": False}, headers=headers)
    assert patched.status_code == 200 and patched.json["preregistration"] is False
    bad = client.post("/api/v1/activities", json=payload("radio", preregistration=True), headers=headers)
    assert bad.status_code == 422 and "preregistration" in bad.json["error"]["fields"]
    wrong = client.patch(f"/api/v1/activities/{body['id']}", json={"preregistration": "có"}, headers=headers)
    assert wrong.status_code == 422 and "preregistration" in wrong.json["error"]["fields"]


def _public_page(app, client, activity) -> str:
    path = urlparse(checkin_url(activity, "http://localhost/", app.config["SECRET_KEY"])).path
    return client.get(path).get_data(as_text=True)


def test_closed_checkin_page_says_when_it_closed_and_has_no_form(app, client, db, checkin_activity):
    activity = checkin_activity(start=utcnow() - timedelta(hours=12), hours=3)
    html = _public_page(app, client, activity)
    assert "<form" not in html
    closes = activity.end_at + timedelta(minutes=activity.checkin_close_minutes_after or 0)
    from app.formatting import fmt_date, fmt_time

    assert f"Đã hết giờ điểm danh — đóng lúc {fmt_time(closes)} ngày {fmt_date(closes)}" in html


def test_not_yet_open_checkin_page_says_when_it_opens_and_has_no_form(app, client, db, checkin_activity):
    activity = checkin_activity(start=utcnow() + timedelta(days=2))
    html = _public_page(app, client, activity)
    assert "<form" not in html
    assert "Mở điểm danh từ" in html


def test_open_checkin_page_has_its_form(app, client, db, checkin_activity):
    assert "<form" in _public_page(app, client, checkin_activity())


def test_staff_activity_page_shows_the_window_state_and_the_localhost_warning(app, client, db, make_user, login,
                                                                               checkin_activity):
    activity = checkin_activity(start=utcnow() - timedelta(hours=12), hours=3)
    login(make_user("commune"))
    html = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert 'data-window="closed"' in html
    assert "Điện thoại của người dân không mở được địa chỉ này" in html  # the test client is http://localhost
    assert "Điện thoại của người dân không mở được địa chỉ này" in client.get(
        f"/activities/{activity.id}/attendance").get_data(as_text=True)
    assert 'data-window="closed"' in client.get(f"/activities/{activity.id}/scanner").get_data(as_text=True)
    app.config["PUBLIC_BASE_URL"] = "https://lantoa.example.gov.vn"
    try:
        assert "data-address-warning" not in client.get(f"/activities/{activity.id}").get_data(as_text=True)
    finally:
        app.config["PUBLIC_BASE_URL"] = None


def test_history_reads_in_words_and_the_page_has_one_csrf_id(client, db, make_user, login):
    officer = make_user("commune")
    activity = make_activity(officer)
    login(officer)
    assert post_form(client, f"/activities/{activity.id}/edit",
                     form_data("fair", start="01/07/2026 09:00", end="01/07/2026 11:00")).status_code == 302
    html = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    history = html[html.index("data-history"):]
    assert "Thời gian bắt đầu:</span>" in history and "08:00 01/07/2026 → 09:00 01/07/2026" in history
    for column in ("start_at", "commune_id", "evidence_date"):
        assert column not in history
    assert html.count('id="csrf_token"') <= 1


def test_no_native_date_inputs_remain(client, db, make_user, login):
    officer = make_user("commune")
    activity = make_activity(officer)
    login(officer)
    for url in ("/activities", "/activities/new", f"/activities/{activity.id}/edit", f"/activities/{activity.id}/copy",
                "/reports/", "/campaigns/bhyt-day-2026/communes/11311"):
        html = client.get(url).get_data(as_text=True)
        assert 'type="date"' not in html and "datetime-local" not in html, url
    edit = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert re.search(r'name="start"[^>]*value="01/07/2026 08:00"|value="01/07/2026 08:00"[^>]*name="start"', edit)


def test_partner_names_are_written_as_the_list_writes_them(client, db, make_user, login):
    """Issue 15 item 11: every listed partner capitalised alike; one typed in another case is the listed one."""
    from app.domain.kinds import PARTNER_TAGS

    assert all(t[0].isupper() for t in PARTNER_TAGS)
    officer = make_user("commune")
    login(officer)
    data = form_data("fair", partners=["Cơ sở KCB"], partners_other="báo chí\ncơ sở kcb\nTổ dân phố 3")
    assert post_form(client, "/activities/new", data).status_code == 302
    activity = db.session.scalars(select(Activity)).one()
    assert activity.partners == ["Cơ sở KCB", "Báo chí", "Tổ dân phố 3"]
    activity.partners = ["báo chí", "Hội phụ nữ tổ 5"]  # as stored before the list was capitalised
    db.session.commit()
    edit = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert "checked" in re.search(r'<input[^>]*value="Báo chí"[^>]*>', edit).group(0)
    assert "báo chí" not in edit.split('name="partners_other"')[1].split("</textarea>")[0]


TEXT_FIELD = re.compile(r'<(?:input|textarea)\b[^>]*>')


def test_every_text_input_of_the_activity_form_has_the_servers_maxlength(client, db, make_user, login):
    """Issue 15 item 11: the browser stops at the length the server enforces (line lists excepted: their limit
    is per line)."""
    from app.schemas.activities import MAX_NOTES, MAX_ORGANISER, MAX_TITLE, MAX_VENUE

    login(make_user("commune"))
    html = client.get("/activities/new").get_data(as_text=True)
    missing = []
    for tag in TEXT_FIELD.findall(html):
        kind = re.search(r'type="([^"]+)"', tag)
        name = re.search(r'name="([^"]+)"', tag).group(1)
        text_like = tag.startswith("<textarea") or (kind and kind.group(1) in ("text", "url", "tel")) or not kind
        if text_like and "maxlength" not in tag and name not in ("partners_other", "links") \
                and not name.endswith("-urls"):
            missing.append(name)
    assert not missing, missing
    for name, most in (("title", MAX_TITLE), ("venue", MAX_VENUE), ("organiser", MAX_ORGANISER),
                       ("notes", MAX_NOTES)):
        assert re.search(rf'name="{name}"[^>]*maxlength="{most}"|maxlength="{most}"[^>]*name="{name}"', html), name
    too_long = post_form(client, "/activities/new", form_data("fair", title="T" * (MAX_TITLE + 1)))
    assert too_long.status_code == 422 and 'data-error-for="title"' in too_long.get_data(as_text=True)


def test_read_only_results_have_no_required_star_and_duty_cards_say_nhiem_vu_1(client, db, make_user, login):
    """Issue 15 item 11: a star marks a field to fill in, never a figure on a page that only shows it; the commune
    page's duty card on a phone reads "Nhiệm vụ 1" (its label and number, no colon between)."""
    officer = make_user("commune")
    activity = make_activity(officer)
    login(officer)
    html = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    results = html[html.index("data-results"):]
    assert "*" not in results[:results.index("</table>")]
    page = client.get("/campaigns/bhyt-day-2026/communes/11311").get_data(as_text=True)
    assert '<span class="d-sm-none">Nhiệm vụ </span>1</td>' in page
    assert 'data-label="Nhiệm vụ"' not in page


def test_the_city_offices_owner_list_has_agencies_in_vietnamese_order(client, db, make_user, login):
    """Issue 15 item 8: the activity form's agencies sort as Vietnamese does (Đ after D, never after Z)."""
    from app.collation import vi_sorted
    from app.models import Agency, City

    city = db.session.scalars(select(City)).first()
    for code, name in (("ZZ1", "Đài Phát thanh và Truyền hình"), ("ZZ2", "Ủy ban MTTQ thành phố"),
                       ("ZZ3", "Bảo hiểm xã hội thành phố"), ("ZZ4", "Sở Y tế"), ("ZZ5", "Ban Tuyên giáo")):
        db.session.add(Agency(city_id=city.id, code=code, name=name, kind="state"))
    db.session.commit()
    login(make_user("city"))
    html = client.get("/activities/new").get_data(as_text=True)
    names = re.findall(r'<option value="cq:[^"]+">Cơ quan: ([^<]+)</option>', html)
    assert len(names) >= 5 and names == vi_sorted(names)
    assert names.index("Đài Phát thanh và Truyền hình") < names.index("Sở Y tế") < names.index("Ủy ban MTTQ thành phố")
