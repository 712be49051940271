"""The emulation pages (SPEC §16): ranking with its parts and ties, the stored weights, the commendation proposal
as Excel and PDF, and the dashboard's targets block."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from app.models import EmulationWeights
from tests.support import csrf_token, dashboard_with_blocks

AS_OF = "2026-06-30"
# June figures: 11311 reaches every target, 11948 half of them (BHYT 50 of 100 %). On 30/6 every commune's duties
# are 0 % (duty 1 of bhyt-day-2026, due by 29/6, overdue) and its tasks 0 % (I.1, I.3, I.5 of Q I overdue).
TARGETS = [{"code": code, "year": 2026, "bhxh_bat_buoc": 1_000, "bhxh_tu_nguyen": 100, "bhyt_rate": 100.0}
           for code in ("11311", "11948")]
ACTUALS = [{"code": "11311", "month": "2026-06", "bhxh_bat_buoc": 1_000, "bhxh_tu_nguyen": 100, "bhyt_rate": 100.0},
           {"code": "11948", "month": "2026-06", "bhxh_bat_buoc": 500, "bhxh_tu_nguyen": 50, "bhyt_rate": 50.0}]


@pytest.fixture
def office(client, login, make_user, api_token):
    user = make_user("city", username="emu_city")
    headers = api_token(user)
    assert client.put("/api/v1/targets/communes", json=TARGETS, headers=headers).status_code == 200
    assert client.put("/api/v1/actuals/communes", json=ACTUALS, headers=headers).status_code == 200
    login(user)
    return client, headers


def _rows(html: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<tr data-commune="(\d+)" data-rank="(\d+)">.*?data-field="score">([\d,]+)<', html, re.S)


def test_the_ranking_shows_each_part_and_explains_ties(office):
    client, _ = office
    page = client.get(f"/chi-tieu/thi-dua?year=2026&as_of={AS_OF}").get_data(as_text=True)
    rows = _rows(page)
    # 11311 = 0.4·0 + 0.2·0 + 0.4·100 = 40, 11948 = 0.4·50 = 20, every other commune 0: 112 tied at rank 3
    assert rows[:3] == [("11311", "1", "40,00"), ("11948", "2", "20,00"), (rows[2][0], "3", "0,00")]
    assert len(rows) == 114 and {r[1] for r in rows[2:]} == {"3"}
    assert page.count("data-tie-note") == 112 and "xếp theo tên" in page
    assert "40\u00a0%" in page and "20\u00a0%" in page  # the weights in use


def test_the_city_office_sets_the_weights_and_the_ranking_follows(office, db):
    client, headers = office
    url = f"/chi-tieu/thi-dua/trong-so?year=2026&as_of={AS_OF}"
    token = csrf_token(client, "/chi-tieu/thi-dua")
    bad = client.post(url, data={"csrf_token": token, "duties": "50", "tasks": "30", "targets": "30"})
    assert bad.status_code == 422 and "cộng lại bằng 100 %" in bad.get_data(as_text=True)
    assert db.session.scalar(select(EmulationWeights)) is None
    assert client.post(url, data={"csrf_token": token, "duties": "0", "tasks": "90", "targets": "10"}).status_code == 302
    # 11311: (0.9·0 + 0.1·100) / 1 = 10; 11948: 0.1·50 = 5
    rows = _rows(client.get(f"/chi-tieu/thi-dua?year=2026&as_of={AS_OF}").get_data(as_text=True))
    assert rows[:2] == [("11311", "1", "10,00"), ("11948", "2", "5,00")]
    api = client.get(f"/api/v1/emulation?year=2026&as_of={AS_OF}", headers=headers).get_json()
    assert [(r["code"], r["score"]) for r in api[:2]] == [("11311", 10.0), ("11948", 5.0)]
    # another year keeps the default weights
    assert "40\u00a0%" in client.get("/chi-tieu/thi-dua?year=2027&as_of=2027-06-30").get_data(as_text=True)


def test_a_commune_with_a_target_and_no_actual_says_so_in_its_targets_part(office):
    client, headers = office
    waiting = {**TARGETS[0], "code": "11329"}
    assert client.put("/api/v1/targets/communes", json=[waiting], headers=headers).status_code == 200
    page = client.get(f"/chi-tieu/thi-dua?year=2026&as_of={AS_OF}").get_data(as_text=True)
    row = page[page.index('<tr data-commune="11329"'):]
    row = row[:row.index("</tr>")]
    # duties 0 %, tasks 0 %, no targets part: (0.4·0 + 0.2·0) / 0.6 = 0, and the cell says why
    assert 'data-field="score">0,00<' in row and 'data-missing="no_data">Chưa có số liệu<' in row
    other = page[page.index('<tr data-commune="10507"'):]
    assert "data-missing" not in other[:other.index("</tr>")]  # no target at all: "—", not "no data"


def test_the_commendation_proposal_as_excel_and_pdf(office):
    client, _ = office
    book = load_workbook(io.BytesIO(client.get(f"/chi-tieu/thi-dua.xlsx?year=2026&as_of={AS_OF}&top=2").data))
    proposed = list(book["Đề xuất khen thưởng"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[1], r[3]) for r in proposed] == [(1, "11311", 40.0), (2, "11948", 20.0)]
    assert book["Bảng xếp hạng"].max_row == 2 + 114
    pdf = client.get(f"/chi-tieu/thi-dua.pdf?year=2026&as_of={AS_OF}&top=2")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_the_commune_sees_its_own_line_and_the_dashboard_shows_the_targets_block(client, login, make_user, office):
    client, _ = office
    page = dashboard_with_blocks(client, "/dashboard?as_of=30/06/2026&tsort=bhxh_bat_buoc&tdir=desc")
    block = page[page.index("data-targets-dashboard"):]
    assert 'data-count="below">0<' in block  # 11948's 50 % by 30/6 is on pace (49.6 %); the others have no data
    table = block[block.index('data-table="targets-by-commune"'):block.index('data-table="ranking-top"')]
    assert table.index('data-commune="11311"') < table.index('data-commune="11948"')  # 100 % before 50 %
    assert 'aria-sort="descending"' in table
    assert 'data-band="done"' in table and "Đã đạt chỉ tiêu năm" in table and "Đạt tiến độ" in table
    top = block[block.index('data-table="ranking-top"'):]
    assert top.index('data-commune="11311"') < top.index('data-commune="11948"')
    # a column the block does not show (its enrolments at activities are not read) sorts by the band instead
    hidden = dashboard_with_blocks(client, "/dashboard?as_of=30/06/2026&tsort=new_bhxh&tdir=desc")
    head = hidden[hidden.index('data-table="targets-by-commune"'):]
    head = head[:head.index("</thead>")]
    assert head.count("aria-sort") == 1 and re.search(r'aria-sort="descending"><a [^>]*tsort=band', head)

    client.post("/logout", data={"csrf_token": csrf_token(client, "/profile")})
    login(make_user("commune", username="emu_coso", commune_code="11948"))
    own = _rows(client.get(f"/chi-tieu/thi-dua?year=2026&as_of={AS_OF}").get_data(as_text=True))
    assert own == [("11948", "2", "20,00")]
