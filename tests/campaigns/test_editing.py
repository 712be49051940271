"""The city office edits a campaign freely (SPEC §18, issue 21): add, remove, retire, reorder duties and city
requirements, choose the official messages, create and copy campaigns from the pages and the API."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import delete, func, select

from app.compliance.loader import load_matrix
from app.formatting import today_local
from app.models import Activity, Campaign, CampaignMessage, CityRequirement, Duty, Message
from app.models.audit import AuditLog
from tests import factories
from tests.activities.helpers import form_data, payload
from tests.support import csrf_from, post_form

SLUG = "bhyt-day-2026"
HB = "11311"
CONTEST_DUTY = {"text": "Tổ chức hội thi tìm hiểu chính sách BHYT", "evidence": "activity", "kinds": ["contest"],
                "min_count": "1", "window_start": "2026-06-22", "window_end": "2026-07-11", "hint": ""}


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _pdf_text(data: bytes) -> str:
    return _flat(" ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages))


def _edit_page(client) -> str:
    return client.get(f"/campaigns/{SLUG}/edit").get_data(as_text=True)


def _act(client, what: str, action: str):
    return post_form(client, f"/campaigns/{SLUG}/{what}/{action}", {}, form_url=f"/campaigns/{SLUG}/edit")


def test_an_added_duty_shows_in_the_matrix_the_api_the_excel_and_the_commune_pdf(campaign, client, make_user, login, api_token, db):
    contest = factories.activity("contest", date(2026, 7, 1), "held", commune_code=HB)
    admin = make_user("admin")
    login(admin)
    response = post_form(client, f"/campaigns/{SLUG}/duties/new", CONTEST_DUTY)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    duty = db.session.scalar(select(Duty).where(Duty.campaign_id == campaign.id, Duty.no == 10))
    assert duty.text == CONTEST_DUTY["text"] and duty.added_on == today_local()
    assert load_matrix(SLUG, today_local()).cell(HB, 10).status == "done"

    page = client.get(f"/campaigns/{SLUG}/matrix").get_data(as_text=True)
    assert 'data-duty="10"' in page and f'data-cell="{HB}-10" data-status="done"' in page
    api = client.get(f"/api/v1/campaigns/{SLUG}/compliance", headers=api_token(admin)).get_json()
    row = next(c for c in api["communes"] if c["code"] == HB)
    assert {"no": 10, "status": "done", "evidence": [contest.id]} in row["duties"] and row["total"] == 10
    sheet = load_workbook(BytesIO(client.get(f"/campaigns/{SLUG}/matrix.xlsx").data)).active
    header = [c.value for c in sheet[1]] if sheet[1][0].value == "Mã" else next(
        [c.value for c in r] for r in sheet.iter_rows() if r[0].value == "Mã")
    assert "Nhiệm vụ 10" in header
    pdf = _pdf_text(client.get(f"/campaigns/{SLUG}/communes/{HB}/report.pdf").data)
    assert "hội thi tìm hiểu chính sách" in pdf
    # The past replays as it was: on 02/7/2026 the campaign had nine duties.
    assert [d.no for d in load_matrix(SLUG, date(2026, 7, 2)).campaign.duties] == list(range(1, 10))
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "add", AuditLog.object_type == "duty"))


def test_removing_a_duty_with_evidence_is_refused_with_a_message(campaign, client, make_user, login, db):
    factories.activity("radio", date(2026, 6, 25), "held", commune_code=HB)
    login(make_user("admin"))
    response = _act(client, "duties/5", "remove")
    assert response.status_code == 302
    page = _edit_page(client)
    assert "Không thể xóa nhiệm vụ 5: đã có 1 minh chứng" in page and "Thôi áp dụng" in page
    assert db.session.scalar(select(Duty.id).where(Duty.campaign_id == campaign.id, Duty.no == 5))


def test_a_duty_without_evidence_is_removed_and_the_removal_audited(campaign, client, make_user, login, db,
                                                                      monkeypatch):
    monkeypatch.setattr("app.campaigns.editor.today_local", lambda: date(2026, 6, 15))  # before the start
    login(make_user("admin"))
    assert _act(client, "duties/8", "remove").status_code == 302
    assert "Đã xóa nhiệm vụ 8." in _edit_page(client)
    assert 8 not in [d.no for d in load_matrix(SLUG, date(2026, 7, 2)).campaign.duties]
    entry = db.session.scalar(select(AuditLog).where(AuditLog.action == "remove"))
    assert entry.details["no"] == 8 and entry.details["kinds"] == ["integrated"]


def test_removing_a_duty_after_the_start_retires_it_so_the_past_days_replay_with_it(campaign, client, make_user,
                                                                                    login, db):
    """No evidence counts for duty 8, but on 02/7/2026 every commune had it (pending or overdue): a removal made
    after the start keeps those days as they were and stops the duty from today."""
    before = load_matrix(SLUG, date(2026, 7, 10))
    login(make_user("admin"))
    assert _act(client, "duties/8", "remove").status_code == 302
    page = _edit_page(client)
    assert "nhiệm vụ 8 được thôi áp dụng từ ngày" in page and "các ngày trước vẫn tính như cũ" in page
    after = load_matrix(SLUG, date(2026, 7, 10))
    assert [d.no for d in after.campaign.duties] == list(range(1, 10))
    assert [c.status for c in after.row(HB).cells] == [c.status for c in before.row(HB).cells]
    assert 8 not in [d.no for d in load_matrix(SLUG, today_local()).campaign.duties]
    assert db.session.scalar(select(Duty.retired_on).where(Duty.campaign_id == campaign.id, Duty.no == 8))
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "retire", AuditLog.object_type == "duty"))


def test_a_retired_duty_leaves_today_and_stays_in_the_past(campaign, client, make_user, login, db):
    factories.activity("radio", date(2026, 6, 25), "held", commune_code=HB)
    login(make_user("admin"))
    assert _act(client, "duties/5", "retire").status_code == 302
    assert 5 not in [d.no for d in load_matrix(SLUG, today_local()).campaign.duties]
    assert load_matrix(SLUG, date(2026, 7, 2)).cell(HB, 5).status == "done"
    assert 'data-retired="' in _edit_page(client)
    assert _act(client, "duties/5", "restore").status_code == 302
    assert 5 in [d.no for d in load_matrix(SLUG, today_local()).campaign.duties]


def test_reordering_duties_changes_the_order_everywhere_but_not_their_numbers(campaign, client, make_user, login, api_token, db):
    admin = make_user("admin")
    login(admin)
    assert _act(client, "duties/9", "up").status_code == 302
    order = [1, 2, 3, 4, 5, 6, 7, 9, 8]
    assert [d.no for d in load_matrix(SLUG, date(2026, 7, 2)).campaign.duties] == order
    answer = client.get("/api/v1/campaigns", headers=api_token(admin)).get_json()
    assert [d["no"] for d in next(c for c in answer if c["slug"] == SLUG)["duties"]] == order
    assert db.session.scalar(select(AuditLog).where(AuditLog.action == "reorder")).details["duties"] == order


def test_city_requirements_are_added_and_removed(campaign, client, make_user, login, db):
    login(make_user("admin"))
    response = post_form(client, f"/campaigns/{SLUG}/requirements/new", {
        "label": "Tối thiểu 02 hội thi tìm hiểu chính sách trên toàn thành phố", "kinds": ["contest"],
        "min_count": "2", "window_start": "2026-06-22", "window_end": "2026-07-11"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    key = db.session.scalar(select(CityRequirement.key).where(CityRequirement.min_count == 2))
    assert key.startswith("toi-thieu-02-hoi-thi")
    factories.activity("livestream", date(2026, 6, 30), "held", commune_code=None)
    _act(client, "requirements/livestream", "remove")
    assert "Không thể xóa yêu cầu cấp thành phố" in _edit_page(client)
    assert _act(client, f"requirements/{key}", "remove").status_code == 302
    keys = [r.key for r in load_matrix(SLUG, date(2026, 7, 2)).city_requirements]
    assert key not in keys and "livestream" in keys


def test_a_new_duty_form_shows_vietnamese_errors(campaign, client, make_user, login):
    login(make_user("admin"))
    response = post_form(client, f"/campaigns/{SLUG}/duties/new", {**CONTEST_DUTY, "text": "", "kinds": []})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vui lòng nhập nội dung nhiệm vụ." in html and "Chọn ít nhất một loại hoạt động." in html


NEW_MESSAGE = "Tham gia BHYT hộ gia đình, cả nhà an tâm."


@pytest.fixture
def added_messages(db):
    """Messages the office adds (numbers from 20) are reference rows: removed again after the test."""
    yield
    db.session.rollback()
    db.session.execute(delete(CampaignMessage).where(CampaignMessage.message_id > 19))
    db.session.execute(delete(Message).where(Message.id > 19))
    db.session.commit()


def _choose_messages(client, chosen: list[str]):
    response = post_form(client, f"/campaigns/{SLUG}/messages", {"messages": chosen, "new_message": NEW_MESSAGE})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def test_the_campaigns_official_messages_are_chosen_and_new_ones_added(campaign, client, make_user, login, db, added_messages):
    login(make_user("admin"))
    _choose_messages(client, ["1", "4", "18"])
    db.session.expire_all()
    chosen = [m.message_id for m in db.session.scalar(select(Campaign).where(Campaign.slug == SLUG)).messages]
    assert chosen == [1, 4, 18, 20]
    assert db.session.get(Message, 20).text == NEW_MESSAGE
    assert {e.action for e in db.session.scalars(select(AuditLog))} >= {"set_messages", "add_message"}


def _offered(client) -> list[str]:
    return re.findall(r'name="messages" type="checkbox" value="(\d+)"', client.get("/activities/new").get_data(as_text=True))


def test_an_added_message_is_chosen_on_the_activity_form_and_the_api_and_shows_in_its_documents(campaign, client, make_user, login, api_token, db, added_messages):
    """SPEC §8, §18: the form offers the campaign's set (message 7 left out, 20 added); the API takes 20, not 21."""
    admin = make_user("admin")
    login(admin)
    _choose_messages(client, [str(n) for n in range(1, 20) if n != 7])
    assert _offered(client) == [str(n) for n in (*range(1, 7), *range(8, 21))]
    response = post_form(client, "/activities/new", {**form_data("fair"), "messages": ["20", "3"]})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    by_form = db.session.scalar(select(Activity).order_by(Activity.id.desc()))
    assert by_form.messages == [3, 20]
    assert NEW_MESSAGE in client.get(f"/activities/{by_form.id}").get_data(as_text=True)
    assert NEW_MESSAGE in _pdf_text(client.get(f"/activities/{by_form.id}/report.pdf").data)
    assert "3, 20" in client.get("/activities/export.csv").get_data(as_text=True)

    headers = api_token(admin)
    created = client.post("/api/v1/activities", json=payload("radio", messages=[20]), headers=headers)
    assert created.status_code == 201 and created.get_json()["messages"] == [20]
    refused = client.post("/api/v1/activities", json=payload("radio", messages=[20, 21]), headers=headers)
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["messages"] == "Không có thông điệp số 21."
    # Message 7, left out of the campaign's set, is still taken from the API and kept on the activity's edit form.
    kept = client.post("/api/v1/activities", json=payload("radio", messages=[7]), headers=headers).get_json()
    edit = client.get(f"/activities/{kept['id']}/edit").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="messages" type="checkbox" value="7"', edit)


