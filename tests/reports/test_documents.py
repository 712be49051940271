"""The six documents drawn from plain rows: the Vietnamese text reads back exactly from every PDF."""

import datetime as dt
import io
import math
import re
import subprocess
import unicodedata

import pytest
from PIL import Image
from pypdf import PdfReader

from app.compliance.templates import bhyt_day_2026
from app.reports.activity_report import ActivityReportData, AudienceCount, build_activity_report, result_lines
from app.reports.attendance_list import AttendanceEntry, AttendanceListData, build_attendance_list
from app.reports.city_summary import build_city_summary, city_summary_data
from app.reports.common import KindTotal, ResultTotal, city_header, commune_header, totals_by_kind
from app.reports.commune_report import build_commune_report, commune_report_data, deadline_text
from app.reports.frame import MOTTO, NATION
from app.reports.period_report import PeriodReportData, PeriodRow, build_period_report, period_title
from app.reports.poster import DEFAULT_MESSAGE, PosterData, build_poster, poster_message
from tests.reports.helpers import matrix
from tests.support import require_tool

LEAD = "Bảo hiểm xã hội thành phố Hải Phòng"
UTC = dt.UTC
BLV = "Đặc khu Bạch Long Vĩ"


def pdf_text(pdf: bytes) -> list[str]:
    """Each page's text with line breaks and runs of spaces collapsed (wrapped cells read as one line)."""
    return [" ".join(unicodedata.normalize("NFC", p.extract_text()).split()) for p in PdfReader(io.BytesIO(pdf)).pages]


def assert_frame(text: str) -> None:
    """The ND 30/2020 frame: national title, motto, number, place and date, pages."""
    assert NATION in text
    assert MOTTO in text
    assert "Số:" in text
    assert re.search(r"Hải Phòng, ngày \d\d tháng \d+ năm 2026", text)
    assert "Trang 1/" in text


@pytest.fixture(scope="module")
def season():
    """The BHYT-day matrix of 114 synthetic communes as of 09/7/2026, and its activity summaries."""
    return matrix()


def test_activity_report_prints_every_part_with_the_kind_labels(tmp_path):
    photos = []
    for i, colour in enumerate(("red", "green", "blue", "orange", "purple")):
        path = tmp_path / f"p{i}.jpg"
        Image.new("RGB", (1600, 1200) if i % 2 else (900, 1600), colour).save(path)
        photos.append(path)
    data = ActivityReportData(
        header=commune_header(LEAD, BLV, "Hải Phòng", dt.date(2026, 7, 2)),
        title="Ngày hội tuyên truyền BHYT <đặc khu>",
        kind_label="Ngày hội tuyên truyền, tư vấn, giải đáp chính sách",
        status_label="Đã tổ chức",
        unit_name=BLV,
        start=dt.datetime(2026, 7, 1, 1, 0, tzinfo=UTC),
        end=dt.datetime(2026, 7, 1, 4, 30, tzinfo=UTC),
        venue="Nhà văn hóa trung tâm",
        organiser="BHXH cơ sở",
        partners=("Sở Y tế", "Đoàn Thanh niên"),
        audiences=("Thanh niên, học sinh, sinh viên",),
        messages=("Bảo hiểm y tế toàn dân - Nền tảng an sinh bền vững.",),
        results=result_lines("fair", {"consultations": 1184000, "new_bhyt": 12, "extra_attendees": 30}),
        attendance=(AudienceCount("Lao động phi chính thức, tiểu thương", 70), AudienceCount("Thanh niên", 20)),
        checkins=90,
        extra_attendees=30,
        photos=tuple(photos),
    )
    pdf = build_activity_report(data)
    text = " ".join(pdf_text(pdf))
    assert_frame(text)
    assert "BẢO HIỂM XÃ HỘI CƠ SỞ ĐẶC KHU BẠCH LONG VĨ" in text
    assert "Hải Phòng, ngày 02 tháng 7 năm 2026" in text
    assert "Ngày hội tuyên truyền BHYT <đặc khu>" in text
    assert "08:00 – 11:30 ngày 01/07/2026" in text
    for expected in ("Nhà văn hóa trung tâm", "Sở Y tế, Đoàn Thanh niên", "Thanh niên, học sinh, sinh viên",
                     "Bảo hiểm y tế toàn dân - Nền tảng an sinh bền vững.", "Số lượt tư vấn 1.184.000",
                     "Số người tham gia BHYT mới 12", "Lao động phi chính thức, tiểu thương 70",
                     "Tổng số người tham dự 120", "Nơi nhận:"):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(pdf))
    images = sum(len(page.images) for page in reader.pages)
    assert images == 4  # at most four photos


