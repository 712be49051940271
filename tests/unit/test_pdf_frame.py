"""The ND 30/2020 document frame: Vietnamese text, page numbers, long tables, embedded font."""

import datetime as dt
import io
import re
import unicodedata

import pytest
from PIL import Image as PILImage
from pypdf import PdfReader
from reportlab.lib.fonts import tt2ps
from reportlab.lib.units import mm
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from app.reports import fonts
from app.reports.fonts import FONTS, FontUnavailableError, register_fonts
from app.reports.frame import DocHeader, build_pdf, content_width, field, image_fit, para, table
from app.reports.text import date_in_words, fmt_date, fmt_int, fmt_time, nfc

ROWS = 300
NAMES = [
    "Nguyễn Thị Thu Hường",
    "Tôn Nữ Hoàng Phương Thảo Nguyên",
    "Trần Đặng Quốc Khánh",
    "Lê Hoàng Bảo Ngọc Quỳnh Anh",
]
PLACES = ["Đặc khu Bạch Long Vĩ", "Phường Hồng Bàng, thành phố Hải Phòng", "Xã Thủy Nguyên"]
TITLE = "Báo cáo kết quả tổ chức hội nghị tuyên truyền"
SCRIPT = "<script>alert('x')</script> & <b>không đậm</b>"
NFD_SENTENCE = "Người tham gia bảo hiểm xã hội tự nguyện được hưởng lương hưu."
NOTE = "Danh sách điểm danh (tiếp theo)"


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def row_name(i: int) -> str:
    return f"{NAMES[i % len(NAMES)]} {i:03d}"


def header() -> DocHeader:
    return DocHeader(
        "BHXH THÀNH PHỐ HẢI PHÒNG",
        "Bảo hiểm xã hội cơ sở phường Hồng Bàng",
        place="Hải Phòng",
        date=dt.date(2026, 7, 7),
    )


def one_line(text: str) -> str:
    """Join the lines that a wrapped table cell or paragraph was broken into."""
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def long_report() -> PdfReader:
    rows = [["STT", "Họ và tên", "Năm sinh", "Nơi cư trú", "Ký nhận"]]
    for i in range(1, ROWS + 1):
        # Every other row arrives decomposed, as some phone keyboards type it.
        name = nfd(row_name(i)) if i % 2 else row_name(i)
        rows.append([str(i), name, str(1950 + i % 50), PLACES[i % len(PLACES)], ""])
    width = content_width()
    body = [
        para("I. KẾT QUẢ", "heading"),
        para(nfd(NFD_SENTENCE)),
        para(SCRIPT),
        field("Số người tham dự", fmt_int(1184000)),
        table(rows, [10 * mm, 45 * mm, 17 * mm, width - 102 * mm, 30 * mm], zebra=True),
    ]
    pdf = build_pdf(
        header(),
        TITLE,
        body,
        subtitle="Đợt cao điểm tháng 7 năm 2026",
        recipients=["BHXH thành phố (để b/c);", "Lưu: VT."],
        signer_title="Giám đốc",
        signer_name="Nguyễn Văn An",
        repeat_header_note=NOTE,
    )
    return PdfReader(io.BytesIO(pdf))


@pytest.fixture(scope="module")
def pages(long_report: PdfReader) -> list[str]:
    return [page.extract_text() for page in long_report.pages]


def test_date_in_words_pads_days_below_10() -> None:
    assert date_in_words("Hải Phòng", dt.date(2026, 7, 7)) == "Hải Phòng, ngày 07 tháng 7 năm 2026"


def test_date_in_words_pads_january_and_february_only() -> None:
    assert date_in_words("Hải Phòng", dt.date(2026, 2, 5)) == "Hải Phòng, ngày 05 tháng 02 năm 2026"
    assert date_in_words("Hà Nội", dt.date(2026, 1, 31)) == "Hà Nội, ngày 31 tháng 01 năm 2026"
    assert date_in_words("Hà Nội", dt.date(2026, 3, 10)) == "Hà Nội, ngày 10 tháng 3 năm 2026"
    assert date_in_words("Hà Nội", dt.date(2026, 12, 25)) == "Hà Nội, ngày 25 tháng 12 năm 2026"


