"""SPEC §17 privacy: a resident's data removed on request by an admin (check-ins, questions, follow-ups, ratings),
audited without the data; phones masked by role."""

from sqlalchemy import select

from app.checkin.services import record_checkin
from app.models import AuditLog, CheckIn, FollowUp, Question, Rating
from app.models.types import utcnow
from app.voice import ratings
from app.voice.questions import ask
from tests.support import post_form
from tests.voice.helpers import rows


def test_admin_deletes_a_residents_data_on_request_and_it_is_audited(client, db, make_activity, make_user, login):
    admin = make_user("admin")
    activity = make_activity()
    person = {"full_name": "Phan Văn Lộc", "phone": "0905111222", "bhyt_status": "none", "consent": True}
    outcome = record_checkin(activity, person, "staff", admin, utcnow())
    ratings.rate(db.session.get(CheckIn, outcome.checkin.id), 4, "", utcnow())
    ask(activity, {"text": "Hỏi về BHYT", "phone": "0905111222", "consent": True}, "staff", admin, utcnow())
    record_checkin(activity, {"full_name": "Người khác", "phone": "0905999888", "consent": True}, "staff", admin,
                   utcnow())
    db.session.commit()
    login(admin)
    preview = client.get("/admin/residents?phone=0905111222").get_data(as_text=True)
    assert "Phan Văn Lộc" in preview and "09xx xxx 222" in preview
    refused = post_form(client, "/admin/residents", {"phone": "0905111222"}, form_url="/admin/residents?phone=0905111222")
    assert "Đánh dấu xác nhận" in refused.get_data(as_text=True) and rows(db, CheckIn) == 2
    done = post_form(client, "/admin/residents", {"phone": "0905111222", "confirm": "y"},
                     form_url="/admin/residents?phone=0905111222")
    assert done.status_code == 302
    assert (rows(db, CheckIn), rows(db, Question), rows(db, FollowUp), rows(db, Rating)) == (1, 0, 0, 0)
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "resident.erase"))
    assert entry.details["checkins"] == 1 and entry.details["questions"] == 1 and entry.details["ratings"] == 1
    assert "0905111222" not in str(entry.details)
    assert "phone" in client.get("/admin/residents?phone=12").get_data(as_text=True)


def test_city_user_sees_full_phones_of_followups_and_viewer_is_refused(client, db, make_activity, make_user,
                                                                      api_token):
    admin = make_user("admin")
    activity = make_activity()
    record_checkin(activity, {"full_name": "Lý Thị Hoa", "phone": "0905333444", "bhyt_status": "expired",
                              "consent": True}, "staff", admin, utcnow())
    db.session.commit()
    city = client.get(f"/api/v1/activities/{activity.id}/follow-ups", headers=api_token(make_user("city")))
    assert city.get_json()[0]["phone"] == "0905333444"
    viewer = client.get(f"/api/v1/activities/{activity.id}/follow-ups", headers=api_token(make_user("viewer")))
    assert viewer.status_code == 403
