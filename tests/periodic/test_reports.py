"""Periodic reports (SPEC §15): figures from the window, submission frozen once, statuses, documents."""

import io
from datetime import date, datetime

from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from app.formatting import TZ
from app.models import Notification, PeriodicReport

SECTIONS = {"ket_qua": "Tổ chức 3 hội nghị đối thoại tại các tổ dân phố.",
            "han_che": "Một số tổ dân phố chưa bố trí được địa điểm.",
            "kho_khan": "Kinh phí in tờ rơi còn hạn chế.",
            "de_xuat": "Đề nghị BHXH thành phố hỗ trợ 2.000 tờ gấp."}


def _post(client, headers, **body):
    payload = {"unit_type": "commune", "unit_code": "11311", "period": "2026-H1", "sections": SECTIONS, **body}
    return client.post("/api/v1/periodic-reports", json=payload, headers=headers)


def test_h1_figures_equal_the_period_report_and_15_june_is_only_in_the_annual_window(db, held):
    from app.periodic.calendar import period_by_key
    from app.periodic.services import city_of, figures_for, unit_by_code
    from app.reports.period_report import period_report_data

    held(date(2025, 12, 14), consultations=99)  # before the window: in no 2026 report
    held(date(2025, 12, 15), consultations=4, new_bhyt=2, extra_attendees=30)
    held(date(2026, 6, 14), kind="communication_point", consultations=7, new_bhxh=1)
    held(date(2026, 6, 15), consultations=50)
    held(date(2026, 3, 1), commune_code="11948", consultations=11)  # another commune
    city = city_of("haiphong")
    unit = unit_by_code(city.id, "11311")
    h1 = figures_for(city, period_by_key(city.id, "2026-H1"), unit)
    period = period_report_data(db.session, date(2025, 12, 15), date(2026, 6, 14), unit.commune_id)
    assert [(r["label"], r["held"], r["attendees"], r["consultations"], r["new_bhyt"], r["new_bhxh"])
            for r in h1["by_kind"]] == [(r.label, r.held, r.attendees, r.consultations, r.new_bhyt, r.new_bhxh)
                                        for r in period.by_kind]
    assert h1["total"]["held"] == period.total.held == 2 and h1["total"]["consultations"] == 11
    annual = figures_for(city, period_by_key(city.id, "2026-Y"), unit)
    assert annual["total"]["held"] == 3 and annual["total"]["consultations"] == 61