def test_date_in_words_normalises_the_place() -> None:
    assert date_in_words(nfd("Hải Phòng"), dt.date(2026, 7, 7)).startswith("Hải Phòng,")


def test_fmt_int_groups_thousands_with_dots() -> None:
    assert fmt_int(1184000) == "1.184.000"
    assert fmt_int(999) == "999"
    assert fmt_int(0) == "0"
    assert fmt_int(-1500) == "-1.500"
    assert fmt_int(None) == ""


def test_fmt_date_and_time() -> None:
    assert fmt_date(dt.date(2026, 7, 1)) == "01/07/2026"
    assert fmt_time(dt.datetime(2026, 7, 1, 8, 30)) == "08:30"
    assert fmt_time(dt.time(14, 5)) == "14:05"
    assert fmt_date(None) == fmt_time(None) == ""


def test_nfc_composes_decomposed_text() -> None:
    assert nfc(nfd("Đặc khu Bạch Long Vĩ")) == "Đặc khu Bạch Long Vĩ"
    assert nfc(None) == ""


def test_register_fonts_is_idempotent_and_maps_bold_and_italic() -> None:
    assert register_fonts() == register_fonts() == FONTS
    assert tt2ps(FONTS.regular, 1, 0) == FONTS.bold
    assert tt2ps(FONTS.regular, 0, 1) == FONTS.italic
    assert tt2ps(FONTS.regular, 1, 1) == FONTS.bold_italic