def test_copy_and_publish_from_the_pages(campaign, client, make_user, login, db):
    login(make_user("admin"))
    response = post_form(client, "/campaigns/copy", {"source": SLUG, "slug": "bhyt-day-2027", "years": "1"},
                         form_url="/campaigns/new")
    assert response.status_code == 302 and response.headers["Location"].endswith("/campaigns/bhyt-day-2027/edit")
    page = client.get("/campaigns/bhyt-day-2027/edit").get_data(as_text=True)
    assert 'data-state="draft"' in page and "01/07/2027" in page
    post_form(client, "/campaigns/bhyt-day-2027/publish", {}, form_url="/campaigns/bhyt-day-2027/edit")
    assert db.session.scalar(select(Campaign.state).where(Campaign.slug == "bhyt-day-2027")) == "published"
    taken = post_form(client, "/campaigns/copy", {"source": SLUG, "slug": "bhyt-day-2027", "years": "1"},
                      form_url="/campaigns/new")
    assert taken.status_code == 422 and "Đã có chiến dịch mã" in taken.get_data(as_text=True)


def test_create_the_may_campaign_from_the_citys_template(db, client, make_user, login):
    login(make_user("admin"))
    response = post_form(client, "/campaigns/new", {"template": "thang-van-dong", "year": "2028"})
    assert response.status_code == 302
    campaign = db.session.scalar(select(Campaign).where(Campaign.slug == "thang-van-dong-2028"))
    assert (campaign.state, campaign.start, len(campaign.duties)) == ("draft", date(2028, 4, 1), 3)
    again = post_form(client, "/campaigns/new", {"template": "thang-van-dong", "year": "2028"})
    assert again.status_code == 422 and "Đã có chiến dịch mã" in again.get_data(as_text=True)


