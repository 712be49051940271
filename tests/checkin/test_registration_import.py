"""SPEC §5 pre-registration tickets and the CSV/XLSX import (preview first, nothing written until confirmed)."""

import io
import re
import subprocess

import pytest
from openpyxl import Workbook

from tests.checkin.conftest import PERSON, count
from tests.support import csrf_token, post_form, require_tool

pytestmark = pytest.mark.wipe  # several connections: the full wipe, not a rolled-back transaction


@pytest.mark.tools
def test_registration_gives_a_ticket_png_the_scanner_accepts(client, db, make_user, login, make_activity, token,
                                                             tmp_path):
    zbarimg = require_tool("zbarimg", "decode the personal ticket PNG")
    activity = make_activity(preregistration=True)
    page = post_form(client, f"/r/{token(activity)}", PERSON).get_data(as_text=True)
    ticket = re.search(r'data-ticket="([^"]+)"', page).group(1)
    png = client.get(f"/t/{ticket}.png")
    assert png.status_code == 200
    (tmp_path / "t.png").write_bytes(png.data)
    decoded = subprocess.run([zbarimg, "--raw", "-q", str(tmp_path / "t.png")], capture_output=True, text=True,
                             check=True).stdout.strip()
    assert decoded == ticket
    again = post_form(client, f"/r/{token(activity)}", PERSON).get_data(as_text=True)
    assert "Số điện thoại này đã được đăng ký" in again and "data-ticket" not in again
    login(make_user("commune"))
    scan = client.post(f"/activities/{activity.id}/scanner/checkins", json={"ticket": decoded + "\n", "nonce": "a"},
                       headers={"X-CSRFToken": csrf_token(client, f"/activities/{activity.id}/scanner")})
    assert scan.status_code == 201 and scan.json["source"] == "ticket"
    assert count(db, activity.id) == 1


def test_registration_is_closed_unless_the_activity_allows_it(client, make_activity, token):
    assert client.get(f"/r/{token(make_activity())}").status_code == 404


def test_forged_ticket_image_is_404(client, db):
    assert client.get("/t/abc.png").status_code == 404


def _upload(client, activity, name, data):
    url = f"/activities/{activity.id}/import"
    return client.post(url, data={"csrf_token": csrf_token(client, url), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_csv_import_previews_errors_and_writes_only_on_confirm(client, db, make_user, login, make_activity, app):
    activity = make_activity()
    login(make_user("commune"))
    csv = ("Họ và tên;Số điện thoại;Năm sinh;Nhóm\n"
           "Phạm Văn Dũng;0911222333;1975;4\n"
           "Hoàng Thị E;09112;1980;1\n"
           ";0911222444;1990;2\n"
           "Vũ Văn G;0911222333;1991;2\n").encode()
    upload = _upload(client, activity, "ds.csv", csv)
    assert upload.status_code == 302
    preview_url = upload.headers["Location"]
    html = client.get(preview_url).get_data(as_text=True)
    assert 'data-row-error="phone"' in html and 'data-row-error="full_name"' in html
    assert "Xác nhận ghi 1 người" in html
    assert count(db) == 0
    response = post_form(client, preview_url, {"map_full_name": "0", "map_phone": "1", "map_birth_year": "2",
                                               "map_audience": "3"})
    assert response.status_code == 302
    assert count(db, activity.id) == 1
    again = client.get(preview_url)  # the list's rows are forgotten: the preview says it was imported
    assert again.status_code == 302 and again.headers["Location"].endswith(f"/activities/{activity.id}/attendance")


def test_xlsx_import_with_a_chosen_mapping(client, db, make_user, login, make_activity):
    activity = make_activity()
    login(make_user("city"))
    wb = Workbook()
    wb.active.append(["Tên người", "ĐT"])
    wb.active.append(["Đỗ Văn H", "0933444555"])
    wb.active.append(["Ngô Thị I", None])
    buf = io.BytesIO()
    wb.save(buf)
    preview_url = _upload(client, activity, "ds.xlsx", buf.getvalue()).headers["Location"]
    html = client.get(preview_url + "?map_full_name=0&map_phone=1").get_data(as_text=True)
    assert "Xác nhận ghi 2 người" in html
    post_form(client, preview_url, {"map_full_name": "0", "map_phone": "1"}, form_url=preview_url + "?map_full_name=0")
    assert count(db, activity.id) == 2


def test_import_refuses_other_files_and_unknown_ids(client, db, make_user, login, make_activity):
    activity = make_activity()
    login(make_user("commune"))
    assert "Chỉ nhận tệp" in _upload(client, activity, "x.exe", b"MZ").get_data(as_text=True)
    assert client.get(f"/activities/{activity.id}/import/../../etc").status_code == 404
    assert client.get(f"/activities/{activity.id}/import/{'0' * 32}").status_code == 404
