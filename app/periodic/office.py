"""Office files of a period: the consolidated report as DOCX (a secretary edits it in Word) and every unit's figures
in one Excel sheet. Data first, then drawing; bytes out."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from app.periodic.pdf import NUMBER_HEAD, NUMBER_KEYS, ConsolidatedDocument
from app.reports.text import date_in_words, fmt_date, fmt_int, nfc
from app.schemas.periodic import SECTION_KEYS, SECTION_LABELS
from app.tabular import Sheet, xlsx_bytes

FONT = "Times New Roman"  # ND 30/2020; Liberation Serif has its metrics


def _paragraph(document, text: str, bold: bool = False, center: bool = False, italic: bool = False):
    p = document.add_paragraph()
    run = p.add_run(nfc(text))
    run.bold, run.italic = bold, italic
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def consolidated_docx(doc: ConsolidatedDocument) -> bytes:
    """The consolidated report as an editable Word file: header, title, figures, sections, every unit's proposals."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(13)
    head = document.add_table(rows=2, cols=2)
    head.cell(0, 0).text = nfc(doc.header.issuer_parent.upper())
    head.cell(1, 0).text = nfc(doc.header.issuer.upper())
    head.cell(0, 1).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    head.cell(1, 1).text = "Độc lập - Tự do - Hạnh phúc"
    _paragraph(document, doc.header.number)
    _paragraph(document, date_in_words(doc.header.place, doc.header.date), italic=True)
    _paragraph(document, "BÁO CÁO", bold=True, center=True)
    _paragraph(document, "Tổng hợp kết quả thực hiện công tác tuyên truyền chính sách BHXH, BHYT", bold=True,
               center=True)
    start, end = doc.window
    _paragraph(document, f"{doc.period_label} (số liệu từ {fmt_date(start)} đến {fmt_date(end)})", center=True)
    _paragraph(document, f"Số đơn vị đã báo cáo: {len(doc.reported)}; chưa báo cáo: {len(doc.missing)}.")
    document.add_heading("I. Số liệu toàn thành phố", level=2)
    rows = doc.figures.get("by_kind") or []
    grid = document.add_table(rows=1, cols=2 + len(NUMBER_KEYS))
    grid.style = "Table Grid"
    for i, text in enumerate(("STT", "Loại hoạt động", *NUMBER_HEAD)):
        grid.rows[0].cells[i].text = text
    for n, r in enumerate(rows, 1):
        cells = grid.add_row().cells
        for i, text in enumerate((str(n), r["label"], *(fmt_int(r[k]) for k in NUMBER_KEYS))):
            cells[i].text = nfc(text)
    cells = grid.add_row().cells
    for i, text in enumerate(("", "Tổng cộng", *(fmt_int(doc.figures["total"][k]) for k in NUMBER_KEYS))):
        cells[i].text = text
    for n, key in enumerate(SECTION_KEYS, 2):
        document.add_heading(f"{('I', 'II', 'III', 'IV', 'V')[n - 1]}. {SECTION_LABELS[key]}", level=2)
        for line in (doc.sections.get(key) or "").split("\n"):
            if line.strip():
                _paragraph(document, line)
    document.add_heading("VI. Đơn vị đã báo cáo: khó khăn, vướng mắc và đề xuất, kiến nghị", level=2)
    for n, unit in enumerate(doc.reported, 1):
        _paragraph(document, f"{n}. {unit.name} ({unit.status_word})", bold=True)
        _paragraph(document, f"Khó khăn, vướng mắc: {unit.kho_khan or 'Không có.'}")
        _paragraph(document, f"Đề xuất, kiến nghị: {unit.de_xuat or 'Không có.'}")
    document.add_heading("VII. Đơn vị chưa báo cáo", level=2)
    _paragraph(document, "; ".join(doc.missing) + "." if doc.missing else "Tất cả các đơn vị đã báo cáo.")
    _paragraph(document, "Nơi nhận:", bold=True, italic=True)
    for r in doc.recipients:
        _paragraph(document, f"- {r};")
    _paragraph(document, doc.signer_title.upper(), bold=True, center=True)
    _paragraph(document, doc.signer_name, bold=True, center=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


FIGURE_HEAD = ["Loại đơn vị", "Mã", "Đơn vị", "Trạng thái", "Ngày gửi", "Đã tổ chức", "Kế hoạch", "Đã hủy",
               "Người tham dự", "Lượt tư vấn", "BHYT mới", "BHXH tự nguyện mới", "Nhiệm vụ đến hạn",
               "Nhiệm vụ hoàn thành"]
TYPE_WORDS = {"commune": "Cấp xã", "agency": "Cơ quan, đơn vị"}
TOTALS = ("held", "planned", "cancelled", "attendees", "consultations", "new_bhyt", "new_bhxh")


def figures_xlsx(period_label: str, lines: list[tuple[str, str, str, str, object, dict | None]]) -> bytes:
    """One sheet: a line per unit (type, code, name, status word, date sent, its figures); the figures of a submitted
    report are its frozen ones, of the others the live ones (written by app/tabular.py: the formula guard on every
    cell, dates dd/mm/yyyy)."""
    rows = []
    for unit_type, code, name, status_word, sent, figures in lines:
        total = (figures or {}).get("total") or {}
        tasks = (figures or {}).get("tasks") or {}
        rows.append([TYPE_WORDS.get(unit_type, unit_type), code, name, status_word, sent,
                     *(total.get(k, 0) for k in TOTALS), tasks.get("total", 0), tasks.get("completed", 0)])
    return xlsx_bytes([Sheet("Số liệu", FIGURE_HEAD, rows, widths=[14, 8, 36, 18, 12, 10, 10, 10, 12, 12, 10, 12, 12, 12],
                             caption=f"Số liệu báo cáo {period_label}", freeze="A3")])