def test_post_campaigns_copies_a_campaign_through_the_api(campaign, client, make_user, api_token, db):
    admin, commune = api_token(make_user("admin")), api_token(make_user("commune"))
    body = {"copy_from": SLUG, "slug": "bhyt-day-2027", "years": 1}
    response = client.post("/api/v1/campaigns", json=body, headers=admin)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["slug"], created["state"], created["start"], created["end"]) == (
        "bhyt-day-2027", "draft", "2027-06-22", "2027-07-11")
    assert {d["no"]: d["window_end"] for d in created["duties"]}[9] == "2027-07-07"
    assert "bhyt-day-2027" not in [c["slug"] for c in client.get("/api/v1/campaigns", headers=commune).get_json()]
    assert client.post("/api/v1/campaigns", json=body, headers=admin).status_code == 409
    published = client.post("/api/v1/campaigns", json={**body, "slug": "bhyt-day-2028", "years": 2, "publish": True},
                            headers=admin).get_json()
    assert published["state"] == "published" and published["start"] == "2028-06-22"
    assert client.post("/api/v1/campaigns", json=body, headers=commune).status_code == 403


def test_post_campaigns_answers_422_with_vietnamese_field_messages(campaign, client, make_user, api_token):
    admin = api_token(make_user("admin"))
    for body, field in (({"copy_from": SLUG, "slug": "x-2027", "years": "1"}, "years"),
                        ({"copy_from": SLUG, "slug": "x-2027", "years": 40}, "years"),
                        ({"copy_from": SLUG, "slug": "Ngày BHYT", "years": 1}, "slug"),
                        ({"copy_from": "khong-co", "slug": "x-2027", "years": 1}, "copy_from"),
                        ({"slug": "x-2027", "years": 1}, "copy_from"),
                        ({"copy_from": SLUG, "slug": "x-2027", "years": 1, "extra": True}, "extra")):
        response = client.post("/api/v1/campaigns", json=body, headers=admin)
        assert response.status_code == 422, (body, response.get_json())
        assert field in response.get_json()["error"]["fields"], body
    assert client.post("/api/v1/campaigns", data="[", headers=admin).status_code == 400


