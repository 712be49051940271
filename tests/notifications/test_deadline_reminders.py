"""SPEC §10 daily reminders, on the plan's dates (seed 002, Appendix II, duty 1: advisory before 30/6)."""

from datetime import date

from sqlalchemy import func, select

from app.models import ComplianceSnapshot, JobRun, Notification
from app.scheduler.jobs import run_job
from tests.notifications.helpers import BACH_LONG_VI, at


def on(day_month: str) -> date:
    day, month = day_month.split("/")
    return date(2026, int(month), int(day))


def notes(db, user, kind=None):
    stmt = select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt).all()


def duty_notes(db, user, duty_no):
    """A user's notifications about one duty (the key names it: kind:slug:[commune:]duty:…)."""
    return [n for n in notes(db, user) if n.key.startswith("duty-")
            and n.key.split(":")[-3 if n.kind == "duty_due" else -2] == str(duty_no)]


def setup_two_communes(make_user, make_activity):
    """Hồng Bàng has no advisory; Bạch Long Vĩ filed one on 20/6."""
    late = make_user("commune", "hongbang")
    done = make_user("commune", "bachlongvi", commune_code=BACH_LONG_VI)
    make_activity("advisory", "20/6 08:00", status="held", commune_code=BACH_LONG_VI, created_by=done)
    return late, done


def test_duty_1_reminds_commune_without_advisory_3_days_before(db, campaigns, make_user, make_activity):
    late, done = setup_two_communes(make_user, make_activity)
    city = make_user("city")
    run = run_job("deadline_reminders", as_of=on("26/6"))
    assert run.error is None, run.error
    [note] = notes(db, late)
    assert note.kind == "duty_due"
    assert "Còn 3 ngày" in note.text and "29/06/2026" in note.text and "nhiệm vụ 1" in note.text
    assert "Phường Hồng Bàng" in note.text
    assert note.link == "/campaigns/bhyt-day-2026/communes/11311"
    assert notes(db, done) == [] and notes(db, city) == []


def test_duty_1_reminds_again_1_day_before_but_not_2_days_before(db, campaigns, make_user, make_activity):
    late, _ = setup_two_communes(make_user, make_activity)
    run_job("deadline_reminders", as_of=on("27/6"))
    assert notes(db, late) == []
    run_job("deadline_reminders", as_of=on("28/6"))
    [note] = duty_notes(db, late, 1)
    assert "Còn 1 ngày" in note.text and "29/06/2026" in note.text


def test_duty_1_overdue_on_30_june_tells_commune_and_city_office(db, campaigns, make_user, make_activity):
    late, done = setup_two_communes(make_user, make_activity)
    city, admin, viewer = make_user("city"), make_user("admin"), make_user("viewer")
    run_job("deadline_reminders", as_of=on("30/6"))
    [note] = duty_notes(db, late, 1)
    assert note.kind == "duty_overdue" and "Quá hạn 29/06/2026" in note.text
    assert duty_notes(db, done, 1) == []
    # Duty 3 (the Fair on 01/7) is due tomorrow for both communes: a reminder, not an overdue.
    assert [n.kind for n in duty_notes(db, done, 3)] == ["duty_due"]
    for office in (city, admin):
        [summary] = notes(db, office)
        assert summary.kind == "duty_overdue_summary"
        assert summary.text.startswith("113 đơn vị cấp xã quá hạn 29/06/2026 nhiệm vụ 1")
        assert summary.text.endswith("và 103 đơn vị khác.") and "Đặc khu Bạch Long Vĩ" not in summary.text
    assert notes(db, viewer) == []


def test_overdue_is_told_only_on_the_first_day(db, campaigns, make_user, make_activity):
    late, _ = setup_two_communes(make_user, make_activity)
    run_job("deadline_reminders", as_of=on("01/7"))
    assert notes(db, late, "duty_overdue") == []


