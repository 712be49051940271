"""One way to read request parameters (app/params.py): the same `as_of`, page and activity filter on every surface."""

from datetime import date

import pytest

from app import params
from app.campaigns.routine import seed_campaigns

TODAY = date(2026, 7, 8)
SLUG = "bhyt-day-2026"


@pytest.mark.parametrize("raw", ["08/07/2026", "8/7/2026", "2026-07-08", " 2026-07-08 "])
def test_as_of_reads_vietnamese_and_iso_dates(raw):
    assert params.as_of(raw, date(2026, 1, 1)) == TODAY


@pytest.mark.parametrize("raw", ["31/02/2026", "hôm qua", "2026-13-01", "01/01/1800", "9" * 5000])
def test_as_of_refuses_a_bad_date_with_a_message_for_the_field(raw):
    with pytest.raises(params.ParamError) as caught:
        params.as_of(raw, TODAY)
    assert caught.value.fields == {"as_of": "Ngày không hợp lệ (dd/mm/yyyy)."}


def test_as_of_defaults_to_today():
    assert params.as_of("", TODAY) == params.as_of(None, TODAY) == TODAY


@pytest.mark.parametrize(("raw", "page"), [(None, 1), ("", 1), ("3", 3), ("-2", 1), ("abc", 1), ("0", 1),
                                          ("9" * 40, params.MAX_PAGE), ("100001", params.MAX_PAGE)])
def test_page_numbers_stay_in_range(raw, page):
    assert params.page(raw) == page


def test_matrix_page_reads_a_vietnamese_as_of(db, client, login, make_user):
    seed_campaigns("haiphong")
    db.session.commit()
    login(make_user("city"))
    html = client.get(f"/campaigns/{SLUG}/matrix?as_of=01/07/2026").get_data(as_text=True)
    assert "01/07/2026" in html and "Ngày xem không hợp lệ" not in html


def test_api_compliance_reads_both_forms_and_answers_422_with_the_field(db, client, make_user, api_token):
    seed_campaigns("haiphong")
    db.session.commit()
    headers = api_token(make_user("city"))
    iso = client.get(f"/api/v1/campaigns/{SLUG}/compliance?as_of=2026-07-01", headers=headers)
    vi = client.get(f"/api/v1/campaigns/{SLUG}/compliance?as_of=01/07/2026", headers=headers)
    assert iso.status_code == vi.status_code == 200 and iso.json["as_of"] == vi.json["as_of"] == "2026-07-01"
    bad = client.get(f"/api/v1/campaigns/{SLUG}/compliance?as_of=31/02/2026", headers=headers)
    assert bad.status_code == 422 and bad.json["error"]["fields"] == {"as_of": "Ngày không hợp lệ (dd/mm/yyyy)."}


def test_a_bad_as_of_on_a_pdf_link_tells_the_user_why(db, client, login, make_user):
    login(make_user("city"))
    response = client.get("/reports/city-summary.pdf?as_of=hôm-qua")
    assert response.status_code == 400 and "Ngày không hợp lệ (dd/mm/yyyy)." in response.get_data(as_text=True)


def test_activity_filter_page_and_api_refuse_the_same_values(db, client, login, make_user, api_token):
    city = make_user("city")
    api = client.get("/api/v1/activities?kind=party&from=32/13/2026&commune=99999", headers=api_token(city))
    assert api.status_code == 422
    assert set(api.json["error"]["fields"]) == {"kind", "from", "commune"}
    login(city)
    page = client.get("/activities?kind=party&from=32/13/2026&commune=99999")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for message in api.json["error"]["fields"].values():
        assert message in html


def test_api_commune_report_pdf_reads_both_forms(db, client, make_user, api_token):
    seed_campaigns("haiphong")
    db.session.commit()
    headers = api_token(make_user("city"))
    vi = client.get(f"/api/v1/campaigns/{SLUG}/reports/11311.pdf?as_of=01/07/2026", headers=headers)
    assert vi.status_code == 200 and vi.mimetype == "application/pdf"
    bad = client.get(f"/api/v1/campaigns/{SLUG}/reports/11311.pdf?as_of=31/02/2026", headers=headers)
    assert bad.status_code == 422 and bad.json["error"]["fields"] == {"as_of": "Ngày không hợp lệ (dd/mm/yyyy)."}