def test_missing_font_raises_instead_of_falling_back(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(fonts, "_registered", lambda: False)
    with pytest.raises(FontUnavailableError):
        register_fonts(tmp_path)


def test_every_face_covers_every_vietnamese_letter() -> None:
    letters = "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    toned = "".join(unicodedata.normalize("NFC", v + t) for v in "aăâeêioôơuưy" for t in "\u0300\u0301\u0303\u0309\u0323")
    wanted = {ord(c) for c in letters + letters.upper() + toned + toned.upper()}
    for name in FONTS:
        covered = set(TTFont(name, str(fonts.font_file(name))).face.charToGlyph)
        assert not wanted - covered, (name, "".join(sorted(chr(c) for c in wanted - covered)))


def test_para_prints_markup_literally() -> None:
    assert para(SCRIPT).getPlainText() == SCRIPT
    assert para("dòng 1\ndòng 2").text == "dòng 1<br/>dòng 2"


def test_table_wraps_cells_and_repeats_header_rows() -> None:
    t = table([["A", "B"], ["<i>x</i>", nfd("Hường")]], [20 * mm, 20 * mm], header_rows=1)
    assert t.repeatRows == 1
    cells = [cell for row in t._cellvalues for cell in row]
    assert all(isinstance(cell, Paragraph) for cell in cells)
    assert cells[2].getPlainText() == "<i>x</i>"
    assert cells[3].getPlainText() == "Hường"


def test_image_fit_keeps_aspect_ratio() -> None:
    buf = io.BytesIO()
    PILImage.new("RGB", (400, 200), "red").save(buf, "PNG")
    img = image_fit(buf.getvalue(), 100, 100)
    assert (img.drawWidth, img.drawHeight) == (100, 50)
    img = image_fit(buf.getvalue(), 300, 20)
    assert (img.drawWidth, img.drawHeight) == (40, 20)


def test_image_fit_turns_phone_photos_upright() -> None:
    buf = io.BytesIO()
    photo = PILImage.new("RGB", (400, 200), "blue")
    exif = photo.getexif()
    exif[0x0112] = 6  # shot with the phone held upright: stored sideways
    photo.save(buf, "JPEG", exif=exif)
    img = image_fit(buf.getvalue(), 100, 100)
    assert (img.drawWidth, img.drawHeight) == (50, 100)


def test_header_block_shows_national_title_and_date(pages: list[str]) -> None:
    first = pages[0]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in first
    assert "Độc lập - Tự do - Hạnh phúc" in first
    assert "Hải Phòng, ngày 07 tháng 7 năm 2026" in first
    assert "BẢO HIỂM XÃ HỘI CƠ SỞ PHƯỜNG HỒNG BÀNG" in one_line(first)  # ND 30 lets the issuer wrap
    assert "/BC-BHXH" in first


def test_title_is_bold_uppercase_with_subtitle(pages: list[str]) -> None:
    assert TITLE.upper() in pages[0]
    assert "Đợt cao điểm tháng 7 năm 2026" in pages[0]


def test_closing_block_is_on_the_last_page(pages: list[str]) -> None:
    last = pages[-1]
    assert "Nơi nhận:" in last
    assert "- Lưu: VT." in last
    assert "GIÁM ĐỐC" in last
    assert "(Ký, ghi rõ họ tên)" in last
    assert "Nguyễn Văn An" in last


def test_every_page_is_numbered_out_of_the_real_total(long_report: PdfReader, pages: list[str]) -> None:
    total = len(long_report.pages)
    assert total > 3
    for number, text in enumerate(pages, start=1):
        assert f"Trang {number}/{total}" in text


def test_every_row_is_printed_exactly_once(pages: list[str]) -> None:
    text = one_line(" ".join(pages))
    for i in range(1, ROWS + 1):
        assert len(re.findall(re.escape(row_name(i)) + r"\b", text)) == 1, row_name(i)


def test_header_row_repeats_on_every_page_with_rows(pages: list[str]) -> None:
    with_rows = [text for text in pages if NAMES[0] in text]
    assert len(with_rows) >= len(pages) - 1  # the closing block, kept whole, may start the last page
    for text in with_rows:
        assert text.count("Họ và tên") == 1
        assert text.count("Nơi cư trú") == 1


def test_running_note_from_page_two_on(pages: list[str]) -> None:
    assert NOTE not in pages[0]
    assert all(NOTE in text for text in pages[1:])


def test_decomposed_input_extracts_composed(pages: list[str]) -> None:
    text = " ".join(pages)
    assert unicodedata.is_normalized("NFC", text)
    assert NFD_SENTENCE in one_line(text)
    assert "Đặc khu Bạch Long Vĩ" in text


def test_user_markup_prints_literally(pages: list[str]) -> None:
    assert SCRIPT in one_line(pages[0])
    assert "Số người tham dự: 1.184.000" in pages[0]


def test_only_liberation_serif_is_used_and_embedded(long_report: PdfReader) -> None:
    faces = set()
    for page in long_report.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor, font["/BaseFont"]
            faces.add(str(font["/BaseFont"]).split("+", 1)[1])
    assert faces == {
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic",
    }


def test_landscape_page_and_no_closing_block_without_signer() -> None:
    reader = PdfReader(io.BytesIO(build_pdf(header(), "Tổng hợp", [para("Nội dung")], landscape=True)))
    box = reader.pages[0].mediabox
    assert box.width > box.height
    text = reader.pages[0].extract_text()
    assert "Trang 1/1" in text
    assert "Nơi nhận:" not in text


def test_number_gets_its_prefix() -> None:
    doc = DocHeader(
        "UBND THÀNH PHỐ HẢI PHÒNG", "BHXH", number="12/BC-BHXH", place="Hải Phòng", date=dt.date(2026, 1, 2)
    )
    text = PdfReader(io.BytesIO(build_pdf(doc, "Báo cáo", []))).pages[0].extract_text()
    assert "Số: 12/BC-BHXH" in text
    assert "Hải Phòng, ngày 02 tháng 01 năm 2026" in text
