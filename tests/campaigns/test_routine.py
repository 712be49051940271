"""Campaigns as a yearly routine (SPEC §18, issue 21): copy last year's, drafts, the May campaign on 01/4."""

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from app.campaigns.services import matrix_as_dict
from app.compliance.loader import load_matrix
from app.models import Campaign, Notification
from app.models.audit import AuditLog
from app.scheduler.jobs import run_job
from tests import factories
from tests.campaigns.helpers import build_season

HB = "11311"


def _copy_2027(runner, *extra):
    result = runner.invoke(args=["campaigns", "copy", "bhyt-day-2026", "bhyt-day-2027", "--years", "1", *extra])
    assert result.exit_code == 0, result.output
    return result


def test_copy_moves_every_date_by_one_year(campaign, runner, db):
    result = _copy_2027(runner)
    assert "bản nháp" in result.output
    copy = db.session.scalar(select(Campaign).where(Campaign.slug == "bhyt-day-2027"))
    duties = {d.no: d for d in copy.duties}
    assert (copy.start, copy.end, copy.state, copy.copied_from) == (date(2027, 6, 22), date(2027, 7, 11), "draft",
                                                                     "bhyt-day-2026")
    assert (duties[3].window_start, duties[3].window_end) == (date(2027, 7, 1), date(2027, 7, 1))
    assert (duties[5].window_start, duties[5].window_end) == (date(2027, 6, 22), date(2027, 7, 5))
    assert (duties[9].window_start, duties[9].window_end) == (None, date(2027, 7, 7))
    assert {r.key: (r.window_start, r.window_end) for r in copy.city_requirements}["banners"] == (
        date(2027, 6, 26), date(2027, 7, 11))
    assert "01/7/2027" in copy.name and "2026" not in duties[3].hint
    assert len(copy.messages) == 19
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "copy"))
    assert entry.details == {"slug": "bhyt-day-2027", "copied_from": "bhyt-day-2026", "years": 1, "state": "draft"}


def test_the_copy_has_its_own_matrix_and_the_2026_matrix_is_unchanged_cell_by_cell(campaign, runner, db):
    build_season(campaign)
    before = {day: matrix_as_dict(load_matrix("bhyt-day-2026", day))
              for day in (date(2026, 6, 30), date(2026, 7, 2), date(2026, 7, 12))}
    _copy_2027(runner)
    fair = factories.activity("fair", date(2027, 7, 1), "held", commune_code=HB)
    matrix = load_matrix("bhyt-day-2027", date(2027, 7, 2))
    assert matrix.cell(HB, 3).status == "done" and matrix.cell(HB, 3).evidence == (fair.id,)
    assert matrix.cell("11948", 3).status == "overdue"
    assert matrix.cell(HB, 5).status == "pending"  # radio window 22/6–05/7/2027 still open
    for day, answer in before.items():
        assert matrix_as_dict(load_matrix("bhyt-day-2026", day)) == answer


def test_copy_refuses_a_taken_slug_a_bad_slug_and_an_unknown_source(campaign, runner, db):
    _copy_2027(runner)
    again = runner.invoke(args=["campaigns", "copy", "bhyt-day-2026", "bhyt-day-2027", "--years", "1"])
    assert again.exit_code != 0 and "Đã có chiến dịch mã" in again.output
    bad = runner.invoke(args=["campaigns", "copy", "bhyt-day-2026", "Ngày BHYT", "--years", "1"])
    assert bad.exit_code != 0 and "chữ thường không dấu" in bad.output
    unknown = runner.invoke(args=["campaigns", "copy", "khong-co", "x-2027", "--years", "1"])
    assert unknown.exit_code != 0
    far = runner.invoke(args=["campaigns", "copy", "bhyt-day-2026", "x-2040", "--years", "14"])
    assert far.exit_code != 0 and "Số năm dời" in far.output
    assert db.session.scalar(select(func.count()).select_from(Campaign)) == 2


def test_a_draft_is_the_city_offices_alone_until_published(campaign, runner, client, make_user, login, api_token, db):
    _copy_2027(runner)
    commune, city = make_user("commune"), make_user("city")
    assert [c["slug"] for c in client.get("/api/v1/campaigns", headers=api_token(commune)).get_json()] == [
        "bhyt-day-2026"]
    assert client.get("/api/v1/campaigns/bhyt-day-2027/compliance", headers=api_token(commune)).status_code == 404
    by_city = client.get("/api/v1/campaigns", headers=api_token(city)).get_json()
    assert [(c["slug"], c["state"]) for c in by_city] == [("bhyt-day-2027", "draft"), ("bhyt-day-2026", "published")]
    login(commune)
    assert "bhyt-day-2027" not in client.get("/campaigns/").get_data(as_text=True)
    assert client.get(f"/campaigns/bhyt-day-2027/communes/{HB}").status_code == 404
    assert runner.invoke(args=["campaigns", "publish", "bhyt-day-2027"]).exit_code == 0
    assert client.get(f"/campaigns/bhyt-day-2027/communes/{HB}").status_code == 200
    assert "bhyt-day-2027" in client.get("/campaigns/").get_data(as_text=True)


def test_a_draft_reminds_no_one(campaign, runner, make_user, db):
    _copy_2027(runner)
    make_user("commune")
    run = run_job("deadline_reminders", as_of=date(2027, 6, 27))
    assert run.ok and run.result["alerts"] == 0


def test_the_may_job_on_1_april_2027_creates_the_campaign_once_and_tells_the_city_office_once(db, make_user):
    city, admin, commune = make_user("city"), make_user("admin"), make_user("commune")
    now = datetime(2027, 3, 31, 23, 0, tzinfo=UTC)  # 06:00 on 01/4/2027 in Asia/Ho_Chi_Minh
    first = run_job("may_campaign", as_of=date(2027, 4, 1), now=now)
    second = run_job("may_campaign", as_of=date(2027, 4, 1), now=now)
    assert first.ok and second.ok, (first.error, second.error)
    assert (first.result["created"], second.result["created"]) == (True, False)
    campaigns = db.session.scalars(select(Campaign).where(Campaign.slug.like("thang-van-dong-%"))).all()
    assert [(c.slug, c.state, c.start, c.end) for c in campaigns] == [
        ("thang-van-dong-2027", "draft", date(2027, 4, 1), date(2027, 6, 5))]
    notes = db.session.scalars(select(Notification).where(Notification.kind == "campaign_review")).all()
    assert sorted(n.user_id for n in notes) == sorted([city.id, admin.id])
    assert all(n.link == "/campaigns/thang-van-dong-2027/edit" and "công bố" in n.text for n in notes)
    assert commune.id not in {n.user_id for n in notes}


def test_the_may_job_leaves_a_campaign_the_office_made_by_hand(db, runner, make_user):
    make_user("city")
    assert runner.invoke(args=["campaigns", "create-may", "2027", "--publish"]).exit_code == 0
    run = run_job("may_campaign", as_of=date(2027, 4, 1))
    assert (run.result["campaign"], run.result["created"], run.result["notifications"]) == (
        "thang-van-dong-2027", False, 0)
