"""The targets pages (SPEC §16): per commune, "Địa bàn chưa đạt chỉ tiêu" with the city office's note, the Excel."""

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from tests import factories
from tests.support import csrf_token

TARGET = {"year": 2026, "bhxh_bat_buoc": 10_000, "bhxh_tu_nguyen": 1_000, "bhyt_rate": 95.0}
JUNE = {"month": "2026-06", "bhyt_rate": 90.0}
HONG_BANG, AN_LAO = "11311", "11948"


@pytest.fixture
def city(make_user, api_token):
    """The city office's token, with 11311 at 50 % and 11948 at 30 % of BHXH bắt buộc by the end of June."""
    headers = api_token(make_user("city", username="tp_city"))
    targets = [{"code": code, **TARGET} for code in (HONG_BANG, AN_LAO)]
    actuals = [{"code": HONG_BANG, **JUNE, "bhxh_bat_buoc": 5_000, "bhxh_tu_nguyen": 500},
               {"code": AN_LAO, **JUNE, "bhxh_bat_buoc": 3_000, "bhxh_tu_nguyen": 600}]
    return headers, targets, actuals


def _load(client, city):
    headers, targets, actuals = city
    assert client.put("/api/v1/targets/communes", json=targets, headers=headers).status_code == 200
    assert client.put("/api/v1/actuals/communes", json=actuals, headers=headers).status_code == 200


def _cell(html: str, marker: str, field: str) -> str:
    block = html[html.index(marker):]
    found = re.search(rf'data-field="{field}"[^>]*>\s*([^<]*)', block)
    return found.group(1).strip()


def test_fifty_percent_by_30_june_is_on_pro_rata_thirty_is_listed_and_page_api_excel_agree(client, login, city,
                                                                                            make_user):
    _load(client, city)
    login(make_user("viewer", username="tp_viewer"))
    listed = client.get("/chi-tieu/chua-dat?year=2026&as_of=30/06/2026").get_data(as_text=True)
    assert f'data-commune="{AN_LAO}"' in listed and f'data-commune="{HONG_BANG}"' not in listed
    assert "30,0" in listed and "49,6" in listed  # achieved against the share of the year gone by 30/6

    table = client.get("/chi-tieu/?year=2026&as_of=30/06/2026&sort=bhxh_bat_buoc").get_data(as_text=True)
    assert table.index(f'data-commune="{AN_LAO}"') < table.index(f'data-commune="{HONG_BANG}"')  # 30 % first
    assert 'data-count="listed">1<' in table
    assert 'data-band="far_behind"' in table and "Chậm nhiều" in table  # a word and an icon beside the colour

    page = client.get(f"/chi-tieu/{HONG_BANG}?year=2026&as_of=30/06/2026").get_data(as_text=True)
    assert _cell(page, 'data-figure="bhxh_bat_buoc"', "achieved") == "50,0\u00a0%"
    assert _cell(page, 'data-figure="bhxh_bat_buoc"', "actual") == "5.000"
    assert _cell(page, 'data-figure="bhxh_bat_buoc"', "expected") == "49,6\u00a0%"
    assert 'data-band="on_track"' in page

    api = client.get("/api/v1/targets/communes?year=2026", headers=city[0]).get_json()
    assert {r["code"]: r["bhxh_bat_buoc"] for r in api} == {HONG_BANG: 10_000, AN_LAO: 10_000}
    sheet = load_workbook(io.BytesIO(client.get("/chi-tieu/xa.xlsx?year=2026&as_of=2026-06-30").data)).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows[HONG_BANG][2:5] == (10_000, 5_000, 0.5) and rows[AN_LAO][2:5] == (10_000, 3_000, 0.3)
    assert rows[AN_LAO][13] == "Chậm nhiều" and rows[HONG_BANG][13] == "Đạt tiến độ"


