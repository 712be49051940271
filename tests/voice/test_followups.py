"""SPEC §17 follow-up of attendees without a valid card: one per person and activity; an enrolled outcome is the
activity's new enrolment, counted once in the API, the dashboard and the period report."""

import re
from datetime import date, datetime

from sqlalchemy import select

from app.checkin.services import record_checkin
from app.formatting import TZ
from app.models import FollowUp
from app.models.types import utcnow
from app.reports.period_report import period_report_data
from tests.support import post_form

FAIR_START = datetime(2026, 7, 1, 8, 0, tzinfo=TZ)  # Ngày hội, in the bhyt-day-2026 campaign


def _person(name, phone, status):
    return {"full_name": name, "phone": phone, "bhyt_status": status, "consent": True}


def _held_fair(db, make_activity, admin, on_the_spot=2, commune_code="11311"):
    from app.activities import services

    activity = make_activity(start=FAIR_START, commune_code=commune_code)
    services.mark_held(activity, {"consultations": 10, "new_bhyt": on_the_spot}, admin, utcnow())
    db.session.commit()
    return activity


def _dashboard_new_bhyt(client, kind="fair") -> int:
    html = client.get("/dashboard?campaign=bhyt-day-2026&as_of=2026-07-11").get_data(as_text=True)
    row = re.search(rf'<tr data-kind="{kind}">(.*?)</tr>', html, re.S).group(1)
    return int(re.search(r'data-field="new_bhyt">([\d.]+)<', row).group(1).replace(".", ""))


def test_none_expired_valid_make_two_followups_and_enrolled_adds_exactly_one_everywhere(
        client, db, make_activity, make_user, login, api_token):
    admin = make_user("admin")
    fair = _held_fair(db, make_activity, admin)
    for name, phone, status in (("An", "0911000001", "none"), ("Bình", "0911000002", "expired"),
                                ("Chi", "0911000003", "valid")):
        record_checkin(fair, _person(name, phone, status), "staff", admin, utcnow())
    record_checkin(fair, _person("An", "0911000001", "none"), "staff", admin, utcnow())  # the same person again
    db.session.commit()
    headers = api_token(make_user("commune"))
    listed = client.get(f"/api/v1/activities/{fair.id}/follow-ups", headers=headers).get_json()
    assert sorted(f["bhyt_status"] for f in listed) == ["expired", "none"]
    login(make_user("city"))
    before_api = client.get(f"/api/v1/activities/{fair.id}", headers=headers).get_json()["results"]["new_bhyt"]
    before_dash = _dashboard_new_bhyt(client)
    before_period = period_report_data(db.session, date(2026, 7, 1), date(2026, 7, 31)).total.new_bhyt
    assert (before_api, before_dash, before_period) == (2, 2, 2)

    target = next(f for f in listed if f["bhyt_status"] == "none")
    patched = client.patch(f"/api/v1/follow-ups/{target['id']}", headers=headers,
                           json={"outcome": "enrolled_bhyt", "on": "2026-07-03"})
    assert patched.status_code == 200 and patched.get_json()["outcome"] == "enrolled_bhyt"
    activity = client.get(f"/api/v1/activities/{fair.id}", headers=headers).get_json()
    assert activity["results"]["new_bhyt"] == 3 and activity["counted"]["new_bhyt"] == 1
    assert _dashboard_new_bhyt(client) == 3
    assert period_report_data(db.session, date(2026, 7, 1), date(2026, 7, 31)).total.new_bhyt == 3
    held_form = client.get(f"/activities/{fair.id}/held").get_data(as_text=True)
    assert "Đã tính 1 người từ danh sách theo dõi" in held_form


def test_same_person_at_two_activities_is_followed_up_at_each_and_enrolled_once(client, db, make_activity,
                                                                               make_user, api_token):
    admin = make_user("admin")
    first, second = _held_fair(db, make_activity, admin, 0), _held_fair(db, make_activity, admin, 0)
    for fair in (first, second):
        record_checkin(fair, _person("Dũng", "0911000009", "expired"), "staff", admin, utcnow())
    db.session.commit()
    ids = {f.activity_id: f.id for f in db.session.scalars(select(FollowUp))}
    assert set(ids) == {first.id, second.id}
    headers = api_token(make_user("commune"))
    body = {"outcome": "enrolled_bhyt", "on": "2026-07-05"}
    assert client.patch(f"/api/v1/follow-ups/{ids[first.id]}", headers=headers, json=body).status_code == 200
    again = client.patch(f"/api/v1/follow-ups/{ids[second.id]}", headers=headers, json=body)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_enrolled"
    assert client.get(f"/api/v1/activities/{second.id}/follow-ups", headers=headers).get_json()[0][
        "enrolled_elsewhere"] is True


def test_bad_outcomes_and_dates_are_refused_and_another_communes_followup_is_404(client, db, make_activity,
                                                                                make_user, api_token, login):
    admin = make_user("admin")
    fair = _held_fair(db, make_activity, admin, 0)
    other = _held_fair(db, make_activity, admin, 0, commune_code="11948")
    for activity in (fair, other):
        record_checkin(activity, _person("Én", "0911000010", "none"), "staff", admin, utcnow())
    db.session.commit()
    own_id = db.session.scalar(select(FollowUp.id).where(FollowUp.activity_id == fair.id))
    other_id = db.session.scalar(select(FollowUp.id).where(FollowUp.activity_id == other.id))
    officer = make_user("commune")
    headers = api_token(officer)
    for body, field in (({"outcome": "maybe"}, "outcome"), ({"outcome": "declined", "on": "31/02/2026"}, "on"),
                        ({"outcome": "declined", "on": "2026-06-01"}, "on"),
                        ({"outcome": "declined", "on": "2099-01-01"}, "on")):
        response = client.patch(f"/api/v1/follow-ups/{own_id}", headers=headers, json=body)
        assert response.status_code == 422 and field in response.get_json()["error"]["fields"], body
    assert db.session.get(FollowUp, own_id).outcome is None
    assert client.patch(f"/api/v1/follow-ups/{other_id}", headers=headers, json={"outcome": "declined"}).status_code == 404
    assert client.get(f"/api/v1/activities/{other.id}/follow-ups", headers=headers).status_code == 404
    login(officer)
    page = client.get(f"/activities/{fair.id}/follow-ups").get_data(as_text=True)
    assert "Én" in page and "0911000010" in page
    assert client.get(f"/activities/{other.id}/follow-ups").status_code == 404
    assert post_form(client, f"/follow-ups/{other_id}", {"outcome": "declined"},
                     form_url=f"/activities/{fair.id}/follow-ups").status_code == 404
    saved = post_form(client, f"/follow-ups/{own_id}", {"outcome": "unreachable", "on": "2026-07-02"},
                      form_url=f"/activities/{fair.id}/follow-ups")
    assert saved.status_code == 302 and db.session.get(FollowUp, own_id).outcome == "unreachable"
    export = client.get(f"/activities/{fair.id}/follow-ups.csv")
    assert "Không liên lạc được" in export.get_data(as_text=True)
    from app.models import AuditLog

    assert db.session.scalar(select(AuditLog.action).where(AuditLog.action == "followup.export")) == "followup.export"