def test_running_the_daily_job_twice_adds_nothing(db, campaigns, make_user, make_activity):
    late, _ = setup_two_communes(make_user, make_activity)
    make_user("city")
    first = run_job("deadline_reminders", as_of=on("30/6"))
    count = db.session.scalar(select(func.count()).select_from(Notification))
    second = run_job("deadline_reminders", as_of=on("30/6"))
    assert first.result["notifications"] == count == 4  # overdue duty 1 + duty 3 tomorrow + 2 city summaries
    assert second.result["notifications"] == 0
    assert db.session.scalar(select(func.count()).select_from(Notification)) == count


def test_a_planned_advisory_is_still_reminded(db, campaigns, make_user, make_activity):
    late, _ = setup_two_communes(make_user, make_activity)
    make_activity("advisory", "29/6 08:00", status="planned", created_by=late)
    run_job("deadline_reminders", as_of=on("26/6"))
    assert len(notes(db, late, "duty_due")) == 1


def test_snapshot_stores_duty_status_counts_once_per_day(db, campaigns, make_user, make_activity):
    setup_two_communes(make_user, make_activity)
    first = run_job("compliance_snapshot", as_of=on("30/6"))
    second = run_job("compliance_snapshot", as_of=on("30/6"))
    assert (first.result["created"], first.result["updated"]) == (1, 0)
    assert (second.result["created"], second.result["updated"]) == (0, 0)
    [snapshot] = db.session.scalars(select(ComplianceSnapshot)).all()
    assert snapshot.campaign_slug == "bhyt-day-2026" and snapshot.day == on("30/6")
    assert snapshot.counts["1"]["overdue"] == 113 and snapshot.counts["1"]["done"] == 1
    assert snapshot.summary["next_deadline"] == "2026-07-01" and snapshot.summary["communes"] == 114


def test_a_failing_job_is_recorded_not_raised(db, make_user, monkeypatch):
    from app.compliance import loader

    def broken(slug, as_of):
        raise RuntimeError("cơ sở dữ liệu tạm thời không truy cập được")

    monkeypatch.setattr(loader, "load_matrix", broken)
    run = run_job("deadline_reminders", as_of=on("26/6"))
    assert run.error and "không truy cập được" in run.error
    stored = db.session.scalar(select(JobRun))
    assert stored.finished_at is not None and stored.error and stored.result is None


def test_activity_starting_within_24_hours_reminds_its_organiser(db, make_user, make_activity):
    organiser = make_user("commune", "nguoitochuc")
    colleague = make_user("commune", "dongnghiep")
    soon = make_activity("fair", "01/7 08:00", created_by=organiser, title="Ngày hội BHYT")
    make_activity("fair", "02/7 14:00", created_by=organiser)  # 30 h ahead: not yet
    now = at("30/6 15:00")
    first = run_job("activity_reminders", now=now)
    second = run_job("activity_reminders", now=now)
    [note] = notes(db, organiser)
    assert note.kind == "activity_soon" and "Ngày hội BHYT" in note.text and "01/07/2026 08:00" in note.text
    assert note.link == f"/activities/{soon.id}"
    assert notes(db, colleague) == []
    assert first.result["notifications"] == 1 and second.result["notifications"] == 0


def test_activity_without_organiser_reminds_the_commune_users(db, make_user, make_activity):
    a, b = make_user("commune"), make_user("commune")
    other = make_user("commune", commune_code=BACH_LONG_VI)
    make_activity("fair", "01/7 08:00")
    run_job("activity_reminders", now=at("01/7 07:00"))
    assert len(notes(db, a)) == len(notes(db, b)) == 1 and notes(db, other) == []


def test_activity_still_planned_24_hours_after_its_end_reminds_organiser(db, make_user, make_activity):
    organiser = make_user("commune")
    make_activity("fair", "28/6 08:00", hours=2, created_by=organiser, title="Điểm tư vấn chợ")  # ended 28/6 10:00
    make_activity("fair", "28/6 08:00", hours=2, status="held", created_by=organiser)
    run_job("unreported_activities", now=at("29/6 09:00"))
    assert notes(db, organiser) == []  # only 23 h after the end
    run_job("unreported_activities", now=at("29/6 10:30"))
    run_job("unreported_activities", now=at("29/6 11:30"))
    [note] = notes(db, organiser)
    assert note.kind == "activity_unreported" and "Điểm tư vấn chợ" in note.text and "chưa cập nhật" in note.text
