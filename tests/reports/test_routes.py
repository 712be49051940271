"""Report pages and API: scoping (404 for another commune), the poster's QR, the period collector's queries."""

import datetime as dt
import io
import subprocess
import unicodedata

import pytest
from pypdf import PdfReader
from sqlalchemy import event, select

from app.compliance.engine import ActivityFact, CommuneFact, SubmissionFact, evaluate
from app.compliance.templates import bhyt_day_2026
from app.models import Activity, Commune
from app.reports.period_report import period_report_data
from tests import factories
from tests.support import require_tool

UTC = dt.UTC


def text_of(response) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return " ".join(" ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in reader.pages)


@pytest.fixture
def make_activity(db):
    """A held activity on 01/7/2026 with partners, audiences and a message for the documents to show."""

    def make(code="11311", kind="fair", status="held", day=dt.date(2026, 7, 1), results=None, **columns):
        return factories.activity(kind, day, status, commune_code=code, results=results, qr_ready=False,
                                  **{"title": f"Ngày hội BHYT {code}", "partners": ["Sở Y tế"], "audiences": [4, 5],
                                     "messages": [4], "links": [], **columns})

    return make


def test_activity_report_page_and_api(client, login, make_user, api_token, make_activity):
    activity = make_activity(results={"consultations": 1184000, "extra_attendees": 12})
    user = make_user("commune")
    login(user)
    text = text_of(client.get(f"/activities/{activity.id}/report.pdf"))
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "BẢO HIỂM XÃ HỘI CƠ SỞ PHƯỜNG HỒNG BÀNG", "Số lượt tư vấn 1.184.000",
                     "Bảo hiểm y tế toàn dân - Nền tảng an sinh bền vững.", "Sở Y tế",
                     "Lao động phi chính thức, tiểu thương"):
        assert expected in text, expected
    api = client.get(f"/api/v1/activities/{activity.id}/report.pdf", headers=api_token(user))
    assert "Số lượt tư vấn 1.184.000" in text_of(api)


def test_commune_user_gets_404_for_other_commune_activity_pdfs(client, login, make_user, api_token, make_activity):
    other = make_activity(code="11948", title="Ngày hội Bạch Long Vĩ")
    user = make_user("commune")  # Phường Hồng Bàng
    login(user)
    headers = api_token(user)
    for doc in ("report.pdf", "poster.pdf"):
        assert client.get(f"/activities/{other.id}/{doc}").status_code == 404
        response = client.get(f"/api/v1/activities/{other.id}/{doc}", headers=headers)
        assert response.status_code == 404
        assert response.json["error"]["code"]
    assert client.get("/activities/999999/report.pdf").status_code == 404


def test_city_staff_and_viewers_read_any_activity_report(client, login, make_user, make_activity):
    activity = make_activity(code="11948")
    login(make_user("viewer"))
    assert "ĐẶC KHU BẠCH LONG VĨ" in text_of(client.get(f"/activities/{activity.id}/report.pdf"))
    assert client.get(f"/activities/{activity.id}/poster.pdf").status_code == 403


def test_poster_qr_decodes_to_the_activity_checkin_url(app, client, login, make_user, api_token, make_activity,
                                                        tmp_path, db):
    zbarimg = require_tool("zbarimg", "decode the poster's QR")
    pdftoppm = require_tool("pdftoppm", "render the poster")
    activity = make_activity(status="planned")
    user = make_user("commune")
    login(user)
    response = client.get(f"/activities/{activity.id}/poster.pdf")
    assert "Bảo hiểm y tế toàn dân - Nền tảng an sinh bền vững." in text_of(response)
    (tmp_path / "poster.pdf").write_bytes(response.data)
    subprocess.run([pdftoppm, "-r", "150", "-png", str(tmp_path / "poster.pdf"), str(tmp_path / "p")], check=True)
    url = subprocess.run([zbarimg, "-q", "--raw", str(tmp_path / "p-1.png")], capture_output=True,
                         text=True).stdout.strip()
    db.session.refresh(activity)
    assert activity.public_token
    assert url == f"http://localhost/c/{activity.public_token}"  # the short stored token (issue 16)
    again = client.get(f"/api/v1/activities/{activity.id}/poster.pdf", headers=api_token(user))
    assert url in text_of(again)  # the same nonce: a reprinted poster keeps the same QR