def test_result_lines_use_the_kind_labels_and_order():
    lines = result_lines("review", {"potential": 5, "at_risk": 1184000, "state_supported": 3})
    assert [(r.label, r.value) for r in lines] == [
        ("Số người có nguy cơ gián đoạn tham gia BHYT", "1.184.000"),
        ("Số người được ngân sách hỗ trợ mức đóng", "3"),
        ("Số người tiềm năng tham gia BHYT", "5"),
    ]
    assert result_lines("advisory", {"doc_number": "15/TTr", "doc_date": "2026-06-20"})[1].value == "20/06/2026"


def attendance(n: int, long_groups: bool = True) -> AttendanceListData:
    group = "Lao động phi chính thức, tiểu thương" if long_groups else "Thanh niên"
    entries = tuple(
        AttendanceEntry(f"Nguyễn Thị Thu Hường {i:04d}", 1950 + i % 60, group, BLV, f"09xx xxx {i % 1000:03d}",
                        dt.datetime(2026, 7, 1, 1, i % 60, tzinfo=UTC))
        for i in range(1, n + 1)
    )
    return AttendanceListData(commune_header(LEAD, BLV, "Hải Phòng", dt.date(2026, 7, 1)),
                              "Hội nghị đối thoại chính sách BHXH", dt.datetime(2026, 7, 1, 1, tzinfo=UTC),
                              "Hội trường UBND", entries)


def test_attendance_list_of_1000_people_holds_every_name_once_with_the_header_on_every_page():
    data = attendance(1000)
    pdf = build_attendance_list(data)
    pages = pdf_text(pdf)
    text = " ".join(pages)
    assert_frame(pages[0])
    for i in range(1, 1001):
        assert text.count(f"Hường {i:04d}") == 1, i
    for n, page in enumerate(pages, 1):
        assert "Họ và tên" in page and "Ký tên" in page and "Giờ điểm danh" in page, n
        assert f"Trang {n}/{len(pages)}" in page
    for page in pages[1:]:
        assert "Danh sách người tham dự — Hội nghị đối thoại chính sách BHXH" in page
    # Rows per page: a full page holds the same number of rows, the first page fewer (document header).
    per_page = [len(re.findall(r"Hường \d{4}", p)) for p in pages]
    full = max(per_page)
    assert len(pages) == 1 + math.ceil((1000 - per_page[0]) / full)
    assert PdfReader(io.BytesIO(pdf)).pages[0].mediabox.width > PdfReader(io.BytesIO(pdf)).pages[0].mediabox.height


def test_attendance_list_with_short_texts_stays_portrait():
    pdf = build_attendance_list(attendance(5, long_groups=False))
    box = PdfReader(io.BytesIO(pdf)).pages[0].mediabox
    assert box.width < box.height
    assert "09xx xxx 005" in pdf_text(pdf)[0]


