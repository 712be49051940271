"""QR poster (SPEC §6.3): an A4 sheet to hang at the door, with a large check-in QR (its own layout)."""

import datetime as dt
import io
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm, mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from app.checkin.qr import qr_png
from app.reports.fonts import register_fonts
from app.reports.frame import MOTTO, NATION
from app.reports.text import fmt_date, fmt_time, nfc

DEFAULT_MESSAGE = "Bảo hiểm y tế toàn dân - Nền tảng an sinh bền vững."  # message 4 of seed 002 §II.2
QR_SIZE = 12 * cm
MIN_QR_SIZE = 10 * cm  # scanned from a few metres away
# The QR image keeps 2 modules of white margin and the page adds QR_GAP above and below (white paper at the sides):
# with the 4-module margin inside the image its modules were 12 % smaller, and a blurred, tilted phone photo from
# a distance failed to decode (issue 16, tests/checkin/test_short_links.py). 7 mm ≥ 2 modules of a version 4 code.
QR_BORDER = 2
QR_GAP = 7 * mm
STEPS = (
    "Mở camera điện thoại (hoặc Zalo) và hướng vào mã QR.",
    "Chạm vào đường dẫn hiện ra để mở trang điểm danh.",
    "Điền họ tên, đồng ý xử lý dữ liệu cá nhân và bấm “Điểm danh”.",
)
ACCENT = colors.HexColor("#0B5394")


@dataclass(frozen=True)
class PosterData:
    """What the poster shows: the event, the check-in URL encoded in the QR, and one official message."""

    issuer: str
    title: str
    start: dt.datetime
    end: dt.datetime
    venue: str
    checkin_url: str
    message: str = DEFAULT_MESSAGE
    faq_url: str = ""  # the public FAQ's short address (SPEC §17), printed under the steps


def poster_message(activity_message_ids, message_texts: dict[int, str]) -> str:
    """The first official message chosen for the activity, else message 4 (SPEC §8)."""
    for mid in activity_message_ids or ():
        if mid in message_texts:
            return message_texts[mid]
    return message_texts.get(4, DEFAULT_MESSAGE)


def _when(start: dt.datetime, end: dt.datetime) -> str:
    """ "08:00 – 11:30, ngày 01/07/2026"."""
    if fmt_date(start) == fmt_date(end):
        return f"{fmt_time(start)} – {fmt_time(end)}, ngày {fmt_date(start)}"
    return f"{fmt_time(start)} ngày {fmt_date(start)} – {fmt_time(end)} ngày {fmt_date(end)}"


def no_lone_word(text: str) -> str:
    """The title with its last two words joined by a no-break space, so no word stands alone on the last line."""
    words = nfc(text).split()
    if len(words) < 2:
        return " ".join(words)
    return " ".join(words[:-1]) + "\u00a0" + words[-1]


def _paragraph(canvas: Canvas, text: str, style: ParagraphStyle, x: float, top: float, width: float) -> float:
    """Draw wrapped literal text with its top at `top`; return the y below it."""
    p = Paragraph(escape(nfc(text)), style)
    _, h = p.wrap(width, 1000)
    p.drawOn(canvas, x, top - h)
    return top - h


def _fit_url(text: str, font: str, width: float, size: float = 12) -> float:
    """The largest size (down to 7 pt) at which the link fits on one line."""
    while size > 7 and stringWidth(text, font, size) > width:
        size -= 0.5
    return size


def build_poster(data: PosterData) -> bytes:
    """Draw the A4 poster and return the PDF bytes."""
    f = register_fonts()
    page_w, page_h = A4
    margin = 15 * mm
    width = page_w - 2 * margin
    out = io.BytesIO()
    c = Canvas(out, pagesize=A4, pageCompression=1, initialFontName=f.regular)
    c.setTitle(nfc(data.title))
    c.setAuthor(nfc(data.issuer))
    c.setCreator("Lan Tỏa")

    def style(name, font, size, color=colors.black, leading=None):
        return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.25,
                              alignment=TA_CENTER, textColor=color)

    # A slim top band: the organiser left, the national title right.
    half = width / 2 - 4 * mm
    _paragraph(c, data.issuer.upper(), style("issuer", f.bold, 9), margin, page_h - margin, half)
    y = _paragraph(c, NATION, style("nation", f.bold, 8.5), margin + width / 2 + 4 * mm, page_h - margin, half)
    _paragraph(c, MOTTO, style("motto", f.bold, 9), margin + width / 2 + 4 * mm, y, half)
    c.setStrokeColor(ACCENT)
    c.setLineWidth(2)
    c.line(margin, page_h - margin - 14 * mm, page_w - margin, page_h - margin - 14 * mm)

    top = page_h - margin - 20 * mm
    top = _paragraph(c, "MỜI QUÝ VỊ ĐIỂM DANH", style("kicker", f.bold, 13, ACCENT), margin, top, width) - 2 * mm
    top = _paragraph(c, no_lone_word(data.title), style("title", f.bold, 22, leading=27), margin, top, width) - 3 * mm
    top = _paragraph(c, f"Thời gian: {_when(data.start, data.end)}", style("when", f.regular, 13), margin, top, width)
    top = _paragraph(c, f"Địa điểm: {data.venue or '—'}", style("venue", f.regular, 13), margin, top, width) - 5 * mm

    # A long title or venue shrinks the QR, never below MIN_QR_SIZE, rather than push the steps off the page.
    room = top - (margin + 19 * mm) - 62 * mm - (8 * mm if data.faq_url else 0)
    qr_size = max(MIN_QR_SIZE, min(QR_SIZE, room))
    qr = ImageReader(io.BytesIO(qr_png(data.checkin_url, box_size=12, border=QR_BORDER)))
    top -= QR_GAP
    c.drawImage(qr, (page_w - qr_size) / 2, top - qr_size, qr_size, qr_size)
    top -= qr_size + QR_GAP
    size = _fit_url(data.checkin_url, f.regular, width)
    c.setFont(f.regular, size)
    c.drawCentredString(page_w / 2, top - size, data.checkin_url)
    top -= size + 7 * mm

    top = _paragraph(c, "CÁCH ĐIỂM DANH", style("how", f.bold, 13, ACCENT), margin, top, width) - 1 * mm
    step_style = ParagraphStyle("step", fontName=f.regular, fontSize=12, leading=16)
    for i, step in enumerate(STEPS, 1):
        top = _paragraph(c, f"Bước {i}. {step}", step_style, margin + 20 * mm, top, width - 40 * mm) - 1 * mm

    if data.faq_url:
        top = _paragraph(c, f"Hỏi đáp chính sách BHXH, BHYT: {data.faq_url}", style("faq", f.bold, 12, ACCENT),
                         margin, top - 2 * mm, width)

    # The official message in a band across the foot of the page.
    band_h = 24 * mm
    c.setFillColor(ACCENT)
    c.rect(0, margin - 5 * mm, page_w, band_h, stroke=0, fill=1)
    p = Paragraph(escape(nfc(data.message)), style("slogan", f.bold, 17, colors.white, leading=21))
    _, h = p.wrap(width, band_h)
    p.drawOn(c, margin, margin - 5 * mm + (band_h - h) / 2)
    c.showPage()
    c.save()
    return out.getvalue()