def test_poster_uses_public_base_url(app, client, login, make_user, make_activity, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://lantoa.baohiem.vn")
    activity = make_activity()
    login(make_user("city"))
    assert "https://lantoa.baohiem.vn/c/" in text_of(client.get(f"/activities/{activity.id}/poster.pdf"))


def test_no_poster_for_kinds_without_qr(client, login, make_user, api_token, make_activity):
    radio = make_activity(kind="radio", results={"broadcasts": 3})
    user = make_user("city")
    login(user)
    assert client.get(f"/activities/{radio.id}/poster.pdf").status_code == 404
    assert client.get(f"/api/v1/activities/{radio.id}/poster.pdf", headers=api_token(user)).json["error"]["code"] == "no_qr"


def test_period_collector_groups_by_kind_and_commune_in_constant_queries(db, make_activity):
    make_activity(results={"consultations": 1000000, "extra_attendees": 5, "new_bhyt": 2})
    make_activity(code="11948", results={"consultations": 184000, "new_bhxh": 1})
    make_activity(code="11948", kind="radio", results={"broadcasts": 4})
    make_activity(code="11948", status="planned")
    make_activity(code=None, kind="livestream", results={"url": "https://x.vn/live"})
    make_activity(day=dt.date(2025, 12, 31))  # outside the period
    statements = []

    def count(*args):
        if not args[2].startswith(("SAVEPOINT", "RELEASE")):  # the test's own transaction, not the collector's
            statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        data = period_report_data(db.session, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 4
    fair = next(r for r in data.by_kind if r.label.startswith("Ngày hội"))
    assert (fair.held, fair.planned, fair.consultations, fair.attendees, fair.new_bhyt, fair.new_bhxh) == \
        (2, 1, 1184000, 5, 2, 1)
    blv = next(r for r in data.by_commune if r.label == "Đặc khu Bạch Long Vĩ")
    assert (blv.held, blv.planned) == (2, 1)
    assert len(data.by_commune) == 115  # 114 communes and the city level
    assert data.total.held == 4


def test_period_report_page_scoped_for_commune_users(client, login, make_user, make_activity, db):
    make_activity(results={"consultations": 1184000})
    make_activity(code="11948", results={"consultations": 7})
    user = make_user("commune")
    login(user)
    text = text_of(client.get("/reports/period.pdf?from=2026-01-01&to=2026-12-31"))
    assert "1.184.000" in text and "Đặc khu Bạch Long Vĩ" not in text
    blv = db.session.scalars(select(Commune).where(Commune.code == "11948")).one()
    assert client.get(f"/reports/period.pdf?from=2026-01-01&to=2026-12-31&commune={blv.id}").status_code == 404
    bad = client.get("/reports/period.pdf?from=31/02/2026&to=2026-12-31")
    assert bad.status_code == 302
    assert "Ngày không hợp lệ" in client.get(bad.location).get_data(as_text=True)


def test_period_report_for_the_city(client, login, make_user, make_activity):
    make_activity(code="11948", results={"consultations": 1184000})
    login(make_user("viewer"))
    text = text_of(client.get("/reports/period.pdf?from=01/01/2026&to=30/06/2026"))
    assert "6 tháng đầu năm 2026" in text
    assert "Đặc khu Bạch Long Vĩ 0 0 0 0 0 0 0" in text  # the July fair is outside the first half
    text = text_of(client.get("/reports/period.pdf?from=01/07/2026&to=31/12/2026"))
    assert "Đặc khu Bạch Long Vĩ 1 0 0 0 1.184.000" in text


def test_reports_index_lists_what_the_user_may_download(client, login, make_user, make_activity):
    activity = make_activity()
    login(make_user("commune"))
    html = client.get("/reports/").get_data(as_text=True)
    assert f"/activities/{activity.id}/report.pdf" in html
    assert "/campaigns/bhyt-day-2026/communes/11311/report.pdf" in html
    assert "city-summary.pdf" not in html


@pytest.fixture
def fake_campaigns(monkeypatch, db):
    """A stand-in for the loader on the same engine: the campaign without its DB rows, one submission (11948, 6/7)."""

    def load_matrix(slug, as_of):
        if slug != "bhyt-day-2026":
            raise KeyError(slug)
        communes = [CommuneFact(c.code, c.name, c.kind) for c in db.session.scalars(select(Commune).order_by(Commune.code))]
        code_of = {c.id: c.code for c in db.session.scalars(select(Commune))}
        facts = [ActivityFact(a.id, code_of.get(a.commune_id), a.kind, a.status, a.evidence_date)
                 for a in db.session.scalars(select(Activity))]
        return evaluate(bhyt_day_2026(), communes, facts, [SubmissionFact(1, "11948", dt.date(2026, 7, 6))], as_of)

    monkeypatch.setattr("app.reports.routes.load_matrix", load_matrix)


def test_city_summary_route(client, login, make_user, make_activity, fake_campaigns):
    make_activity(code="11948", results={"consultations": 3})
    login(make_user("city"))
    text = text_of(client.get("/reports/city-summary.pdf?campaign=bhyt-day-2026&as_of=2026-07-09"))
    assert "BẢO HIỂM XÃ HỘI THÀNH PHỐ HẢI PHÒNG" in text
    assert "Phối hợp tổ chức Ngày hội tuyên truyền, tư vấn, giải đáp chính sách Bảo hiểm xã hội, Bảo hiểm y tế" in text
    assert "Phường Hồng Bàng" in text  # overdue on everything
    assert client.get("/reports/city-summary.pdf?campaign=nope").status_code == 404
    assert client.get("/reports/city-summary.pdf?as_of=hôm-qua").status_code == 400


def test_commune_report_route_and_scoping(client, login, make_user, make_activity, fake_campaigns):
    make_activity(code="11948", title="Ngày hội Bạch Long Vĩ", results={"consultations": 1184000})
    login(make_user("commune", commune_code="11948"))
    text = text_of(client.get("/campaigns/bhyt-day-2026/communes/11948/report.pdf?as_of=2026-07-09"))
    assert "BẢO HIỂM XÃ HỘI CƠ SỞ ĐẶC KHU BẠCH LONG VĨ" in text
    assert "Ngày hội Bạch Long Vĩ (01/07/2026)" in text
    assert "1.184.000" in text
    assert client.get("/campaigns/bhyt-day-2026/communes/11311/report.pdf").status_code == 404
    assert client.get("/reports/city-summary.pdf").status_code == 403
