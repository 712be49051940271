"""Commune scoping (404 for another commune everywhere) and the commune report: submit, paper, unlock, 409."""

import csv
import io
from datetime import date

from sqlalchemy import select

from app.models import ReportSubmission
from tests import factories
from tests.support import post_form

SLUG = "bhyt-day-2026"
HB, BLV = "11311", "11948"


def test_commune_user_is_sent_from_the_matrix_to_their_own_page(campaign, client, make_user, login):
    login(make_user("commune"))
    response = client.get(f"/campaigns/{SLUG}/matrix?as_of=2026-07-01")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/campaigns/{SLUG}/communes/{HB}?as_of=2026-07-01")
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Phường Hồng Bàng" in page.get_data(as_text=True)


def test_commune_user_gets_404_for_another_communes_page(campaign, client, make_user, login):
    login(make_user("commune"))
    assert client.get(f"/campaigns/{SLUG}/communes/{BLV}").status_code == 404
    assert post_form(client, f"/campaigns/{SLUG}/communes/{BLV}/submit", {},
                     form_url=f"/campaigns/{SLUG}/communes/{HB}").status_code == 404


def test_commune_user_export_holds_only_their_row(campaign, client, make_user, login):
    login(make_user("commune"))
    rows = list(csv.reader(io.StringIO(client.get(f"/campaigns/{SLUG}/matrix.csv").data.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [HB]


def test_api_compliance_gives_a_commune_user_only_their_commune(campaign, client, make_user, api_token):
    body = client.get(f"/api/v1/campaigns/{SLUG}/compliance?as_of=2026-07-01",
                      headers=api_token(make_user("commune"))).get_json()
    assert [c["code"] for c in body["communes"]] == [HB]
    assert body["as_of"] == "2026-07-01" and len(body["communes"][0]["duties"]) == 9


def test_api_compliance_bad_date_and_unknown_campaign(campaign, client, make_user, api_token):
    headers = api_token(make_user("city"))
    bad = client.get(f"/api/v1/campaigns/{SLUG}/compliance?as_of=01-07-2026", headers=headers)
    assert bad.status_code == 422 and "as_of" in bad.get_json()["error"]["fields"]
    assert client.get("/api/v1/campaigns/khong-co/compliance", headers=headers).status_code == 404


def test_api_lists_campaigns_with_duties(campaign, client, make_user, api_token):
    body = client.get("/api/v1/campaigns", headers=api_token(make_user("viewer"))).get_json()
    bhyt = next(c for c in body if c["slug"] == SLUG)
    assert (bhyt["start"], bhyt["end"], len(bhyt["duties"])) == ("2026-06-22", "2026-07-11", 9)
    assert bhyt["duties"][4]["window_end"] == "2026-07-05"


def test_api_commune_submits_once_then_409_then_unlock_allows_again(campaign, client, make_user, api_token, db):
    headers = api_token(make_user("commune"))
    first = client.post(f"/api/v1/campaigns/{SLUG}/reports", json={"commune_code": HB}, headers=headers)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["commune_code"] == HB and first.get_json()["source"] == "online"
    again = client.post(f"/api/v1/campaigns/{SLUG}/reports", json={"commune_code": HB}, headers=headers)
    assert again.status_code == 409

    from app.campaigns.services import unlock_submission
    from app.models.types import utcnow

    admin = make_user("admin")
    unlock_submission(db.session.get(ReportSubmission, first.get_json()["id"]), admin, utcnow())
    db.session.commit()
    third = client.post(f"/api/v1/campaigns/{SLUG}/reports", json={"commune_code": HB}, headers=headers)
    assert third.status_code == 201


def test_api_commune_user_cannot_submit_for_another_commune_or_backdate(campaign, client, make_user, api_token):
    headers = api_token(make_user("commune"))
    other = client.post(f"/api/v1/campaigns/{SLUG}/reports", json={"commune_code": BLV}, headers=headers)
    assert other.status_code == 404
    backdated = client.post(f"/api/v1/campaigns/{SLUG}/reports",
                            json={"commune_code": HB, "submitted_on": "2026-07-01"}, headers=headers)
    assert backdated.status_code == 403


def test_api_city_records_a_paper_report_with_its_date(campaign, client, make_user, api_token):
    headers = api_token(make_user("city"))
    response = client.post(f"/api/v1/campaigns/{SLUG}/reports",
                           json={"commune_code": BLV, "submitted_on": "2026-07-08"}, headers=headers)
    assert response.status_code == 201
    assert (response.get_json()["submitted_on"], response.get_json()["source"]) == ("2026-07-08", "paper")
    body = client.get(f"/api/v1/campaigns/{SLUG}/compliance?as_of=2026-07-09", headers=headers).get_json()
    row = next(c for c in body["communes"] if c["code"] == BLV)
    assert row["duties"][8]["status"] == "late"


def test_api_report_bad_input_is_never_a_500(campaign, client, make_user, api_token):
    headers = api_token(make_user("admin"))
    url = f"/api/v1/campaigns/{SLUG}/reports"
    assert client.post(url, data="không phải JSON", headers=headers).status_code == 400
    assert client.post(url, json={}, headers=headers).status_code == 422
    assert client.post(url, json={"commune_code": 11311}, headers=headers).status_code == 422
    assert client.post(url, json={"commune_code": HB, "submitted_on": "hôm qua"}, headers=headers).status_code == 422
    assert client.post(url, json={"commune_code": HB, "submitted_on": "2999-01-01"},
                       headers=headers).status_code == 422
    assert client.post(url, json={"commune_code": "00000"}, headers=headers).status_code == 404
    assert client.post("/api/v1/campaigns/khong-co/reports", json={"commune_code": HB},
                       headers=headers).status_code == 404
    viewer = api_token(make_user("viewer"))
    assert client.post(url, json={"commune_code": HB}, headers=viewer).status_code == 403


def test_commune_user_presses_nop_bao_cao(campaign, client, make_user, login, db):
    login(make_user("commune"))
    page_url = f"/campaigns/{SLUG}/communes/{HB}"
    assert "Nộp báo cáo" in client.get(page_url).get_data(as_text=True)
    response = post_form(client, f"{page_url}/submit", {"note": "Báo cáo số 12/BC"}, form_url=page_url)
    assert response.status_code == 302
    submission = db.session.scalar(select(ReportSubmission))
    assert (submission.source, submission.note) == ("online", "Báo cáo số 12/BC")
    page = client.get(page_url).get_data(as_text=True)
    assert "data-submitted-on" in page and "Mở khóa" not in page


def test_city_records_paper_report_and_admin_unlocks(campaign, client, make_user, login, db):
    page_url = f"/campaigns/{SLUG}/communes/{BLV}"
    login(make_user("city"))
    response = post_form(client, f"{page_url}/paper", {"paper-submitted_on": "2026-07-07"}, form_url=page_url)
    assert response.status_code == 302
    submission = db.session.scalar(select(ReportSubmission))
    assert (submission.submitted_on, submission.source) == (date(2026, 7, 7), "paper")
    assert post_form(client, f"{page_url}/unlock", {}, form_url=page_url).status_code == 403

    admin = make_user("admin")
    admin_client = client.application.test_client()  # a second browser
    post_form(admin_client, "/login", {"username": admin.username, "password": admin.plain_password})
    assert post_form(admin_client, f"{page_url}/unlock", {}, form_url=page_url).status_code == 302
    db.session.refresh(submission)
    assert submission.unlocked_at is not None and submission.unlocked_by_id == admin.id
    assert "Ghi nhận báo cáo bản giấy" in admin_client.get(page_url).get_data(as_text=True)


def test_paper_report_in_the_future_is_refused_with_a_vietnamese_message(campaign, client, make_user, login, db):
    page_url = f"/campaigns/{SLUG}/communes/{BLV}"
    login(make_user("admin"))
    response = post_form(client, f"{page_url}/paper", {"paper-submitted_on": "2999-01-01"}, form_url=page_url,
                         follow_redirects=True)
    assert "Ngày nhận báo cáo không được sau hôm nay." in response.get_data(as_text=True)
    assert db.session.scalar(select(ReportSubmission)) is None


def test_viewer_sees_matrix_but_cannot_submit(campaign, client, make_user, login):
    login(make_user("viewer"))
    assert client.get(f"/campaigns/{SLUG}/matrix").status_code == 200
    page_url = f"/campaigns/{SLUG}/communes/{HB}"
    page = client.get(page_url).get_data(as_text=True)
    assert "Nộp báo cáo" not in page
    assert client.post(f"{page_url}/submit", data={}).status_code in (400, 403)


def test_the_database_refuses_a_second_counting_report(campaign, db):
    """Two clicks that race past the service's check still leave one counting report."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    factories.submission(campaign, HB, date(2026, 7, 5))
    with pytest.raises(IntegrityError):
        factories.submission(campaign, HB, date(2026, 7, 6))
    db.session.rollback()


def test_submit_report_turns_a_lost_race_into_submission_exists(campaign, db, make_user, monkeypatch):
    import pytest

    from app.campaigns import services
    from app.models import Commune
    from app.models.types import utcnow

    factories.submission(campaign, HB, date(2026, 7, 5))
    real = services.current_submission
    calls = []

    def blind_first_time(c, commune):  # the other click had not committed yet when we looked
        calls.append(1)
        return None if len(calls) == 1 else real(c, commune)

    monkeypatch.setattr(services, "current_submission", blind_first_time)
    hb = db.session.scalar(select(Commune).where(Commune.code == HB))
    with pytest.raises(services.SubmissionExists) as exc:
        services.submit_report(campaign, hb, make_user("commune"), utcnow())
    assert exc.value.submission.submitted_on == date(2026, 7, 5)
    assert db.session.scalar(select(db.func.count()).select_from(ReportSubmission)) == 1
