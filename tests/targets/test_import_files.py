"""The targets and actuals upload passes the checks of every import (issue 22 item 6, app/upload_checks.py): a zip
bomb, a file that is not what its name says and a sheet declaring 82 million cells; and an abandoned preview is
removed after 24 hours by the hourly job `import_cleanup`."""

import io
import os
import re
import time
import tracemalloc
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.models import CommuneActual, CommuneTarget
from app.models.types import utcnow
from app.targets import allocation_import
from app.targets.workbook import read_grid
from tests.support import csrf_token, xlsx_bytes

EXAMPLE = Path(__file__).parents[1] / "data" / "targets" / "phan-bo-chi-tieu-2026.xlsx"
HEADER = ["Mã đơn vị", "Tên đơn vị", "BHXH bắt buộc", "BHXH tự nguyện", "Tỷ lệ BHYT (%)"]


def _bomb(megabytes: int) -> bytes:
    return xlsx_bytes([HEADER, ["11311", "Phường Hồng Bàng", "1.000", "100", "95,5"]],
                 lambda body: body.replace(b"</worksheet>", b"<!--" + b" " * (megabytes << 20) + b"--></worksheet>"))


def _upload(client, body: bytes, name="phan-bo.xlsx"):
    data = {"csrf_token": csrf_token(client, "/chi-tieu/nhap"), "kind": "targets", "year": "2026",
            "month": "06/2026", "file": (io.BytesIO(body), name)}
    return client.post("/chi-tieu/nhap", data=data, content_type="multipart/form-data")


def _kept(app) -> list[str]:
    folder = os.path.join(app.config["UPLOAD_DIR"], allocation_import.SUBDIR)
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


@pytest.fixture
def office(client, login, make_user):
    login(make_user("city", username="imp_files_city"))
    return client


HTML_PAGE = (b"<!DOCTYPE html><html><head><title>Phan bo chi tieu</title></head>"
             b"<body><table><tr><td>M\xc3\xa3</td></tr></table></body></html>")


@pytest.mark.parametrize("body, says", [
    (None, "khi giải nén quá lớn so với một bảng phân bổ chỉ tiêu"),  # 300 MB of sheet in a third of a megabyte
    (HTML_PAGE, "Tệp .xlsx bị hỏng hoặc không phải tệp Excel."),  # a web page saved with an .xlsx name
    (b"PK\x05\x06" + b"\x00" * 18, "Tệp .xlsx bị hỏng hoặc không phải tệp Excel."),  # an empty zip, no Office part
], ids=["zip-bomb", "html-named-xlsx", "empty-zip"])
def test_a_bomb_or_a_file_that_is_not_an_xlsx_is_refused_and_nothing_is_kept(office, db, app, body, says):
    body = body or _bomb(300)
    assert len(body) < 1 << 20
    before = _kept(app)
    tracemalloc.start()
    answer = _upload(office, body)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and says in page
    assert re.search(r'id="file"[^>]*is-invalid|is-invalid[^>]*id="file"', page)  # beside the file field
    assert peak < 200 << 20
    assert _kept(app) == before  # nothing written
    assert db.session.scalar(select(func.count()).select_from(CommuneTarget)) == 0
    assert db.session.scalar(select(func.count()).select_from(CommuneActual)) == 0


def test_a_sheet_declaring_a1_xfd5001_is_read_by_its_real_cells():
    data = xlsx_bytes([HEADER, ["11311", "Phường Hồng Bàng", "1.000", "100", "95,5"]],
                 lambda body: re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:XFD5001"/>', body))
    tracemalloc.start()
    started = time.perf_counter()
    grid, _ = read_grid(data)
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [row[:5] for row in grid] == [HEADER, ["11311", "Phường Hồng Bàng", "1.000", "100", "95,5"]]
    assert peak < 50 << 20 and took < 2  # 82 million declared cells would need gigabytes


def test_a_cell_far_out_and_a_merge_over_the_whole_sheet_stay_within_the_grid():
    far = xlsx_bytes([HEADER, ["11311", "Phường Hồng Bàng", "1.000", "100", "95,5"]],
                lambda body: body.replace(b"</sheetData>", b'<row r="3"><c r="XFD3" t="inlineStr"><is><t>x</t></is>'
                                                           b'</c></row></sheetData><mergeCells count="1">'
                                                           b'<mergeCell ref="A1:XFD1048576"/></mergeCells>'))
    tracemalloc.start()
    grid, _ = read_grid(far)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(grid) == 3 and max(len(row) for row in grid) == 40 and peak < 50 << 20
    assert grid[2][0] == "Mã đơn vị"  # the merge fills with its top-left value, clipped to the rows read


def test_a_row_past_5000_refuses_the_file_rather_than_cutting_it(office, app):
    late = xlsx_bytes([HEADER], lambda body: body.replace(b"</sheetData>", b'<row r="5001"><c r="A5001" t="inlineStr">'
                                                                     b"<is><t>11311</t></is></c></row></sheetData>"))
    before = _kept(app)
    answer = _upload(office, late)
    assert answer.status_code == 422 and "quá 5.000 dòng" in answer.get_data(as_text=True)
    assert _kept(app) == before


def test_the_example_merged_header_still_reads_through_the_checks():
    grid, _ = read_grid(EXAMPLE.read_bytes())
    header = next(i for i, row in enumerate(grid) if "BHXH bắt buộc (người)" in row)
    assert grid[header - 1][3] == grid[header - 1][5] == "Chỉ tiêu giao năm 2026"  # the group cell merged over its sub-headers, filled


def test_an_abandoned_preview_is_removed_after_24_hours_by_the_hourly_job(office, app, runner):
    before = set(_kept(app))
    old = _upload(office, EXAMPLE.read_bytes()).headers["Location"]
    fresh = _upload(office, EXAMPLE.read_bytes()).headers["Location"]
    assert office.get(old).status_code == office.get(fresh).status_code == 200
    old_id = old.split("/nhap/")[1].split("?")[0]
    path = os.path.join(app.config["UPLOAD_DIR"], allocation_import.SUBDIR, f"{old_id}.xlsx")
    day_ago = (utcnow() - timedelta(hours=24, minutes=1)).timestamp()
    os.utime(path, (day_ago, day_ago))
    assert office.get(old).status_code == 404  # expired on access, even before the job runs
    result = runner.invoke(args=["jobs", "run", "import_cleanup"])
    assert result.exit_code == 0, result.output
    assert not os.path.exists(path) and len(set(_kept(app)) - before) == 1
    assert office.get(fresh).status_code == 200  # a preview of the last hours stays
