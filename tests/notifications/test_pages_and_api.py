"""The bell, the list page and the API are scoped to the user; the admin jobs page and the CLI (SPEC §10, §12)."""

from datetime import timedelta

from sqlalchemy import func, select

from app.models import JobRun, Notification
from app.models.types import utcnow
from tests.notifications.helpers import BACH_LONG_VI
from tests.support import post_form


def give(db, user, key, text, read=False):
    note = Notification(user_id=user.id, kind="duty_due", key=key, text=text, link="/campaigns/bhyt-day-2026",
                        read_at=utcnow() if read else None)
    db.session.add(note)
    db.session.commit()
    return note


def two_communes_with_notes(db, make_user):
    mine = make_user("commune", "hongbang")
    other = make_user("commune", "bachlongvi", commune_code=BACH_LONG_VI)
    give(db, mine, "a", "Nhắc Hồng Bàng 1")
    give(db, mine, "b", "Nhắc Hồng Bàng 2")
    give(db, mine, "c", "Đã đọc Hồng Bàng", read=True)
    theirs = give(db, other, "a", "Nhắc Bạch Long Vĩ")
    return mine, other, theirs


def test_bell_and_list_show_only_the_users_own_notifications(client, db, make_user, login):
    mine, _, _ = two_communes_with_notes(db, make_user)
    login(mine)
    html = client.get("/notifications").get_data(as_text=True)
    assert '<span class="badge bg-danger" data-unread>2</span>' in html
    assert "Nhắc Hồng Bàng 1" in html and "Đã đọc Hồng Bàng" in html and "Bạch Long Vĩ" not in html
    unread_only = client.get("/notifications?unread=1").get_data(as_text=True)
    assert "Nhắc Hồng Bàng 2" in unread_only and "Đã đọc Hồng Bàng" not in unread_only
    assert 'data-unread>2<' in client.get("/").get_data(as_text=True)  # the bell is on every page


def test_marking_another_users_notification_is_404(client, db, make_user, login):
    mine, _, theirs = two_communes_with_notes(db, make_user)
    login(mine)
    response = post_form(client, f"/notifications/{theirs.id}/read", {}, form_url="/notifications")
    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.read_at is None


def test_mark_one_then_all_read(client, db, make_user, login):
    mine, other, _ = two_communes_with_notes(db, make_user)
    login(mine)
    first = db.session.scalar(select(Notification).where(Notification.user_id == mine.id, Notification.key == "a"))
    response = post_form(client, f"/notifications/{first.id}/read", {"open": "1"}, form_url="/notifications")
    assert response.status_code == 302 and response.headers["Location"] == "/campaigns/bhyt-day-2026"
    assert 'data-unread>1<' in client.get("/notifications").get_data(as_text=True)
    response = post_form(client, "/notifications/read-all", {}, form_url="/notifications")
    assert response.status_code == 302
    assert "data-unread>" not in client.get("/notifications").get_data(as_text=True)
    unread = select(func.count()).select_from(Notification).where(Notification.read_at.is_(None))
    assert db.session.scalar(unread.where(Notification.user_id == other.id)) == 1  # untouched


def test_mark_read_needs_csrf(client, db, make_user, login):
    mine, _, _ = two_communes_with_notes(db, make_user)
    login(mine)
    note = db.session.scalar(select(Notification).where(Notification.user_id == mine.id, Notification.key == "a"))
    assert client.post(f"/notifications/{note.id}/read").status_code == 400
    db.session.refresh(note)
    assert note.read_at is None


