"""Activity pages: each kind through the form, bad input, held, cancel, copy, delete, photos, exports, audit."""

import csv
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import event, func, select

from app.domain.kinds import KINDS
from app.extensions import db as _db
from app.models import Activity, AuditLog, Photo
from tests.activities.helpers import form_data, make_activity
from tests.support import post_form


def count(db):
    return db.session.scalar(select(func.count()).select_from(Activity))


def png_bytes(size=(640, 480), fmt="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (11, 83, 148)).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_created_through_the_form_shows_its_result_fields(client, db, make_user, login, kind):
    login(make_user("commune"))
    form = client.get(f"/activities/new?kind={kind}").get_data(as_text=True)
    for field in KINDS[kind].results:
        assert f'name="r-{kind}-{field.key}"' in form
    response = post_form(client, "/activities/new", form_data(kind))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    activity = db.session.scalars(select(Activity)).one()
    assert activity.kind == kind and activity.status == "held"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    for field in KINDS[kind].results:
        assert f'data-result="{field.key}"' in page and field.label in page
    assert "Tổ dân phố 3" in page and "01/07/2026 08:00" in page


def test_the_form_posts_only_the_chosen_kinds_results(client, db, make_user, login):
    login(make_user("commune"))
    data = form_data("radio")
    data["r-fair-consultations"] = "-3"  # another kind's field, visible without script: ignored
    assert post_form(client, "/activities/new", data).status_code == 302
    assert db.session.scalars(select(Activity)).one().results == {"broadcasts": 6, "minutes": 45}


BAD_FORM = [
    ("negative count", {"r-fair-consultations": "-5"}, "results.consultations", "không được âm"),
    ("non-http link", {"links": "ftp://example.com/x"}, "links", "http://"),
    ("end before start", {"end": "2026-07-01T07:00"}, "end", "sau thời gian bắt đầu"),
    ("date in 1900", {"start": "1900-07-01T08:00"}, "start", "2000–2100"),
    ("unknown kind", {"kind": "party"}, "kind", "Loại hoạt động không hợp lệ"),
    ("10,000-char title", {"title": "A" * 10_000}, "title", "tối đa 300 ký tự"),
    ("held without required", {"r-fair-consultations": ""}, "results.consultations", "để đánh dấu đã tổ chức"),
]


@pytest.mark.parametrize("why,patch,field,message", BAD_FORM, ids=[b[0] for b in BAD_FORM])
def test_bad_form_input_shows_a_message_and_saves_nothing(client, db, make_user, login, why, patch, field, message):
    login(make_user("commune"))
    data = form_data("fair")
    data.update(patch)
    response = post_form(client, "/activities/new", data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert f'data-error-for="{field}"' in page
    assert message in page
    assert count(db) == 0


def test_nonexistent_commune_code_in_the_form_is_refused(client, db, make_user, login):
    login(make_user("city"))
    response = post_form(client, "/activities/new", form_data("fair", commune_code="99999"))
    assert response.status_code == 422
    assert 'data-error-for="commune_code"' in response.get_data(as_text=True)
    assert count(db) == 0


def test_commune_user_form_ignores_a_forged_commune_code(client, db, make_user, login):
    login(make_user("commune", commune_code="11311"))
    assert post_form(client, "/activities/new", form_data("fair", commune_code="11948")).status_code == 302
    assert db.session.scalars(select(Activity)).one().commune.code == "11311"


def test_mark_held_needs_required_results(client, db, make_user, login):
    user = make_user("commune")
    activity = make_activity(user, "review", status="planned", results={})
    login(user)
    url = f"/activities/{activity.id}/held"
    refused = post_form(client, url, {"r-review-at_risk": "5"})
    assert refused.status_code == 422
    assert 'data-error-for="results.potential"' in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).status == "planned"
    ok = post_form(client, url, {"r-review-at_risk": "5", "r-review-state_supported": "2", "r-review-potential": "9"})
    assert ok.status_code == 302
    db.session.expire_all()
    held = db.session.get(Activity, activity.id)
    assert held.status == "held" and held.results == {"at_risk": 5, "state_supported": 2, "potential": 9}


def test_cancelled_keeps_data_and_shows_as_cancelled(client, db, make_user, login):
    user = make_user("commune")
    activity = make_activity(user, "fair")
    login(user)
    url = f"/activities/{activity.id}"
    refused = post_form(client, f"{url}/cancel", {"cancel_reason": ""}, form_url=url)
    assert refused.status_code == 302
    db.session.expire_all()
    assert db.session.get(Activity, activity.id).status == "held"
    assert post_form(client, f"{url}/cancel", {"cancel_reason": "Mưa bão số 3"}, form_url=url).status_code == 302
    db.session.expire_all()
    cancelled = db.session.get(Activity, activity.id)
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "Mưa bão số 3"
    assert cancelled.results["consultations"] == 12 and cancelled.title.startswith("Hoạt động fair")
    page = client.get(url).get_data(as_text=True)
    assert 'data-status="cancelled"' in page and "Mưa bão số 3" in page and "data-cancelled" in page
    listing = client.get("/activities?status=cancelled").get_data(as_text=True)
    assert f'data-activity="{activity.id}"' in listing


def test_copy_makes_a_new_planned_activity(client, db, make_user, login):
    user = make_user("commune")
    activity = make_activity(user, "fair")
    login(user)
    response = post_form(client, f"/activities/{activity.id}/copy",
                         {"start": "2026-08-01T08:00", "end": "2026-08-01T10:00"})
    assert response.status_code == 302
    copy = db.session.scalars(select(Activity).where(Activity.id != activity.id)).one()
    assert copy.status == "planned" and copy.results == {} and copy.title == activity.title
    assert copy.evidence_date == date(2026, 8, 1) and copy.qr_nonce and copy.qr_nonce != activity.qr_nonce


def test_delete_needs_post_and_confirmation(client, db, make_user, login):
    user = make_user("commune")
    activity = make_activity(user, "fair")
    login(user)
    url = f"/activities/{activity.id}/delete"
    assert "Xóa vĩnh viễn" in client.get(url).get_data(as_text=True)
    assert count(db) == 1
    assert post_form(client, url, {}).status_code == 302
    assert count(db) == 0
    entry = db.session.scalars(select(AuditLog).where(AuditLog.action == "delete")).one()
    assert entry.details["changed"]["title"][1] == activity.title


def test_audit_log_records_changed_fields(client, db, make_user, login):
    user = make_user("commune")
    login(user)
    post_form(client, "/activities/new", form_data("radio"))
    activity = db.session.scalars(select(Activity)).one()
    data = form_data("radio", venue="Loa truyền thanh tổ 7", title="Phát thanh chính sách BHYT")
    assert post_form(client, f"/activities/{activity.id}/edit", data).status_code == 302
    entries = db.session.scalars(select(AuditLog).where(AuditLog.object_type == "activity")
                                 .order_by(AuditLog.id)).all()
    assert [e.action for e in entries] == ["create", "update"]
    assert entries[0].details["changed"]["kind"] == [None, "radio"]
    assert set(entries[1].details["changed"]) == {"venue", "title"}
    assert entries[1].details["changed"]["venue"] == ["Hội trường UBND phường", "Loa truyền thanh tổ 7"]
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert "Địa điểm:" in page and "Loa truyền thanh tổ 7" in page and user.full_name in page
    assert "venue" not in page[page.index("data-history"):]  # labels, never column names (issue 15 item 7)


def test_viewer_reads_without_personal_data(client, db, make_user, login):
    creator = make_user("commune", full_name="Nguyễn Thị Bí Mật")
    activity = make_activity(creator)
    login(make_user("viewer"))
    page = client.get(f"/activities/{activity.id}").get_data(as_text=True)
    assert activity.title in page
    assert "Bí Mật" not in page and "data-person" not in page and "/edit" not in page
    assert client.get("/activities/new").status_code == 403


def test_photo_upload_thumbnail_and_scoped_serving(app, client, db, make_user, login):
    user = make_user("commune")
    activity = make_activity(user)
    login(user)
    url = f"/activities/{activity.id}"
    response = post_form(client, f"{url}/photos", {"photos": (io.BytesIO(png_bytes()), "ngay-hoi.png")}, form_url=url,
                         content_type="multipart/form-data")
    assert response.status_code == 302
    photo = db.session.scalars(select(Photo)).one()
    assert photo.content_type == "image/png" and photo.stored_name != "ngay-hoi.png"
    thumb = client.get(f"{url}/photos/{photo.id}/thumb")
    assert thumb.status_code == 200 and max(Image.open(io.BytesIO(thumb.data)).size) <= 320
    assert client.get(f"{url}/photos/{photo.id}").data == png_bytes()
    client.post("/logout", data={"csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                                                          client.get(url).get_data(as_text=True)).group(1)})
    login(make_user("commune", commune_code="11948"))
    assert client.get(f"{url}/photos/{photo.id}").status_code == 404
    assert client.get(f"{url}/photos/{photo.id}/thumb").status_code == 404


@pytest.mark.parametrize("name,content,message", [
    ("anh.jpg", b"MZ\x90\x00" + b"\x00" * 2000, "không phải ảnh"),
    ("lon.jpg", None, "lớn hơn 5 MB"),
    ("anh.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "không phải ảnh"),
])
def test_bad_photos_are_refused_with_a_message(client, db, make_user, login, name, content, message):
    user = make_user("commune")
    activity = make_activity(user)
    login(user)
    if content is None:  # a real 10 MB JPEG-headed file
        content = png_bytes(fmt="JPEG") + b"\x00" * (10 * 1024 * 1024)
    url = f"/activities/{activity.id}"
    response = post_form(client, f"{url}/photos", {"photos": (io.BytesIO(content), name)}, form_url=url,
                         content_type="multipart/form-data", follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0


def test_at_most_ten_photos(app, client, db, make_user, login):
    user = make_user("commune")
    activity = make_activity(user)
    login(user)
    url = f"/activities/{activity.id}"
    files = [(io.BytesIO(png_bytes((40, 30))), f"a{i}.png") for i in range(11)]
    response = post_form(client, f"{url}/photos", {"photos": files}, form_url=url, content_type="multipart/form-data",
                         follow_redirects=True)
    assert "tối đa 10 ảnh" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 0  # one request's photos: all or none
    files = [(io.BytesIO(png_bytes((40, 30))), f"a{i}.png") for i in range(10)]
    post_form(client, f"{url}/photos", {"photos": files}, form_url=url, content_type="multipart/form-data")
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 10
    photo = db.session.scalars(select(Photo)).first()
    assert post_form(client, f"{url}/photos/{photo.id}/delete", {}, form_url=url).status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Photo)) == 9


def test_exports_open_with_openpyxl_and_have_real_dates(client, db, make_user, login):
    city = make_user("city")
    make_activity(city, "fair")
    make_activity(city, "advisory", commune_code="11948")
    login(city)
    response = client.get("/activities/export.xlsx?kind=fair")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    headers = [c.value for c in sheet[1]]
    assert "Ngày bắt đầu" in headers and "Số lượt tư vấn" in headers and "Tiêu đề" in headers
    row = [c for c in sheet[2]]
    start = row[headers.index("Ngày bắt đầu")]
    assert start.is_date and start.value.date() == date(2026, 7, 1) and start.number_format == "DD/MM/YYYY"
    assert row[headers.index("Số lượt tư vấn")].value == 12
    assert sheet.max_row == 2
    csv_response = client.get("/activities/export.csv")
    assert csv_response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(csv_response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "STT" and len(rows) == 3 and "01/07/2026" in rows[1] + rows[2]
    audits = db.session.scalars(select(AuditLog).where(AuditLog.action == "export")).all()
    assert sorted(a.details["format"] for a in audits) == ["csv", "xlsx"]
    assert next(a for a in audits if a.details["format"] == "xlsx").details["filters"] == {"kind": "fair"}


def test_commune_export_holds_only_own_commune(client, db, make_user, login):
    city = make_user("city")
    make_activity(city, "fair", title="Của Hồng Bàng")
    make_activity(city, "fair", commune_code="11948", title="Của Bạch Long Vĩ")
    login(make_user("commune", commune_code="11311"))
    for url in ("/activities/export.csv", "/activities/export.csv?commune=11948"):
        text = client.get(url).data.decode("utf-8-sig")
        assert "Của Hồng Bàng" in text and "Bạch Long Vĩ" not in text


def test_list_filters_and_calendar(client, db, make_user, login):
    city = make_user("city")
    make_activity(city, "fair", title="Ngày hội Hồng Bàng")
    make_activity(city, "radio", commune_code="11948", venue="Loa đặc khu", title="Phát thanh",
                  start="2026-06-23T06:00", end="2026-06-23T07:00")
    login(city)
    assert 'data-total>2<' in client.get("/activities").get_data(as_text=True)
    assert 'data-total>1<' in client.get("/activities?q=loa+đặc").get_data(as_text=True)
    assert 'data-total>1<' in client.get("/activities?commune=11948").get_data(as_text=True)
    assert 'data-total>1<' in client.get("/activities?from=2026-07-01&to=2026-07-31").get_data(as_text=True)
    cal = client.get("/activities/calendar?month=2026-07").get_data(as_text=True)
    assert "Ngày hội Hồng Bàng" in cal and "Phát thanh" not in cal and 'data-day="2026-07-01"' in cal
    assert client.get("/activities/calendar?month=garbage").status_code == 200


def _queries_for(app, client, url) -> int:
    statements = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = _db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return len(statements)


def test_list_page_issues_a_constant_number_of_queries(app, client, db, make_user, login):
    city = make_user("city")
    codes = ["11311", "11948", "11914"]
    for i in range(10):
        make_activity(city, "fair", commune_code=codes[i % 3])
    login(city)
    ten = _queries_for(app, client, "/activities?per_page=100")
    for i in range(50):
        make_activity(city, "radio", commune_code=codes[i % 3], start="2026-06-23T06:00", end="2026-06-23T07:00")
    sixty = _queries_for(app, client, "/activities?per_page=100")
    assert ten == sixty
    assert ten <= 8
