"""Check-ins flow into the activity's results, its page, the API and the printed attendance list (SPEC §3, §5, §6.2)."""

from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.checkin import services as svc
from app.models import AuditLog
from app.models.types import utcnow
from tests.activities.helpers import make_activity

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction

PEOPLE = [("Nguyễn Thị Thu Hường", "0912345678"), ("Trần Văn Đặng", "0987654321"), ("<script>x</script>", None)]


def _checked_in(activity):
    for name, phone in PEOPLE:
        answer = svc.record_checkin(activity, {"full_name": name, "phone": phone, "consent": True, "audience": 4},
                                    "staff", None, utcnow())
        assert not answer.duplicate
    from app.extensions import db

    db.session.commit()


def test_attendees_are_checkins_plus_extra_on_page_and_api(client, make_user, login, api_token, db):
    user = make_user("commune", commune_code="11311")
    activity = make_activity(user, "fair")  # extra_attendees 40
    _checked_in(activity)
    body = client.get(f"/api/v1/activities/{activity.id}", headers=api_token(user)).get_json()
    assert body["checkins"] == 3 and body["attendees"] == 43
    listing = client.get("/api/v1/activities", headers=api_token(user)).get_json()["items"]
    assert [a["attendees"] for a in listing if a["id"] == activity.id] == [43]
    login(user)
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    row = page.split('data-result="attendees"')[1].split("</tr>")[0]
    assert ">43<" in row


def test_attendance_pdf_lists_every_person_once_and_is_audited(client, make_user, login, api_token, db):
    user = make_user("commune", commune_code="11311")
    activity = make_activity(user, "conference")
    _checked_in(activity)
    login(user)
    response = client.get(f"/activities/{activity.id}/attendance.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(response.data)).pages)
    for name, _ in PEOPLE:
        assert text.count(name) == 1
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Ký" in text
    api = client.get(f"/api/v1/activities/{activity.id}/attendance.pdf", headers=api_token(user))
    assert api.status_code == 200
    exports = db.session.scalars(select(AuditLog).where(AuditLog.action == "checkin.export")).all()
    assert {e.details["format"] for e in exports} == {"pdf"} and len(exports) == 2


def test_other_commune_gets_404_for_attendance_pdf(client, make_user, login, api_token, db):
    owner = make_user("commune", commune_code="11948")
    activity = make_activity(owner, "fair", commune_code="11948")
    other = make_user("commune", commune_code="11311")
    login(other)
    assert client.get(f"/activities/{activity.id}/attendance.pdf").status_code == 404
    assert client.get(f"/api/v1/activities/{activity.id}/attendance.pdf", headers=api_token(other)).status_code == 404


def test_checkins_count_as_attendees_in_dashboard_and_period_totals(make_user, db):
    from datetime import date

    from app.activities.totals import activity_totals

    user = make_user("commune", commune_code="11311")
    activity = make_activity(user, "fair")  # held on 01/7/2026, extra_attendees 40
    _checked_in(activity)
    totals = activity_totals(date(2026, 7, 1), date(2026, 7, 1), by="kind")
    assert totals["fair"]["attendees"] == 43