def test_poster_qr_decodes_to_the_checkin_url(tmp_path):
    zbarimg = require_tool("zbarimg", "decode the poster's QR")
    pdftoppm = require_tool("pdftoppm", "render the poster")
    url = "https://lantoa.example.vn/c/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_xy"
    pdf = build_poster(PosterData(f"Bảo hiểm xã hội cơ sở {BLV}", "Ngày hội tuyên truyền, tư vấn chính sách BHYT",
                                  dt.datetime(2026, 7, 1, 1, tzinfo=UTC), dt.datetime(2026, 7, 1, 4, tzinfo=UTC),
                                  "Nhà văn hóa đặc khu", url))
    text = pdf_text(pdf)[0]
    assert len(pdf_text(pdf)) == 1
    for expected in (NATION, MOTTO, "Ngày hội tuyên truyền, tư vấn chính sách BHYT", "08:00 – 11:00, ngày 01/07/2026",
                     "Nhà văn hóa đặc khu", url, "Bước 1.", "Bước 2.", "Bước 3.", DEFAULT_MESSAGE):
        assert expected in text, expected
    (tmp_path / "poster.pdf").write_bytes(pdf)
    subprocess.run([pdftoppm, "-r", "150", "-png", str(tmp_path / "poster.pdf"), str(tmp_path / "p")], check=True)
    out = subprocess.run([zbarimg, "-q", "--raw", str(tmp_path / "p-1.png")], capture_output=True, text=True)
    assert out.stdout.strip() == url


def test_poster_message_is_the_activitys_first_or_message_4():
    texts = {4: DEFAULT_MESSAGE, 7: "Thông điệp bảy."}
    assert poster_message([7, 4], texts) == "Thông điệp bảy."
    assert poster_message([], texts) == DEFAULT_MESSAGE
    assert poster_message([99], {}) == DEFAULT_MESSAGE


def test_commune_report_prints_the_appendix_ii_duties_with_status_and_evidence(season):
    m, summaries = season
    data = commune_report_data(m, "11948", summaries, lead_office=LEAD, place="Hải Phòng",
                               issued_on=dt.date(2026, 7, 9),
                               kind_totals=[KindTotal("fair", "Ngày hội tuyên truyền, tư vấn, giải đáp chính sách", 1, 1184000)],
                               results=[ResultTotal("Số lượt tư vấn", 2500)],
                               submitted_at=dt.datetime(2026, 7, 6, 2, 15, tzinfo=UTC))
    text = " ".join(pdf_text(build_commune_report(data)))
    assert_frame(text)
    assert "BẢO HIỂM XÃ HỘI CƠ SỞ ĐẶC KHU BẠCH LONG VĨ" in text
    for duty in bhyt_day_2026().duties:
        assert duty.text in text, duty.no
    assert "Ngày hội tuyên truyền, tư vấn BHYT - Đặc khu Bạch Long Vĩ (01/07/2026)" in text
    assert "Đã hoàn thành" in text
    assert "1.184.000" in text and "2.500" in text
    assert "Báo cáo đã gửi lúc 09:15 ngày 06/07/2026" in text
    statuses = {d.no: d.status for d in data.duties}
    assert set(statuses.values()) == {"done"}


def test_commune_report_shows_overdue_duties_of_a_commune_that_missed_the_fair(season):
    m, summaries = season
    code = m.rows[0].commune.code  # every third commune skipped the fair and its report
    data = commune_report_data(m, code, summaries, lead_office=LEAD, place="Hải Phòng")
    assert {d.no: d.status_label for d in data.duties}[3] == "Quá hạn"
    assert {d.no: d.status_label for d in data.duties}[9] == "Quá hạn"
    text = " ".join(pdf_text(build_commune_report(data)))
    assert "Quá hạn" in text and m.rows[0].commune.name.upper() in text


def test_deadline_texts():
    assert deadline_text(None, dt.date(2026, 6, 29)) == "Đến hết 29/06/2026"
    assert deadline_text(dt.date(2026, 7, 1), dt.date(2026, 7, 1)) == "01/07/2026"
    assert deadline_text(dt.date(2026, 6, 22), dt.date(2026, 7, 5)) == "22/06/2026 – 05/07/2026"