def test_list_page_needs_login(client, db):
    response = client.get("/notifications")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_api_lists_the_callers_notifications(client, db, make_user, api_token):
    mine, other, theirs = two_communes_with_notes(db, make_user)
    everything = client.get("/api/v1/notifications", headers=api_token(mine)).get_json()
    assert sorted(n["text"] for n in everything) == ["Nhắc Hồng Bàng 1", "Nhắc Hồng Bàng 2", "Đã đọc Hồng Bàng"]
    unread = client.get("/api/v1/notifications?unread=1", headers=api_token(mine)).get_json()
    assert sorted(n["text"] for n in unread) == ["Nhắc Hồng Bàng 1", "Nhắc Hồng Bàng 2"]
    assert set(unread[0]) == {"id", "kind", "text", "link", "created_at", "read_at"}
    assert client.post(f"/api/v1/notifications/{theirs.id}/read", headers=api_token(mine)).status_code == 404
    response = client.post(f"/api/v1/notifications/{unread[0]['id']}/read", headers=api_token(mine))
    assert response.status_code == 200 and response.get_json()["read_at"]


def test_api_rejects_a_bad_unread_flag_and_no_token(client, db, make_user, api_token):
    user = make_user("commune")
    response = client.get("/api/v1/notifications?unread=maybe", headers=api_token(user))
    assert response.status_code == 422 and response.get_json()["error"]["fields"] == {"unread": "Giá trị không hợp lệ."}
    assert client.get("/api/v1/notifications").status_code == 401


def test_admin_jobs_page_lists_jobs_and_runs_one_now(client, db, make_user, login):
    admin = make_user("admin")
    login(admin)
    html = client.get("/admin/jobs").get_data(as_text=True)
    for name in ("deadline_reminders", "activity_reminders", "unreported_activities", "compliance_snapshot"):
        assert f'data-job="{name}"' in html
    assert 'data-scheduler="stopped"' in html and "Chưa chạy" in html
    response = post_form(client, "/admin/jobs/unreported_activities/run", {}, form_url="/admin/jobs")
    assert response.status_code == 302
    run = db.session.scalar(select(JobRun))
    assert run.job == "unreported_activities" and run.trigger == "manual" and run.error is None
    html = client.get("/admin/jobs").get_data(as_text=True)
    assert "Thành công" in html and "chạy tay" in html and "hoạt động: 0" in html


def test_admin_jobs_page_is_for_admins_only(client, db, make_user, login):
    login(make_user("city"))
    assert client.get("/admin/jobs").status_code == 403
    assert client.post("/admin/jobs/deadline_reminders/run").status_code in (400, 403)
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 0


def test_cli_lists_and_runs_jobs(runner, db, make_user):
    listing = runner.invoke(args=["jobs", "list"])
    assert listing.exit_code == 0 and "compliance_snapshot" in listing.output and "Hằng ngày 07:00" in listing.output
    result = runner.invoke(args=["jobs", "run", "unreported_activities", "--as-of", "2026-06-30"])
    assert result.exit_code == 0, result.output
    assert '"as_of": "2026-06-30"' in result.output
    run = db.session.scalar(select(JobRun))
    assert run.trigger == "cli" and run.as_of.isoformat() == "2026-06-30"
    assert "ok" in runner.invoke(args=["jobs", "list"]).output


def test_cli_refuses_unknown_job_and_bad_date(runner, db):
    assert runner.invoke(args=["jobs", "run", "nope"]).exit_code != 0
    assert runner.invoke(args=["jobs", "run", "compliance_snapshot", "--as-of", "31/02/2026"]).exit_code != 0  # dd/mm/yyyy is accepted (issue 14)
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 0


def test_lease_one_holder_at_a_time(db):
    from app.scheduler import lock

    now, lease = utcnow(), timedelta(seconds=60)
    assert lock.try_acquire("a", now, lease)
    assert not lock.try_acquire("b", now, lease)
    assert lock.try_acquire("a", now + timedelta(seconds=30), lease)  # renewal
    assert not lock.try_acquire("b", now + timedelta(seconds=60), lease)
    assert lock.try_acquire("b", now + timedelta(seconds=91), lease)  # a stopped renewing: taken over
    assert lock.holds("b", now + timedelta(seconds=92)) and not lock.holds("a", now + timedelta(seconds=92))
    lock.release("b")
    assert lock.current() is None