def test_submitted_pdf_holds_unit_period_recipient_sections_and_figures(client, make_user, api_token, held):
    held(date(2026, 5, 10), consultations=1234)
    commune = make_user("commune")
    headers = api_token(commune)
    draft = _post(client, headers)
    assert draft.status_code == 201 and draft.json["state"] == "draft"
    sent = _post(client, headers, submit=True)
    assert sent.status_code == 200 and sent.json["state"] == "submitted", sent.json
    assert sent.json["figures"]["total"]["consultations"] == 1234
    pdf = client.get(sent.json["pdf_url"], headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in ("Hồng Bàng", "6 tháng đầu năm 2026", "Sở Nội vụ", "1.234", *SECTIONS.values()):
        assert expected in text, expected


def test_second_submit_creates_no_second_report(client, make_user, api_token):
    headers = api_token(make_user("commune"))
    assert _post(client, headers, submit=True).status_code == 201
    again = _post(client, headers, submit=True, sections={**SECTIONS, "de_xuat": "Sửa lại"})
    assert again.status_code == 409 and again.json["error"]["code"]
    assert PeriodicReport.query.count() == 1
    assert PeriodicReport.query.one().sections["de_xuat"] == SECTIONS["de_xuat"]


def test_as_of_21_june_a_missing_report_is_overdue_in_api_page_and_reminders(app, db, client, make_user, api_token,
                                                                             login):
    from app.periodic.reminders import periodic_reminders

    city = make_user("city")
    headers = api_token(city)
    commune = make_user("commune")  # Phường Hồng Bàng: no report
    make_user("commune", commune_code="11948")
    assert _post(client, headers, unit_code="11948", submitted_on="2026-06-20", submit=True).status_code == 201
    rows = client.get("/api/v1/periodic-reports?period=2026-H1&as_of=2026-06-21", headers=headers).json
    by_code = {r["unit_code"]: r for r in rows}
    assert by_code["11311"]["status"] == "overdue" and by_code["11948"]["status"] == "done"
    assert by_code["11948"]["pdf_url"] and by_code["SNV"]["status"] == "overdue"
    login(city)
    page = client.get("/bao-cao-dinh-ky/2026-H1?as_of=2026-06-21").get_data(as_text=True)
    assert 'data-unit="11311" data-status="overdue"' in page and 'data-unit="11948" data-status="done"' in page
    result = periodic_reminders(date(2026, 6, 21), datetime(2026, 6, 21, 7, 10, tzinfo=TZ))
    db.session.commit()
    assert result["notifications"] >= 1
    texts = [n.text for n in Notification.query.filter_by(user_id=commune.id, kind="periodic_overdue")]
    assert texts and "6 tháng đầu năm 2026" in texts[0]
    late = _post(client, headers, unit_code="11311", submitted_on="2026-06-22", submit=True)
    assert late.status_code == 201
    rows = client.get("/api/v1/periodic-reports?period=2026-H1&unit=11311&as_of=2026-06-22", headers=headers).json
    assert [r["status"] for r in rows] == ["late"]


def test_consolidated_docx_opens_and_holds_every_reporting_units_proposals(client, make_user, api_token, login,
                                                                           agency_user):
    city = make_user("city")
    headers = api_token(city)
    _post(client, headers, submitted_on="2026-06-19", submit=True)
    _post(client, headers, unit_code="11948", submitted_on="2026-06-21", submit=True,
          sections={**SECTIONS, "de_xuat": "Đề nghị tập huấn cho tuyên truyền viên."})
    syt = agency_user("SYT")
    assert _post(client, api_token(syt), unit_type="agency", unit_code="SYT",
                 sections={**SECTIONS, "de_xuat": "Bản nháp của Sở Y tế"}).status_code == 201
    login(city)
    response = client.get("/bao-cao-dinh-ky/2026-H1/tong-hop.docx")
    assert response.status_code == 200
    text = "\n".join(p.text for p in Document(io.BytesIO(response.data)).paragraphs)
    assert SECTIONS["de_xuat"] in text and "Đề nghị tập huấn cho tuyên truyền viên." in text
    assert "Bản nháp của Sở Y tế" not in text  # a draft is not a report
    assert "Sở Y tế" in text  # listed among the units that have not reported


def test_excel_has_every_units_figures_in_one_sheet(client, make_user, login, held):
    held(date(2026, 4, 2), consultations=5)
    login(make_user("city"))
    response = client.get("/bao-cao-dinh-ky/2026-H1/so-lieu.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = {r[1]: r for r in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows["11311"][5] == 1 and rows["11311"][9] == 5
    assert "SNV" in rows and len(rows) > 100


def test_admin_reopens_a_submitted_report_and_the_frozen_copy_stays_in_history(client, make_user, api_token, login):
    headers = api_token(make_user("commune"))
    _post(client, headers, submit=True)
    admin = make_user("admin")
    login(admin)
    from tests.support import post_form

    page = "/bao-cao-dinh-ky/2026-H1/11311"
    assert post_form(client, page + "/mo-lai", {"reason": "Sai số liệu"}, form_url=page).status_code == 302
    report = PeriodicReport.query.one()
    assert report.state == "draft" and report.version == 2
    assert client.get(page + "/ban-1.pdf").status_code == 200
    assert _post(client, headers, submit=True).status_code == 200  # sent again: still one report
    assert PeriodicReport.query.count() == 1


def test_viewer_reads_submitted_reports_only_without_the_sender(db, client, make_user, api_token, login):
    commune = make_user("commune", full_name="Nguyễn Thị Người Gửi")
    headers = api_token(commune)
    _post(client, headers)  # a draft
    viewer = make_user("viewer")
    rows = client.get("/api/v1/periodic-reports?period=2026-H1&unit=11311", headers=api_token(viewer)).json
    assert rows[0]["state"] == "none"
    login(viewer)
    assert SECTIONS["kho_khan"] not in client.get("/bao-cao-dinh-ky/2026-H1/11311").get_data(as_text=True)
    _post(client, headers, submit=True)
    page = client.get("/bao-cao-dinh-ky/2026-H1/11311").get_data(as_text=True)
    assert SECTIONS["kho_khan"] in page and "Người Gửi" not in page
    assert db.session.scalar(select(func.count()).select_from(PeriodicReport)) == 1


def test_city_office_reminds_the_units_without_a_report_once_a_day(client, make_user, login):
    from tests.support import post_form

    commune = make_user("commune")
    login(make_user("city"))
    page = "/bao-cao-dinh-ky/2026-H1"
    assert post_form(client, page + "/chua-gui/nhac", {}, form_url=page).status_code == 302
    post_form(client, page + "/chua-gui/nhac", {}, form_url=page)  # pressed twice the same day
    asked = Notification.query.filter_by(user_id=commune.id, kind="periodic_asked").all()
    assert len(asked) == 1 and "Bảo hiểm xã hội thành phố Hải Phòng đề nghị gửi báo cáo 6 tháng đầu năm 2026" \
        in asked[0].text
