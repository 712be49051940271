"""Agencies' activities (SPEC §13): an agency user records its own; they count for city-level requirements and the
agency's own tasks, never for a commune's duties; another agency's activity is 404 on pages, exports and the API."""

import io
from datetime import UTC, date, datetime

from openpyxl import load_workbook
from sqlalchemy import select

from app.compliance.loader import load_matrix
from app.models import Activity, Agency
from tests.support import post_form

LIVESTREAM = {"kind": "livestream", "title": "Tọa đàm trực tuyến về BHYT học sinh", "start": "25/06/2026 08:00",
              "end": "25/06/2026 10:00", "status": "held", "r-livestream-url": "https://example.org/live"}


def test_an_agency_livestream_counts_for_the_city_never_for_a_commune(db):
    agency = db.session.scalar(select(Agency).where(Agency.code == "SYT"))
    start = datetime(2026, 6, 25, 1, tzinfo=UTC)
    db.session.add(Activity(agency_id=agency.id, commune_id=None, kind="livestream", title="Tọa đàm trực tuyến",
                            start_at=start, end_at=start, evidence_date=date(2026, 6, 25), status="held",
                            results={"url": "https://example.org/live"}))
    db.session.commit()
    matrix = load_matrix("bhyt-day-2026", date(2026, 7, 12))
    livestream = next(r for r in matrix.city_requirements if r.key == "livestream")
    assert (livestream.actual, livestream.met) == (1, True)
    assert all(not row.cells[1].evidence for row in matrix.rows)  # duty 2 (livestream counts there) untouched


def test_agency_user_records_its_own_livestream_and_the_city_requirement_is_met(client, db, agency_user, login):
    login(agency_user("SYT"))
    assert "Thêm hoạt động" in client.get("/").get_data(as_text=True)
    form = client.get("/activities/new").get_data(as_text=True)
    assert 'data-owner>Sở Y tế' in form and 'name="commune_code"' not in form
    assert 'name="organiser" type="text" value="Sở Y tế"' in form
    response = post_form(client, "/activities/new", LIVESTREAM)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    activity = db.session.scalar(select(Activity).where(Activity.title == LIVESTREAM["title"]))
    assert (activity.agency.code, activity.commune_id) == ("SYT", None)
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "Sở Y tế" in page and f"/activities/{activity.id}/edit" in page
    assert "report.pdf" not in page  # the staff's documents are not offered to an agency user
    matrix = load_matrix("bhyt-day-2026", date(2026, 7, 12))
    assert next(r for r in matrix.city_requirements if r.key == "livestream").met
    assert all(not row.cells[1].evidence for row in matrix.rows)


def test_another_agencys_activity_is_404_on_pages_exports_and_api(client, db, agency_user, make_user, login,
                                                                  api_token):
    admin = make_user("admin")
    created = client.post("/api/v1/activities", headers=api_token(admin), json={
        "agency_code": "SYT", "kind": "press", "title": "Phóng sự BHYT của Sở Y tế", "start": "2026-06-25T08:00",
        "end": "2026-06-25T09:00", "status": "held", "results": {"outlet": "Báo Hải Phòng"}})
    assert created.status_code == 201, created.get_json()
    syt = created.get_json()
    assert (syt["agency_code"], syt["commune_code"]) == ("SYT", None)
    snv = agency_user("SNV")
    headers = api_token(snv)
    assert client.get(f"/api/v1/activities/{syt['id']}", headers=headers).status_code == 404
    assert client.patch(f"/api/v1/activities/{syt['id']}", headers=headers, json={"title": "x"}).status_code == 404
    assert client.delete(f"/api/v1/activities/{syt['id']}", headers=headers).status_code == 404
    assert client.get("/api/v1/activities", headers=headers).get_json()["total"] == 0
    login(snv)
    for url in (f"/activities/{syt['id']}", f"/activities/{syt['id']}/edit", f"/activities/{syt['id']}/held",
                f"/activities/{syt['id']}/copy", f"/activities/{syt['id']}/delete"):
        assert client.get(url).status_code == 404, url
    assert syt["title"] not in client.get("/activities").get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(client.get("/activities/export.xlsx").data)).active
    assert sheet.max_row == 1  # headers only
    commune = make_user("commune")
    assert client.get(f"/api/v1/activities/{syt['id']}", headers=api_token(commune)).status_code == 404
    viewer = make_user("viewer")
    assert client.get(f"/api/v1/activities/{syt['id']}", headers=api_token(viewer)).status_code == 200


def test_an_agency_cannot_give_its_activity_to_a_commune_or_another_agency(client, agency_user, api_token):
    headers = api_token(agency_user("SNV"))
    body = {"kind": "banner", "title": "Băng rôn", "start": "2026-06-26T08:00", "end": "2026-06-26T09:00",
            "status": "planned"}
    refused = client.post("/api/v1/activities", headers=headers, json={**body, "commune_code": "11311"})
    assert refused.status_code == 422
    assert refused.get_json()["error"]["fields"]["commune_code"] == "Bạn chỉ được ghi hoạt động của đơn vị mình."
    refused = client.post("/api/v1/activities", headers=headers, json={**body, "agency_code": "SYT"})
    assert refused.get_json()["error"]["fields"]["agency_code"] == "Bạn chỉ được ghi hoạt động của đơn vị mình."
    made = client.post("/api/v1/activities", headers=headers, json=body)
    assert made.status_code == 201 and made.get_json()["agency_code"] == "SNV"
    ident = made.get_json()["id"]
    changed = client.patch(f"/api/v1/activities/{ident}", headers=headers, json={"title": "Băng rôn 26/6"})
    assert changed.status_code == 200 and changed.get_json()["agency_code"] == "SNV"


def test_city_office_records_an_agencys_activity_from_the_owner_list(client, db, make_user, login):
    login(make_user("city"))
    form = client.get("/activities/new").get_data(as_text=True)
    assert 'value="cq:BPTTH"' in form
    both = post_form(client, "/activities/new", {**LIVESTREAM, "commune_code": "cq:KHONGCO"})
    assert both.status_code == 422 and "Không có cơ quan, đơn vị mã “KHONGCO”." in both.get_data(as_text=True)
    response = post_form(client, "/activities/new", {**LIVESTREAM, "commune_code": "cq:BPTTH"})
    assert response.status_code == 302
    activity = db.session.scalar(select(Activity).where(Activity.title == LIVESTREAM["title"]))
    assert activity.agency.code == "BPTTH"
    edit = client.get(f"/activities/{activity.id}/edit").get_data(as_text=True)
    assert '<option selected value="cq:BPTTH">' in edit
    history = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "Cơ quan, đơn vị" in history