def test_before_the_june_figures_exist_the_may_ones_are_judged_against_31_may(client, login, city, make_user):
    headers, targets, _ = city
    assert client.put("/api/v1/targets/communes", json=targets, headers=headers).status_code == 200
    may = [{"code": HONG_BANG, "month": "2026-05", "bhxh_bat_buoc": 4_000, "bhxh_tu_nguyen": 420, "bhyt_rate": 90}]
    assert client.put("/api/v1/actuals/communes", json=may, headers=headers).status_code == 200
    login(make_user("viewer", username="tp_viewer2"))
    page = client.get(f"/chi-tieu/{HONG_BANG}?year=2026&as_of=20/06/2026").get_data(as_text=True)
    assert _cell(page, 'data-figure="bhxh_bat_buoc"', "expected") == "41,4\u00a0%"  # 151/365, the end of May
    assert 'data-band="behind"' in page  # 40 % of 41.4 %: 97 % of the pace
    assert 'data-band="no_data"' in client.get(f"/chi-tieu/{AN_LAO}?year=2026&as_of=20/06/2026").get_data(
        as_text=True)


def test_an_enrolment_recorded_at_an_activity_shows_on_the_communes_next_page_load(client, login, make_user,
                                                                                  api_token):
    user = make_user("commune", username="tp_coso")
    conference = factories.activity("conference", date(2026, 5, 12), "held")
    login(user)
    page = client.get("/chi-tieu/?year=2026&as_of=31/05/2026", follow_redirects=True).get_data(as_text=True)
    assert _cell(page, "Ghi nhận tại hoạt động", "recorded-new_bhxh") == "0"

    answer = client.patch(f"/api/v1/activities/{conference.id}", json={"results": {"new_bhxh": 3, "new_bhyt": 2}},
                          headers=api_token(user))
    assert answer.status_code == 200, answer.get_json()
    page = client.get(f"/chi-tieu/{HONG_BANG}?year=2026&as_of=31/05/2026").get_data(as_text=True)
    assert _cell(page, "Ghi nhận tại hoạt động", "recorded-new_bhxh") == "3"
    assert _cell(page, "Ghi nhận tại hoạt động", "recorded-new_bhyt") == "2"
    may = page[page.index('data-month="5"'):]
    assert _cell(may, 'data-month="5"', "month-new_bhxh") == "3"


def test_the_city_office_records_cause_and_responsibility_and_the_commune_sees_its_own(client, login, city,
                                                                                      make_user):
    _load(client, city)
    login(make_user("city", username="tp_city_page"))
    url = f"/chi-tieu/{AN_LAO}/ghi-chu?year=2026&as_of=2026-06-30"
    answer = client.post(url, data={"csrf_token": csrf_token(client, "/chi-tieu/chua-dat"), "back": "list",
                                    "cause": "Doanh nghiệp giải thể", "responsibility": "UBND xã An Lão",
                                    "remedy": "Rà soát hộ kinh doanh"})
    assert answer.status_code == 302 and "/chi-tieu/chua-dat" in answer.headers["Location"]
    listed = client.get("/chi-tieu/chua-dat?year=2026&as_of=30/06/2026").get_data(as_text=True)
    assert "Doanh nghiệp giải thể" in listed
    too_long = client.post(url, data={"csrf_token": csrf_token(client, "/chi-tieu/chua-dat"), "cause": "x" * 2001})
    assert too_long.status_code == 422 and "Tối đa 2000 ký tự" in too_long.get_data(as_text=True)

    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    login(make_user("commune", username="tp_anlao", commune_code=AN_LAO))
    own = client.get("/chi-tieu/chua-dat?year=2026&as_of=30/06/2026").get_data(as_text=True)
    assert f'data-commune="{AN_LAO}"' in own and "Doanh nghiệp giải thể" in own and "<textarea" not in own
    assert client.get(f"/chi-tieu/{HONG_BANG}?year=2026").status_code == 404
    assert client.post(url, data={"csrf_token": csrf_token(client, "/chi-tieu/chua-dat")}).status_code == 403


def test_commune_totals_differing_from_the_city_target_give_a_warning(client, login, city, make_user):
    _load(client, city)  # two communes: 22,000 participants against the city's 1,184,000
    login(make_user("viewer", username="tp_viewer3"))
    page = client.get("/chi-tieu/?year=2026&as_of=30/06/2026").get_data(as_text=True)
    assert 'data-check="bhxh_participants"' in page and "22.000 / 1.184.000" in page
    assert client.get("/chi-tieu/?year=abc&as_of=31/02/2026").status_code == 200  # bad input: defaults, a message
