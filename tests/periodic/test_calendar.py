"""The reporting calendar page (SPEC §15): an ad-hoc period added, a due date edited, bad input answered in Vietnamese."""

from tests.support import post_form


def test_office_adds_an_ad_hoc_period_and_moves_a_due_date(client, make_user, login, api_token):
    admin = make_user("admin")
    login(admin)
    bad = post_form(client, "/bao-cao-dinh-ky/lich", {"key": "x y", "label": "", "data_start": "2026-13-01", "data_end": "", "due": ""})
    assert bad.status_code == 200 and "Mã kỳ gồm" in bad.get_data(as_text=True)
    bad2 = post_form(client, "/bao-cao-dinh-ky/lich", {"key": "2026-DX1", "label": "Đột xuất", "data_start": "2026-03-01", "data_end": "2026-05-01", "due": "2026-04-01"})
    assert "Hạn gửi báo cáo không được trước" in bad2.get_data(as_text=True)
    ok = post_form(client, "/bao-cao-dinh-ky/lich", {"key": "2026-DX1", "label": "Báo cáo đột xuất về BHYT học sinh", "data_start": "2026-01-01", "data_end": "2026-03-31", "due": "2026-04-10"})
    assert ok.status_code == 302
    rows = client.get("/api/v1/periodic-reports?period=2026-DX1&unit=11311&as_of=2026-04-11", headers=api_token(admin)).get_json()
    assert rows[0]["status"] == "overdue", rows
    edit = post_form(client, "/bao-cao-dinh-ky/lich", {"key": "2026-H1", "label": "6 tháng đầu năm 2026", "data_start": "2025-12-15", "data_end": "2026-06-14", "due": "25/06/2026"})
    assert edit.status_code == 302
    rows = client.get("/api/v1/periodic-reports?period=2026-H1&unit=11311&as_of=22/06/2026", headers=api_token(admin)).get_json()
    assert rows[0]["status"] == "pending", rows


def test_a_bad_as_of_is_422_naming_the_field(client, make_user, api_token):
    response = client.get("/api/v1/periodic-reports?period=2026-H1&as_of=31/02/2026",
                          headers=api_token(make_user("admin")))
    assert response.status_code == 422
    assert "as_of" in response.get_json()["error"]["fields"]
