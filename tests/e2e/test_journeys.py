"""Journeys in Chromium, each asserting what the person sees (issue: prove it as users would).

Data the journey is not about is written through the services; what the person does is clicked.
"""

import io
import re
from datetime import datetime

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.activities import services as activity_services
from app.formatting import TZ
from tests.e2e.conftest import assert_no_page_problems

pytestmark = [pytest.mark.chromium, pytest.mark.wipe]  # a live server: the full wipe

SLUG = "bhyt-day-2026"


def held_fair(actor, title="Ngày hội BHYT phường Hồng Bàng", commune_code="11311", day="2026-07-01"):
    """A held fair of a commune on `day` (SPEC §3), created through the service and committed."""
    from app.extensions import db

    activity = activity_services.create_activity({
        "commune_code": commune_code, "kind": "fair", "title": title,
        "start": f"{day}T08:00:00+07:00", "end": f"{day}T11:30:00+07:00", "venue": "Nhà văn hóa tổ dân phố 5",
        "status": "held", "results": {"consultations": 42, "extra_attendees": 60},
    }, actor, datetime(2026, 6, 20, 9, 0, tzinfo=TZ))
    db.session.commit()
    return activity


def downloaded_bytes(page, click) -> bytes:
    """The bytes of the file a click downloads (an attachment)."""
    with page.expect_download() as info:
        click()
    with open(info.value.path(), "rb") as fh:
        return fh.read()


def opened_pdf(page, click) -> bytes:
    """The bytes of the PDF a click opens in the browser's viewer (sent inline).

    Chromium hands the navigation's body to its PDF viewer, so the bytes are fetched again with the
    same session cookies.
    """
    with page.expect_response(lambda r: r.url.endswith(".pdf")) as info:
        click()
    response = info.value
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    again = page.context.request.get(response.url)
    assert again.ok
    return again.body()


def test_commune_officer_plans_a_fair_marks_it_held_and_downloads_its_report(tab, make_user, browser_login):
    officer = make_user("commune", username="coso_hongbang")
    browser_login(tab, officer)

    tab.goto("/activities")
    tab.get_by_role("link", name="Thêm hoạt động").click()
    tab.get_by_label("Loại hoạt động").select_option("fair")
    tab.get_by_label("Tiêu đề").fill("Ngày hội tư vấn BHYT hộ gia đình")
    tab.get_by_label("Bắt đầu").fill("2026-07-01T08:00")
    tab.get_by_label("Kết thúc").fill("2026-07-01T11:30")
    tab.get_by_label("Địa điểm").fill("Sân UBND phường Hồng Bàng")
    assert tab.get_by_label("Trạng thái").input_value() == "planned"
    # Only the fair's result fields are shown (static/js/activity-form.js).
    assert tab.locator("[data-kind-results=fair]").is_visible()
    assert not tab.locator("[data-kind-results=radio]").is_visible()
    tab.get_by_role("button", name="Lưu").click()

    tab.get_by_text("Đã ghi nhận hoạt động.").wait_for()
    assert tab.locator("h1").inner_text() == "Ngày hội tư vấn BHYT hộ gia đình"
    assert tab.locator("[data-status]").first.inner_text() == "Kế hoạch"

    tab.get_by_role("link", name="Hoạt động", exact=True).first.click()
    row = tab.locator("table tbody tr", has_text="Ngày hội tư vấn BHYT hộ gia đình")
    assert row.count() == 1
    assert "01/07/2026" in row.inner_text() and "Kế hoạch" in row.inner_text()
    row.get_by_role("link", name="Ngày hội tư vấn BHYT hộ gia đình").click()

    tab.get_by_role("link", name="Đánh dấu đã tổ chức").click()
    tab.get_by_label("Số lượt tư vấn").fill("35")
    tab.get_by_label("Số người tham dự không điểm danh").fill("120")
    tab.get_by_label("Số người tham gia BHYT mới").fill("8")
    tab.get_by_role("button", name="Lưu kết quả").click()

    tab.get_by_text("Đã đánh dấu hoạt động đã tổ chức.").wait_for()
    assert tab.locator("[data-status]").first.inner_text() == "Đã tổ chức"
    assert tab.locator("[data-result=consultations] td").inner_text() == "35"
    assert tab.locator("[data-result=extra_attendees] td").inner_text() == "120"

    tab.goto("/reports/")
    report_row = tab.locator("tr[data-activity]", has_text="Ngày hội tư vấn BHYT hộ gia đình")
    pdf = opened_pdf(tab, report_row.get_by_role("link", name="Báo cáo").click)
    assert pdf.startswith(b"%PDF")
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "Ngày hội tư vấn BHYT hộ gia đình" in re.sub(r"\s+", " ", text)
    assert_no_page_problems(tab)