def test_activities_filter_uses_the_stored_campaign_period_after_the_office_moves_its_end(campaign, client, make_user, login, api_token, db):
    admin = make_user("admin")
    headers = api_token(admin)
    inside = factories.activity("radio", date(2026, 7, 15), "held", commune_code=HB)
    factories.activity("radio", date(2026, 7, 20), "held", commune_code=HB)

    def listed():
        answer = client.get(f"/api/v1/activities?campaign={SLUG}&per_page=200", headers=headers).get_json()
        return {item["id"] for item in answer["items"]}

    assert inside.id not in listed()
    login(admin)
    new_end = campaign.end + timedelta(days=7)
    response = post_form(client, f"/campaigns/{SLUG}/edit", {"name": campaign.name, "start": "2026-06-22",
                                                             "end": new_end.isoformat(), "active": "y"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert listed() == {inside.id}
    assert client.get("/api/v1/activities?campaign=khong-co", headers=headers).status_code == 422


def test_new_duty_and_requirement_forms_sent_twice_add_one_each(campaign, client, make_user, login, db):
    """Issue 22 item 7: a double click on "Thêm" adds one duty (not duties 10 and 11) and one requirement."""
    login(make_user("admin"))
    for what, form in (("duties", CONTEST_DUTY), ("requirements", {"label": "Ít nhất 2 hội thi", "kinds": ["contest"],
                                                                    "min_count": "2"})):
        page = client.get(f"/campaigns/{SLUG}/{what}/new").get_data(as_text=True)
        data = {**form, "csrf_token": csrf_from(page),
                "form_token": re.search(r'name="form_token"[^>]*value="([^"]+)"', page).group(1)}
        assert [client.post(f"/campaigns/{SLUG}/{what}/new", data=data).status_code for _ in range(2)] == [302, 302]
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Duty).where(Duty.campaign_id == campaign.id)) == 10
    assert db.session.scalar(select(func.count()).select_from(CityRequirement)
                             .where(CityRequirement.campaign_id == campaign.id, CityRequirement.min_count == 2,
                                    CityRequirement.label == "Ít nhất 2 hội thi")) == 1
