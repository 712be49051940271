"""Fuzz every HTML form as a signed-in user would misuse it: junk, huge, unicode, impossible dates and numbers,
repeated fields — never a 500, and a refused form (4xx) leaves every table as it was (SPEC §11)."""

from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.formatting import TZ
from tests.fuzz.conftest import FUZZ, TEXT, Tally, row_counts
from tests.support import csrf_token

FORMS = settings(FUZZ, max_examples=50)
VALUE = st.one_of(TEXT, st.lists(TEXT, max_size=3),
                  st.sampled_from(["1", "0", "-5", "2026", "99999999999999999999", "1.5", "nan", "inf", "y",
                                   "fair", "radio", "held", "cancelled", "admin", "commune", "11311", "11948",
                                   "01/07/2026", "2026-07-01", "2026-07-01T08:00", "30/02/2026", "01/07/1900"]))
ACTIVITY = {"commune_code": "11311", "kind": "fair", "title": "Ngày hội BHYT", "start": "2026-07-01T08:00",
            "end": "2026-07-01T11:00", "venue": "Nhà văn hóa", "organiser": "UBND phường", "status": "planned",
            "partners": ["UBND xã"], "partners_other": "", "audiences": ["1"], "messages": ["2"], "links": "",
            "notes": "", "r-fair-consultations": "3"}


def _fuzz_form(client, target, url, base, fields, form_url=None, ignore=()):
    """POST `base` with some fields replaced by junk, many times; check the two invariants each time."""
    token = csrf_token(client, form_url or url)

    @FORMS
    @given(patch=st.dictionaries(st.sampled_from(fields), VALUE, max_size=4), keep_token=st.integers(0, 9))
    def run(patch, keep_token):
        Tally.add(target)
        data = {**base, **patch}
        if keep_token:  # one time in ten the CSRF token is missing
            data["csrf_token"] = token
        before = row_counts()
        response = client.post(url, data=data)
        body = response.get_data(as_text=True)
        assert response.status_code < 500, (target, data, body[:300])
        if response.status_code >= 400:
            after = row_counts()
            for table in ignore:
                before.pop(table), after.pop(table)
            assert after == before, (target, response.status_code, "a refused form wrote rows")

    run()


@pytest.fixture
def admin_client(client, make_user, login):
    admin = make_user("admin", username="fuzz_admin")
    login(admin)
    client.admin = admin
    return client


@pytest.fixture
def activity_id(db, admin_client):
    from app.activities import services

    body = {k: v for k, v in ACTIVITY.items() if not k.startswith("r-") and k != "partners_other"}
    body.update(links=[], start="2026-07-01T08:00:00+07:00", end="2026-07-01T11:00:00+07:00")
    activity = services.create_activity(body, admin_client.admin, datetime(2026, 6, 1, 9, 0, tzinfo=TZ))
    db.session.commit()
    return activity.id


@pytest.mark.slow
def test_login_form(client, make_user):
    make_user("commune", username="fuzz_user")
    # failed attempts are recorded on purpose (lockout): those tables may grow
    _fuzz_form(client, "POST /login", "/login", {"username": "fuzz_user", "password": "sai"},
               ["username", "password", "remember", "next"], ignore=("login_attempts", "audit_log"))


@pytest.mark.slow
def test_user_admin_forms(admin_client, make_user):
    base = {"username": "nguoidung", "full_name": "Nguyễn Văn A", "email": "a@example.vn", "role": "commune",
            "commune_code": "11311", "password": "Matkhau123", "active": "y"}
    fields = [*base, "submit"]
    _fuzz_form(admin_client, "POST /admin/users/new", "/admin/users/new", base, fields)
    other = make_user("viewer", username="fuzz_viewer")
    _fuzz_form(admin_client, "POST /admin/users/<id>", f"/admin/users/{other.id}", {**base, "role": "viewer",
               "commune_code": "", "username": "fuzz_viewer"}, fields)


@pytest.mark.slow
def test_activity_create_and_edit_forms(admin_client, activity_id):
    fields = [*ACTIVITY, "r-fair-extra_attendees", "r-radio-broadcasts", "r-advisory-doc_date"]
    _fuzz_form(admin_client, "POST /activities/new", "/activities/new", ACTIVITY, fields)
    _fuzz_form(admin_client, "POST /activities/<id>/edit", f"/activities/{activity_id}/edit", ACTIVITY, fields)


@pytest.mark.slow
def test_activity_held_and_cancel_forms(admin_client, activity_id):
    held = {"r-fair-consultations": "12", "r-fair-extra_attendees": "40", "r-fair-new_bhyt": "3",
            "r-fair-new_bhxh": "1", "r-fair-leaflets": "200"}
    _fuzz_form(admin_client, "POST /activities/<id>/held", f"/activities/{activity_id}/held", held, list(held))
    _fuzz_form(admin_client, "POST /activities/<id>/cancel", f"/activities/{activity_id}/cancel",
               {"cancel_reason": "Mưa bão"}, ["cancel_reason"], form_url=f"/activities/{activity_id}")


@pytest.mark.slow
def test_targets_form(admin_client):
    base = {"year": "2026", "month": "6", "metric": "bhyt_coverage", "value": "93.5"}
    _fuzz_form(admin_client, "POST /targets", "/targets", base, list(base))


@pytest.mark.slow
def test_campaign_admin_forms(admin_client):
    slug = "bhyt-day-2026"
    campaign = {"name": "Cao điểm Ngày BHYT Việt Nam 2026", "start": "2026-06-01", "end": "2026-07-31", "active": "y"}
    _fuzz_form(admin_client, "POST /campaigns/<slug>/edit", f"/campaigns/{slug}/edit", campaign, list(campaign))
    duty = {"text": "Tổ chức ngày hội", "kinds": ["fair"], "min_count": "1", "window_start": "",
            "window_end": "2026-06-30", "hint": ""}
    _fuzz_form(admin_client, "POST /campaigns/<slug>/duties/<no>", f"/campaigns/{slug}/duties/1", duty, list(duty))
    requirement = {"label": "Điểm truyền thông", "kinds": ["communication_point"], "min_count": "10",
                   "window_start": "", "window_end": ""}
    _fuzz_form(admin_client, "POST /campaigns/<slug>/requirements/<key>",
               f"/campaigns/{slug}/requirements/communication_points", requirement, list(requirement))
    _fuzz_form(admin_client, "POST /campaigns/new", "/campaigns/new",
               {"template": "thang-van-dong", "year": "2027", "slug": ""}, ["template", "year", "slug", "publish"])
    _fuzz_form(admin_client, "POST /campaigns/copy", "/campaigns/copy",
               {"source": slug, "slug": "bhyt-day-2027", "years": "1"}, ["source", "slug", "years", "publish"],
               form_url="/campaigns/new")
    _fuzz_form(admin_client, "POST /campaigns/<slug>/duties/new", f"/campaigns/{slug}/duties/new",
               {**duty, "evidence": "activity"}, [*duty, "evidence"])
    paper = {"submitted_on": "2026-06-30", "note": "Nhận bản giấy"}
    _fuzz_form(admin_client, "POST /campaigns/<slug>/communes/<code>/paper",
               f"/campaigns/{slug}/communes/11311/paper", paper, list(paper),
               form_url=f"/campaigns/{slug}/communes/11311")
