"""Issue 22 items 5 and 6 for attendee lists: bombs and huge lists, the encodings offices have."""

import io
import re
import tracemalloc
import unicodedata

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.checkin.import_reading import MAX_ROWS, read_upload
from app.upload_checks import UnreadableFile
from tests.support import csrf_token, post_form, xlsx_bytes

NAMES = "Họ và tên,Số điện thoại\nNguyễn Văn Ấn,0912345678\nTrần Thị Đào,0987654321\n"


def _windows_1258(text: str) -> bytes:
    """Text as Vietnamese Windows writes it in code page 1258: letters â ê ô ă ơ ư whole, tone marks combining."""
    tones, out, base, marks = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}, [], "", ""
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch):
            marks, base = (marks + ch, base) if ch in tones else (marks, base + ch)
            continue
        out.append(unicodedata.normalize("NFC", base) + marks)
        base, marks = ch, ""
    return ("".join(out) + unicodedata.normalize("NFC", base) + marks).encode("cp1258")


def test_a_zip_bomb_xlsx_is_refused_before_openpyxl_opens_it():
    bomb = xlsx_bytes([["Họ và tên"]], lambda body: body.replace(b"</worksheet>",
                                                           b"<!--" + b" " * (300 << 20) + b"--></worksheet>"))
    assert len(bomb) < 1 << 20  # 300 MB of sheet in a third of a megabyte
    tracemalloc.start()
    with pytest.raises(UnreadableFile, match="giải nén quá lớn"):
        read_upload(bomb, ".xlsx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 200 << 20


def test_a_sheet_declaring_a1_xfd5001_is_read_by_its_real_cells():
    data = xlsx_bytes([["Họ và tên", "Số điện thoại"], ["Nguyễn Văn An", "0912345678"]],
                 lambda body: re.sub(rb'<dimension ref="[^"]+"/>', b'<dimension ref="A1:XFD5001"/>', body))
    tracemalloc.start()
    table = read_upload(data, ".xlsx")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert table.rows == [["Họ và tên", "Số điện thoại"], ["Nguyễn Văn An", "0912345678"]]
    assert peak < 50 << 20  # 82 million declared cells would need gigabytes


def test_a_200000_row_csv_keeps_the_first_rows_and_counts_the_rest():
    lines = "".join(f"Người Thứ {i},09{i:08d}\n" for i in range(200_000))
    table = read_upload(f"Họ và tên,Số điện thoại\n{lines}".encode(), ".csv")
    assert len(table.rows) == MAX_ROWS + 1 and table.total == 200_000 and table.left_out == 195_000


@pytest.mark.parametrize("encoding, data", [
    ("UTF-8", NAMES.encode()),
    ("UTF-8 (BOM)", b"\xef\xbb\xbf" + NAMES.encode()),
    ("UTF-16", NAMES.replace(",", "\t").encode("utf-16")),  # Excel's "Unicode text"
    ("UTF-16", NAMES.replace(",", "\t").encode("utf-16-le")),
    ("Windows-1258", _windows_1258(NAMES)),
])
def test_csv_in_the_encodings_offices_have_reads_the_names_correctly(encoding, data):
    table = read_upload(data, ".csv")
    assert table.encoding == encoding
    assert table.rows == [["Họ và tên", "Số điện thoại"], ["Nguyễn Văn Ấn", "0912345678"],
                          ["Trần Thị Đào", "0987654321"]]


def test_a_tcvn3_csv_is_refused_naming_the_encoding_to_save_as():
    with pytest.raises(UnreadableFile, match="TCVN3.*CSV UTF-8"):
        read_upload(b"H\xe4 v\xb5 t\xaan\nNguy\xd6n V\xa8n An\n", ".csv")


def _upload(client, activity, name, data):
    """POST the file as a browser does; the body is built in memory (werkzeug's test client spools a large one to
    a temporary file it never closes)."""
    url = f"/activities/{activity.id}/import"
    boundary, body = encode_multipart(MultiDict({"csrf_token": csrf_token(client, url),
                                                 "file": FileStorage(io.BytesIO(data), name)}))
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_windows_1258_list_imports_the_names_correctly(client, db, make_user, login, make_activity):
    from app.models import CheckIn

    activity = make_activity()
    login(make_user("commune"))
    preview_url = _upload(client, activity, "ds.csv", _windows_1258(NAMES)).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert "Nguyễn Văn Ấn" in page and "\ufffd" not in page
    assert post_form(client, preview_url, {"map_full_name": "0", "map_phone": "1"}).status_code == 302
    db.session.expire_all()
    assert sorted(db.session.scalars(select(CheckIn.full_name).where(CheckIn.activity_id == activity.id))) == [
        "Nguyễn Văn Ấn", "Trần Thị Đào"]


@pytest.mark.parametrize("name, data, says", [
    ("ds.csv", b"H\xe4 v\xb5 t\xaan\nNguy\xd6n V\xa8n An\n", "CSV UTF-8"),
    ("ds.xlsx", None, "giải nén quá lớn"),
])
def test_a_tcvn3_list_or_a_zip_bomb_is_refused_at_upload_with_the_reason(client, db, make_user, login,
                                                                         make_activity, name, data, says):
    data = data or xlsx_bytes([["Họ và tên"]], lambda body: body.replace(b"</worksheet>",
                                                                    b"<!--" + b" " * (8 << 20) + b"--></worksheet>"))
    activity = make_activity()
    login(make_user("commune"))
    response = _upload(client, activity, name, data)
    assert response.status_code == 200 and says in response.get_data(as_text=True)


def test_a_200000_row_csv_preview_says_how_many_rows_are_imported_and_left_out(client, db, make_user, login,
                                                                               make_activity):
    activity = make_activity()
    login(make_user("commune"))
    lines = "".join(f"Người Thứ {i},09{i:08d}\n" for i in range(200_000))
    preview_url = _upload(client, activity, "ds.csv", f"Họ và tên,Số điện thoại\n{lines}".encode()).headers["Location"]
    page = client.get(preview_url).get_data(as_text=True)
    assert 'data-left-out="195000"' in page and "Xác nhận ghi 5000 người" in page
    assert "Tệp có 200.000 dòng dữ liệu; chỉ 5.000 dòng đầu được xem xét và 195.000 dòng sẽ KHÔNG được nhập" in page