def test_city_officer_filters_overdue_opens_evidence_and_exports_excel(tab, make_user, browser_login):
    commune_officer = make_user("commune")
    fair = held_fair(commune_officer)
    city = make_user("city", username="thanhpho")
    browser_login(tab, city)

    tab.goto(f"/campaigns/{SLUG}/matrix")
    tab.get_by_label("Xem tại ngày").fill("2026-07-08")
    tab.get_by_role("button", name="Xem", exact=True).click()
    tab.wait_for_url(re.compile(r"as_of=08%2F07%2F2026"))  # the date input sends what it shows, dd/mm/yyyy
    assert tab.locator("[data-as-of]").inner_text() == "08/07/2026"
    assert tab.locator("tr[data-commune]").count() == 114

    # The Fair (duty 3) is owed on 01/7: as of 08/7 every commune without one is overdue.
    tab.get_by_label("Trạng thái").select_option(label="Quá hạn")
    tab.get_by_label("Nhiệm vụ").select_option("3")
    tab.get_by_role("button", name="Xem", exact=True).click()
    tab.wait_for_url(re.compile(r"status=overdue"))
    assert tab.locator("[data-rows]").inner_text() == "113"
    assert tab.locator("tr[data-commune='11311']").count() == 0
    statuses = tab.locator("td[data-cell$='-3']").evaluate_all("cells => cells.map(c => c.dataset.status)")
    assert len(statuses) == 113 and set(statuses) == {"overdue"}
    overdue_cell = tab.locator("td[data-cell='11948-3']")
    # The status colours come from static/css/app.css (an inline <style> would be blocked by the CSP).
    assert overdue_cell.evaluate("el => getComputedStyle(el).backgroundColor") == "rgb(253, 226, 225)"
    overdue_cell.locator("summary").click()
    assert "Đã quá hạn 01/07/2026" in overdue_cell.inner_text()

    tab.get_by_label("Trạng thái").select_option(label="Đã hoàn thành")
    tab.get_by_role("button", name="Xem", exact=True).click()
    tab.wait_for_url(re.compile(r"status=done"))
    assert tab.locator("tr[data-commune]").count() == 1
    cell = tab.locator("td[data-cell='11311-3']")
    evidence = cell.locator(f"a[data-evidence='{fair.id}']")
    assert not evidence.is_visible()  # folded until the cell is opened
    cell.locator("summary").click()
    assert "Đã hoàn thành" in cell.inner_text()
    assert evidence.inner_text() == fair.title  # the evidence by its title and date, not "#4"
    assert f"{fair.evidence_date:%d/%m/%Y}" in cell.inner_text()

    body = downloaded_bytes(tab, tab.get_by_role("link", name="Excel").click)
    sheet = load_workbook(io.BytesIO(body))["Ma trận"]
    rows = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    header = rows[1]
    hong_bang = next(r for r in rows if r[0] == "11311")
    assert hong_bang[header.index("Nhiệm vụ 3")] == "Đã hoàn thành"
    assert hong_bang[header.index("Nhiệm vụ 1")] == "Quá hạn"

    evidence.click()
    tab.wait_for_url(re.compile(rf"/activities/{fair.id}$"))
    assert tab.locator("h1").inner_text() == "Ngày hội BHYT phường Hồng Bàng"
    assert tab.locator("[data-result=consultations] td").inner_text() == "42"
    assert_no_page_problems(tab)


@pytest.fixture
def submission_day(monkeypatch):
    """The server's clock on 03/7/2026 10:00 (Hanoi) for the report submission: before duty 9's deadline."""
    from app.campaigns import routes

    instant = datetime(2026, 7, 3, 10, 0, tzinfo=TZ)
    monkeypatch.setattr(routes, "utcnow", lambda: instant)
    return instant.date()


def test_commune_submits_its_report_and_duty_9_turns_done_on_the_matrix(tab, new_page, make_user, browser_login,
                                                                        submission_day):
    officer = make_user("commune", username="coso_hongbang")
    browser_login(tab, officer)
    tab.goto("/campaigns/")
    tab.locator(f"[data-campaign='{SLUG}']").get_by_role("link", name="Nhiệm vụ của đơn vị").click()
    tab.wait_for_url(re.compile(rf"/campaigns/{SLUG}/communes/11311"))
    assert tab.locator("tr[data-duty='9']").get_attribute("data-status") != "done"
    assert tab.get_by_text("Đơn vị chưa nộp báo cáo.").is_visible()
    tab.get_by_label("Ghi chú").fill("Báo cáo kết quả đợt cao điểm")
    questions = []
    tab.once("dialog", lambda d: (questions.append(d.message), d.dismiss()))  # "Cancel": nothing is sent
    tab.get_by_role("button", name="Nộp báo cáo").click()
    assert questions and "Sau khi nộp, báo cáo được khóa" in questions[0]
    assert tab.get_by_text("Đơn vị chưa nộp báo cáo.").is_visible()
    tab.once("dialog", lambda d: d.accept())
    tab.get_by_role("button", name="Nộp báo cáo").click()
    tab.get_by_text("Đã nộp báo cáo ngày 03/07/2026.").wait_for()
    assert tab.locator("[data-submitted-on]").inner_text() == "03/07/2026"
    assert tab.get_by_role("button", name="Nộp báo cáo").count() == 0
    assert_no_page_problems(tab)

    city_page = new_page()  # the city officer, in a browser of their own
    browser_login(city_page, make_user("city"))
    city_page.goto(f"/campaigns/{SLUG}/matrix?as_of={submission_day.isoformat()}")
    cell = city_page.locator("td[data-cell='11311-9']")
    assert cell.get_attribute("data-status") == "done"
    assert cell.locator("summary").inner_text().strip() == "Xong"  # the short word; the full one in its title
    assert cell.get_attribute("title") == "NV 9: Đã hoàn thành"
    pdf = city_page.locator("a[data-report-pdf='11311']")  # the commune's campaign report, one click from its row
    assert "/communes/11311/report.pdf" in pdf.get_attribute("href")
    cell.locator("summary").click()
    assert cell.get_by_role("link", name="Đã nộp báo cáo").is_visible()
    assert city_page.locator("td[data-cell='11948-9'] summary").inner_text().strip() == "Chưa làm"
    assert_no_page_problems(city_page)