def test_city_summary_of_114_communes(season):
    m, _ = season
    data = city_summary_data(m, [KindTotal("fair", "Ngày hội tuyên truyền, tư vấn, giải đáp chính sách", 76, 1184000)],
                             lead_office=LEAD, place="Hải Phòng", issued_on=dt.date(2026, 7, 9))
    assert len(data.overdue) == 38  # communes 0, 3, 6, … skipped the fair and the report
    assert all(o.duties == (3, 9) for o in data.overdue)
    text = " ".join(pdf_text(build_city_summary(data)))
    assert_frame(text)
    assert "BẢO HIỂM XÃ HỘI THÀNH PHỐ HẢI PHÒNG" in text
    for duty in bhyt_day_2026().duties:
        assert duty.text in text, duty.no
    for o in data.overdue:
        assert f"{o.commune} 3, 9" in text
    for r in bhyt_day_2026().city_requirements:
        assert r.label in text
    assert "950/1.026" in text and "76/114" in text and "1.184.000" in text
    assert "Chưa đạt" in text  # no banner anywhere in the synthetic season
    assert re.search(r"Treo băng rôn, khẩu hiệu từ ngày 26/6/2026 đến ngày 11/7/2026 1 0 Chưa đạt", text)


def test_period_report_by_kind_and_commune():
    rows = (PeriodRow("Ngày hội tuyên truyền, tư vấn, giải đáp chính sách", 3, 1, 0, 1184000, 250, 12, 4),
            PeriodRow("Phát thanh trên loa truyền thanh cơ sở", 10))
    data = PeriodReportData(city_header(LEAD, "Hải Phòng", dt.date(2026, 7, 10)), dt.date(2026, 1, 1),
                            dt.date(2026, 6, 30), "Toàn thành phố", rows,
                            (PeriodRow(BLV, 13, 1, 0, 1184000, 250, 12, 4), PeriodRow("Phường Hồng Bàng")))
    pages = pdf_text(build_period_report(data))
    text = " ".join(pages)
    assert_frame(text)
    assert "6 tháng đầu năm 2026" in text
    assert "Ngày hội tuyên truyền, tư vấn, giải đáp chính sách 3 1 0 1.184.000 250 12 4" in text
    assert f"{BLV} 13 1 0 1.184.000 250 12 4" in text
    assert "Tổng cộng 13 1 0 1.184.000 250 12 4" in text


def test_period_titles():
    assert period_title(dt.date(2026, 1, 1), dt.date(2026, 12, 31)) == "năm 2026"
    assert period_title(dt.date(2026, 7, 1), dt.date(2026, 12, 31)) == "6 tháng cuối năm 2026"
    assert period_title(dt.date(2026, 6, 22), dt.date(2026, 7, 11)) == "từ ngày 22/06/2026 đến ngày 11/07/2026"


def test_totals_by_kind_adds_checkins_and_never_sums_texts():
    kinds, results = totals_by_kind([("fair", {"consultations": 5, "extra_attendees": 10}, 20),
                                     ("fair", {"consultations": "7"}, 0),
                                     ("press", {"outlet": "Báo Hải Phòng"}, 0)])
    assert [(k.kind, k.held, k.attendees) for k in kinds] == [("fair", 2, 30), ("press", 1, 0)]
    assert ("Số lượt tư vấn", 12) in [(r.label, r.value) for r in results]


def test_the_posters_title_never_ends_on_a_lone_word():
    """Issue 15 item 10: whatever the width, the title's last line holds its last two words (a no-break space)."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph

    from app.reports.poster import no_lone_word

    title = "Ngày hội tuyên truyền chính sách BHYT hộ gia đình tại nhà văn hóa"
    assert no_lone_word(title).endswith("văn\u00a0hóa") and no_lone_word("BHYT") == "BHYT"
    for width in range(150, 500, 10):
        paragraph = Paragraph(no_lone_word(title), ParagraphStyle("t", fontName="Helvetica", fontSize=22, leading=27))
        paragraph.wrap(width, 1000)
        last = paragraph.blPara.lines[-1]
        words = " ".join(last[1] if isinstance(last, tuple) else last.words).split()
        assert len(words) >= 2 or "\u00a0" in words[-1], (width, words)
