"""The commune allocation and the monthly actuals through the API (SPEC §12 second wave, §16)."""

import pytest
from sqlalchemy import func, select

from app.models import CommuneActual, CommuneTarget

ROW = {"code": "11311", "year": 2026, "bhxh_bat_buoc": 12_500, "bhxh_tu_nguyen": 1_234, "bhyt_rate": 95.5}
OTHER = {**ROW, "code": "11948", "bhxh_bat_buoc": 8_000}
ACTUAL = {"code": "11311", "month": "2026-06", "bhxh_bat_buoc": 6_250, "bhxh_tu_nguyen": 600, "bhyt_rate": 93}


@pytest.fixture
def headers(make_user, api_token):
    return {role: api_token(make_user(role, username=f"t_{role}")) for role in ("admin", "city", "commune", "viewer")}


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_city_office_stores_the_allocation_and_every_role_reads_it_in_scope(client, db, headers):
    response = client.put("/api/v1/targets/communes", json=[ROW, OTHER], headers=headers["city"])
    assert response.status_code == 200, response.get_json()
    assert [(r["code"], r["bhxh_bat_buoc"]) for r in response.get_json()] == [("11311", 12_500), ("11948", 8_000)]
    assert response.get_json()[0]["name"] == "Phường Hồng Bàng"

    listed = client.get("/api/v1/targets/communes?year=2026", headers=headers["viewer"]).get_json()
    assert [r["code"] for r in listed] == ["11311", "11948"]
    assert listed[0] == {**ROW, "name": "Phường Hồng Bàng"}
    own = client.get("/api/v1/targets/communes?year=2026", headers=headers["commune"]).get_json()
    assert [r["code"] for r in own] == ["11311"]
    assert client.get("/api/v1/targets/communes?year=2027", headers=headers["admin"]).get_json() == []

    again = client.put("/api/v1/targets/communes", json=[{**ROW, "bhyt_rate": 96}], headers=headers["admin"])
    assert again.get_json()[0]["bhyt_rate"] == 96
    assert _count(db, CommuneTarget) == 2  # replaced, not added


def test_a_commune_user_and_a_viewer_cannot_write(client, db, headers):
    for role in ("commune", "viewer"):
        assert client.put("/api/v1/targets/communes", json=[ROW], headers=headers[role]).status_code == 403
        assert client.put("/api/v1/actuals/communes", json=[ACTUAL], headers=headers[role]).status_code == 403
    assert _count(db, CommuneTarget) == _count(db, CommuneActual) == 0


def test_a_wrong_code_a_negative_figure_and_a_duplicate_row_refuse_the_whole_payload(client, db, headers):
    body = [ROW, {**OTHER, "code": "99999"}, {**OTHER, "bhxh_tu_nguyen": -5}, dict(ROW)]
    response = client.put("/api/v1/targets/communes", json=body, headers=headers["city"])
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"2.bhxh_tu_nguyen"}  # the declaration's errors come first
    assert "không âm" in fields["2.bhxh_tu_nguyen"]

    body[2]["bhxh_tu_nguyen"] = 5
    response = client.put("/api/v1/targets/communes", json=body, headers=headers["city"])
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert set(fields) == {"1.code", "3.code"}
    assert "99999" in fields["1.code"] and "dòng 0" in fields["3.code"]
    assert _count(db, CommuneTarget) == 0


@pytest.mark.parametrize("body, field", [
    ([{**ACTUAL, "month": "2026-13"}], "0.month"),
    ([{**ACTUAL, "month": "06/2026"}], "0.month"),
    ([{**ACTUAL, "bhyt_rate": 101}], "0.bhyt_rate"),
    ([{**ACTUAL, "bhxh_bat_buoc": "6.250"}], "0.bhxh_bat_buoc"),
    ([{**ACTUAL, "extra": 1}], "0.extra"),
    ([ACTUAL, ACTUAL], "1.code"),
    ({"code": "11311"}, "body"),
])
def test_bad_actuals_are_refused_by_field(client, db, headers, body, field):
    response = client.put("/api/v1/actuals/communes", json=body, headers=headers["admin"])
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    assert _count(db, CommuneActual) == 0


def test_actuals_are_stored_per_month_and_replaced(client, db, headers):
    may = {**ACTUAL, "month": "2026-05", "bhxh_bat_buoc": 6_000}
    response = client.put("/api/v1/actuals/communes", json=[ACTUAL, may], headers=headers["city"])
    assert response.status_code == 200
    assert [(r["month"], r["bhxh_bat_buoc"]) for r in response.get_json()] == [("2026-05", 6_000), ("2026-06", 6_250)]
    client.put("/api/v1/actuals/communes", json=[{**ACTUAL, "bhxh_bat_buoc": 6_300}], headers=headers["city"])
    stored = db.session.scalar(select(CommuneActual).where(CommuneActual.month == 6))
    assert (stored.year, stored.bhxh_bat_buoc) == (2026, 6_300)
    assert _count(db, CommuneActual) == 2


def test_a_bad_year_is_a_field_error(client, headers):
    response = client.get("/api/v1/targets/communes?year=abc", headers=headers["viewer"])
    assert response.status_code == 422 and "year" in response.get_json()["error"]["fields"]
