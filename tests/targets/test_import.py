"""Loading the allocation and the actuals from Excel, and editing it on a page (SPEC §16)."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.models import CommuneActual, CommuneTarget
from app.targets.sheet_reader import parse_count, parse_rate
from tests.support import csrf_token

EXAMPLE = Path(__file__).parents[1] / "data" / "targets" / "phan-bo-chi-tieu-2026.xlsx"


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _upload(client, body: bytes, kind="targets", **fields):
    data = {"csrf_token": csrf_token(client, "/chi-tieu/nhap"), "kind": kind, "year": "2026", "month": "06/2026",
            "file": (io.BytesIO(body), "phan-bo.xlsx"), **fields}
    return client.post("/chi-tieu/nhap", data=data, content_type="multipart/form-data")


@pytest.fixture
def office(client, login, make_user):
    login(make_user("city", username="imp_city"))
    return client


def test_vietnamese_numbers_are_read_right():
    assert [parse_count(v)[0] for v in ("1.234", "1.184.000", "1234", 1234, 1234.0, " 12 ")] == [
        1234, 1_184_000, 1234, 1234, 1234, 12]
    assert parse_count("-5")[0] == -5 and parse_count("1,5")[1] and parse_count("12.34")[1]
    assert [parse_rate(v)[0] for v in ("95,5", "95.5", "95,5 %", 95, 95.5)] == [95.5, 95.5, 95.5, 95.0, 95.5]
    assert parse_rate(0.955, percent_cell=True)[0] == 95.5 and parse_rate("cao")[1]


def test_the_example_allocation_stores_exactly_114_targets_after_its_preview(office, db):
    answer = _upload(office, EXAMPLE.read_bytes())
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
    preview_url = answer.headers["Location"]
    page = office.get(preview_url).get_data(as_text=True)
    assert 'data-count="rows">114<' in page and 'data-count="errors" class="">0<' in page
    assert "dòng 7 (Dòng đánh số cột (bỏ qua))" in page and "dòng 122 (Dòng tổng cộng (bỏ qua))" in page
    assert _count(db, CommuneTarget) == 0  # the preview writes nothing

    confirmed = office.post(preview_url, data={"csrf_token": csrf_token(office, preview_url)})
    assert confirmed.status_code == 302
    assert _count(db, CommuneTarget) == 114
    stored = {t.bhxh_bat_buoc for t in db.session.scalars(select(CommuneTarget))}
    assert sum(t.bhxh_bat_buoc for t in db.session.scalars(select(CommuneTarget))) == 1_085_000
    assert len(stored) > 100  # the figures of each row, not one figure copied
    assert office.get(preview_url).status_code == 404  # the kept file is gone once stored
    table = office.get("/chi-tieu/?year=2026").get_data(as_text=True)
    assert 'data-count="targeted">114<' in table and "data-check" not in table  # adds up to the city's targets


def test_a_wrong_code_a_negative_figure_and_a_duplicate_row_are_shown_by_row_and_nothing_is_stored(office, db):
    wb = load_workbook(EXAMPLE)
    ws = wb.active
    ws["B10"] = "99999"  # row 10: a code no commune has
    ws["E20"] = "-120"  # row 20: a negative BHXH tự nguyện
    ws["B30"], ws["C30"] = ws["B8"].value, ws["C8"].value  # row 30 repeats the commune of row 8
    out = io.BytesIO()
    wb.save(out)
    preview_url = _upload(office, out.getvalue()).headers["Location"]
    page = office.get(preview_url).get_data(as_text=True)
    assert 'data-count="errors" class="text-danger">3<' in page
    errors = dict(re.findall(r'<li data-line="(\d+)">(.*?)</li>', page, re.S))
    assert set(errors) == {"10", "20", "30"}
    assert "99999" in errors["10"] and "không âm" in errors["20"] and "Trùng với dòng 8" in errors["30"]
    assert "Xác nhận lưu" not in page
    refused = office.post(preview_url, data={"csrf_token": csrf_token(office, preview_url)})
    assert refused.status_code == 302 and _count(db, CommuneTarget) == 0


def test_a_months_actuals_load_the_same_way_and_communes_are_found_by_name(office, db):
    wb = load_workbook(EXAMPLE)
    ws = wb.active
    ws.unmerge_cells("B5:B6")
    for row in range(5, ws.max_row):  # the merged total row keeps its label
        ws.cell(row, 2).value = None  # no code column at all: communes by their name
    ws["C9"] = "Hải Dương"  # the name without its kind, as some files write it
    out = io.BytesIO()
    wb.save(out)
    preview_url = _upload(office, out.getvalue(), kind="actuals").headers["Location"]
    assert "period=2026-06" in preview_url
    confirmed = office.post(preview_url, data={"csrf_token": csrf_token(office, preview_url)})
    assert confirmed.status_code == 302
    assert _count(db, CommuneActual) == 114
    assert {(a.year, a.month) for a in db.session.scalars(select(CommuneActual))} == {(2026, 6)}


def test_bad_uploads_get_a_message_next_to_the_field(office, db):
    csv = office.post("/chi-tieu/nhap", data={"csrf_token": csrf_token(office, "/chi-tieu/nhap"), "kind": "targets",
                                              "year": "2026", "file": (io.BytesIO(b"a,b"), "x.csv")},
                      content_type="multipart/form-data")
    assert csv.status_code == 422 and "Chỉ nhận tệp Excel .xlsx." in csv.get_data(as_text=True)
    answer = office.post("/chi-tieu/nhap", data={"csrf_token": csrf_token(office, "/chi-tieu/nhap"), "kind": "targets",
                                                 "year": "2026", "file": (io.BytesIO(b"PK\x03\x04junk"), "x.xlsx")},
                         content_type="multipart/form-data")
    assert answer.status_code == 422 and "Tệp .xlsx bị hỏng hoặc không phải tệp Excel." in answer.get_data(as_text=True)
    answer = _upload(office, EXAMPLE.read_bytes(), kind="actuals", month="13/2026")
    assert answer.status_code == 422 and "Tháng không hợp lệ" in answer.get_data(as_text=True)
    assert office.get("/chi-tieu/nhap/" + "0" * 32 + "?kind=targets&period=2026").status_code == 404


def test_the_edit_page_stores_typed_figures_or_shows_the_wrong_one_next_to_its_field(office, db):
    url = "/chi-tieu/sua?year=2026"
    token = csrf_token(office, url)
    bad = office.post(url, data={"csrf_token": token, "bhxh_bat_buoc-11311": "12.500", "bhxh_tu_nguyen-11311": "1.234",
                                 "bhyt_rate-11311": "95,5", "bhxh_bat_buoc-11948": "-3",
                                 "bhxh_tu_nguyen-11948": "10", "bhyt_rate-11948": "101"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 422 and _count(db, CommuneTarget) == 0
    assert 'data-error-for="bhxh_bat_buoc-11948"' in page and 'data-error-for="bhyt_rate-11948"' in page
    assert 'value="12.500"' in page  # what was typed is kept
    good = office.post(url, data={"csrf_token": token, "bhxh_bat_buoc-11311": "12.500",
                                  "bhxh_tu_nguyen-11311": "1.234", "bhyt_rate-11311": "95,5"})
    assert good.status_code == 302
    target = db.session.scalar(select(CommuneTarget))
    assert (target.bhxh_bat_buoc, target.bhxh_tu_nguyen, target.bhyt_rate) == (12_500, 1_234, 95.5)
    assert 'value="12.500"' in office.get(url).get_data(as_text=True)
