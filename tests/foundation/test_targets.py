"""Targets of SPEC §9 against recorded actuals and enrolments recorded at activities."""

from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from app.models import Target, TargetActual
from tests import factories
from tests.support import post_form


def test_targets_seeded_from_the_plans(db):
    targets = {(t.year, t.metric): t.value for t in db.session.scalars(select(Target))}
    assert targets[(2026, "bhxh_participants")] == 1_184_000
    assert targets[(2030, "bhxh_participants")] == 1_551_009
    assert targets[(2030, "bhxh_voluntary")] == 125_000
    assert targets[(2026, "bhyt_coverage")] == 95.5


def test_city_records_an_actual_and_sees_ratio(client, make_user, login, db):
    login(make_user("city"))
    response = post_form(client, "/targets", {"metric": "bhxh_participants", "year": "2026", "month": "6",
                                              "value": "1065600"})
    assert response.status_code == 302
    page = client.get("/targets").get_data(as_text=True)
    assert "1.184.000" in page and "1.065.600" in page and "90,0\u00a0%" in page
    assert db.session.scalar(select(TargetActual.value)) == 1065600


def test_bad_actual_is_refused_beside_the_field(client, make_user, login, db):
    login(make_user("city"))
    for value, message in (("-5", "Giá trị phải từ 0"), ("abc", "Vui lòng nhập một số."), ("", "Vui lòng nhập số thực hiện.")):
        response = post_form(client, "/targets", {"metric": "bhxh_participants", "year": "2026", "month": "6",
                                                  "value": value})
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    rate = post_form(client, "/targets", {"metric": "bhyt_coverage", "year": "2026", "month": "6", "value": "120"})
    assert "Tỷ lệ phải từ 0 đến 100" in rate.get_data(as_text=True)
    assert db.session.scalar(select(TargetActual)) is None


def test_viewer_reads_but_cannot_record(client, make_user, login, db):
    login(make_user("viewer"))
    page = client.get("/targets").get_data(as_text=True)
    assert "1.184.000" in page and "Ghi nhận số thực hiện" not in page
    response = post_form(client, "/targets", {"metric": "bhxh_participants", "year": "2026", "month": "6", "value": "1"})
    assert response.status_code == 403
    assert db.session.scalar(select(TargetActual)) is None


def test_enrolments_recorded_at_held_activities_show_beside_voluntary_target(client, make_user, login, db):
    for status, new_bhxh in (("held", 12), ("held", 30), ("planned", 999)):
        factories.activity("fair", date(2026, 7, 1), status, commune_code=None,
                           results={"consultations": 5, "new_bhxh": new_bhxh})
    login(make_user("city"))
    page = client.get("/targets").get_data(as_text=True)
    row = page.split('data-metric="bhxh_voluntary" data-year="2026"')[1].split("</tr>")[0]
    assert ">42<" in row


def test_targets_excel(client, make_user, login):
    login(make_user("viewer"))
    response = client.get("/targets.xlsx")
    assert response.status_code == 200
    from io import BytesIO

    ws = load_workbook(BytesIO(response.data)).active
    assert ws["A1"].value == "Chỉ tiêu"
    values = {(r[0].value, r[2].value): r[3].value for r in ws.iter_rows(min_row=2)}
    assert values[("Tổng số người tham gia BHXH", 2027)] == 1_267_000
