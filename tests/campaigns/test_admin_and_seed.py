"""The city office edits campaigns without a developer; the seed creates templates once and keeps edits."""

from datetime import date

import pytest
from sqlalchemy import select

from app.campaigns.routine import seed_campaigns
from app.compliance.loader import load_matrix
from app.models import Campaign, Duty
from app.models.audit import AuditLog
from tests import factories
from tests.campaigns.helpers import duty_form
from tests.support import post_form

SLUG = "bhyt-day-2026"
HB = "11311"


@pytest.fixture
def before_the_start(monkeypatch):
    """Edits made on 15/6/2026, before the campaign starts: they replace the duty's values for every day (after
    the start, the days before the edit keep what it said then: tests/campaigns/test_revisions.py)."""
    monkeypatch.setattr("app.campaigns.routes.today_local", lambda: date(2026, 6, 15))


def test_admin_edit_of_a_duty_window_changes_the_statuses(campaign, client, make_user, login, db, before_the_start):
    factories.activity("radio", date(2026, 7, 6), "held", commune_code=HB)
    assert load_matrix(SLUG, date(2026, 7, 10)).cell(HB, 5).status == "late"
    login(make_user("admin"))
    duty = db.session.scalar(select(Duty).where(Duty.campaign_id == campaign.id, Duty.no == 5))
    url = f"/campaigns/{SLUG}/duties/5"
    response = post_form(client, url, duty_form(duty, window_end="2026-07-06"))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert load_matrix(SLUG, date(2026, 7, 10)).cell(HB, 5).status == "done"
    entry = db.session.scalar(select(AuditLog).where(AuditLog.object_type == "duty"))
    assert entry.details["changes"]["window_end"] == ["2026-07-05", "2026-07-06"]


def test_admin_adds_a_kind_to_a_duty(campaign, client, make_user, login, db, before_the_start):
    factories.activity("press", date(2026, 6, 25), "held", commune_code=HB)
    login(make_user("admin"))
    duty = db.session.scalar(select(Duty).where(Duty.campaign_id == campaign.id, Duty.no == 6))
    post_form(client, f"/campaigns/{SLUG}/duties/6", duty_form(duty, kinds=["online_post", "press"]))
    assert load_matrix(SLUG, date(2026, 7, 1)).cell(HB, 6).status == "done"


def test_duty_form_shows_vietnamese_errors_beside_the_fields(campaign, client, make_user, login, db):
    login(make_user("admin"))
    duty = db.session.scalar(select(Duty).where(Duty.campaign_id == campaign.id, Duty.no == 5))
    response = post_form(client, f"/campaigns/{SLUG}/duties/5",
                         duty_form(duty, kinds=[], min_count="0", window_start="2026-07-10",
                                    window_end="2026-07-01"))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-error-for="kinds">Chọn ít nhất một loại hoạt động.' in html
    assert 'data-error-for="min_count">' in html and "Số lượng tối thiểu" in html
    assert 'data-error-for="window_end">Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.' in html
    db.session.refresh(duty)
    assert duty.window_end == date(2026, 7, 5)


def test_admin_edits_period_and_city_requirement(campaign, client, make_user, login, db, before_the_start):
    login(make_user("admin"))
    response = post_form(client, f"/campaigns/{SLUG}/edit",
                         {"name": campaign.name, "start": "2026-06-20", "end": "2026-07-11", "active": "y"})
    assert response.status_code == 302
    factories.activity("livestream", date(2026, 6, 25), "held", commune_code=None)
    response = post_form(client, f"/campaigns/{SLUG}/requirements/livestream",
                         {"label": "Tối thiểu 02 livestream", "kinds": ["livestream"], "min_count": "2",
                          "window_start": "2026-06-22", "window_end": "2026-07-11"})
    assert response.status_code == 302
    db.session.refresh(campaign)
    assert campaign.start == date(2026, 6, 20)
    req = {r.key: r for r in load_matrix(SLUG, date(2026, 7, 1)).city_requirements}["livestream"]
    assert (req.required, req.actual, req.met) == (2, 1, False)


def test_campaign_edit_refuses_end_before_start(campaign, client, make_user, login):
    login(make_user("admin"))
    response = post_form(client, f"/campaigns/{SLUG}/edit",
                         {"name": campaign.name, "start": "2026-07-11", "end": "2026-06-22"})
    assert response.status_code == 422
    assert 'data-error-for="end">Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.' in response.get_data(as_text=True)


def test_city_user_cannot_edit_campaigns(campaign, client, make_user, login):
    login(make_user("city"))
    assert client.get(f"/campaigns/{SLUG}/edit").status_code == 403
    assert client.get(f"/campaigns/{SLUG}/duties/1").status_code == 403


def test_seed_creates_the_campaign_once_and_keeps_admin_edits(db, runner):
    assert runner.invoke(args=["seed"]).exit_code == 0
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == SLUG))
    assert [d.no for d in campaign.duties] == list(range(1, 10))
    assert len(campaign.city_requirements) == 5
    campaign.duties[4].window_end = date(2026, 7, 6)
    db.session.commit()
    assert runner.invoke(args=["seed"]).exit_code == 0
    assert seed_campaigns("haiphong") == []
    db.session.expire_all()
    assert db.session.scalars(select(Campaign)).all() == [campaign]
    assert campaign.duties[4].window_end == date(2026, 7, 6)


def test_seeded_campaign_matches_the_template(campaign):
    from app.compliance.loader import campaign_spec
    from app.compliance.templates import bhyt_day_2026

    assert campaign_spec(campaign) == bhyt_day_2026()


def test_create_may_campaign_from_the_cli(db, runner):
    result = runner.invoke(args=["campaigns", "create-may", "2027"])
    assert result.exit_code == 0, result.output
    from app.compliance.loader import campaign_spec, load_campaign
    from app.compliance.templates import thang_van_dong

    assert campaign_spec(load_campaign("thang-van-dong-2027")) == thang_van_dong(2027)
    assert runner.invoke(args=["campaigns", "create-may", "2027"]).exit_code != 0


def test_matrix_filters_and_sort(campaign, client, make_user, login):
    factories.activity("fair", date(2026, 7, 1), "held", commune_code=HB)
    login(make_user("city"))
    base = f"/campaigns/{SLUG}/matrix?as_of=2026-07-01"
    done = client.get(f"{base}&status=done&duty=3").get_data(as_text=True)
    assert 'data-commune="11311"' in done and done.count('<tr data-commune=') == 1
    special = client.get(f"{base}&kind=dac_khu").get_data(as_text=True)
    assert 'data-commune="11948"' in special and 'data-commune="11311"' not in special
    by_name = client.get(f"{base}&q=hong bang").get_data(as_text=True)
    assert 'data-commune="11311"' in by_name
    first = client.get(f"{base}&sort=-completion").get_data(as_text=True)
    assert first.index('data-commune="11311"') < first.index('data-commune="11948"')
    assert 'href="/activities/' in done and "Đã hoàn thành" in done
    assert client.get(f"/campaigns/{SLUG}/matrix?as_of=hôm-nay").status_code == 200
