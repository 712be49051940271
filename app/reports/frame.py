"""The one document frame of every PDF: the Nghị định 30/2020/NĐ-CP layout and page numbers.

The paragraphs, tables and photos drawn inside it are in flowables.py (re-exported here for the documents).
"""

import datetime as dt
import functools
import io
import re
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.pagesizes import landscape as to_landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from app.reports.flowables import GRID_COLOR, HEADER_BG, field, image_fit, para, paragraph_styles, styles, table
from app.reports.fonts import register_fonts
from app.reports.text import date_in_words, nfc

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
SIGN_HINT = "(Ký, ghi rõ họ tên)"

# ND 30/2020, Appendix I: top and bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
MARGIN_TOP = 20 * mm
MARGIN_BOTTOM = 20 * mm
MARGIN_LEFT = 30 * mm
MARGIN_RIGHT = 15 * mm

# Header columns: the national title in 12 pt bold Times (Liberation Serif) is 88 mm wide.
HEADER_LEFT_W = 72 * mm
HEADER_RIGHT_W = 92 * mm


__all__ = ["GRID_COLOR", "HEADER_BG", "MOTTO", "NATION", "DocHeader", "build_pdf", "content_height", "content_width",
           "field", "image_fit", "page_size", "para", "styles", "table"]


@dataclass(frozen=True)
class DocHeader:
    """Top of the document: parent body, issuing body, number, place and date of issue."""

    issuer_parent: str
    issuer: str
    _: KW_ONLY
    number: str = "Số:      /BC-BHXH"
    place: str
    date: dt.date


def page_size(landscape: bool = False) -> tuple[float, float]:
    """A4 portrait, or landscape for wide tables."""
    return to_landscape(A4) if landscape else A4


def content_width(landscape: bool = False) -> float:
    """Width in points between the left and right margins, for sizing tables and images."""
    return page_size(landscape)[0] - MARGIN_LEFT - MARGIN_RIGHT


def content_height(landscape: bool = False) -> float:
    """Height in points between the top and bottom margins."""
    return page_size(landscape)[1] - MARGIN_TOP - MARGIN_BOTTOM


class _Rule(Flowable):
    """A short horizontal rule under a header line, centred by its table cell."""

    def __init__(self, length: float, above: float = 2.5, below: float = 1.5):
        super().__init__()
        self.length = length
        self.above = above
        self.below = below

    def wrap(self, avail_width, avail_height):
        self.length = min(self.length, avail_width)
        return self.length, self.above + self.below

    def draw(self):
        self.canv.setLineWidth(0.6)
        self.canv.line(0, self.below, self.length, self.below)


def _one_line(text: str, style: ParagraphStyle, width: float, min_size: float = 11) -> Paragraph:
    """A header line shrunk (down to min_size) to stay on one line; longer ones wrap at full size."""
    size = style.fontSize
    while stringWidth(text, style.fontName, size) > width and size - 0.25 >= min_size:
        size -= 0.25
    if stringWidth(text, style.fontName, size) > width:
        size = style.fontSize
    if size != style.fontSize:
        style = ParagraphStyle(
            f"{style.name}_{size}", parent=style, fontSize=size, leading=style.leading * size / style.fontSize
        )
    return Paragraph(escape(text), style)


def _number_markup(number: str) -> str:
    """ "Số: 12/BC-BHXH", with the blanks of an unnumbered draft kept as they are typed."""
    text = nfc(number).strip()
    if not text.lower().startswith("số"):
        text = f"Số: {text}"
    return re.sub(r" {2,}", lambda m: "&nbsp;" * len(m.group()), escape(text))


def _header_block(header: DocHeader, width: float) -> Table:
    """Issuing body and number top-left, national title and date top-right (ND 30/2020, Appendix I)."""
    st = paragraph_styles()
    issuer_style = st["header_issuer"]
    issuer = nfc(header.issuer).upper()
    issuer_line = _one_line(issuer, issuer_style, HEADER_LEFT_W)
    issuer_w = stringWidth(issuer, issuer_line.style.fontName, issuer_line.style.fontSize)
    left = []
    if header.issuer_parent:
        left.append(_one_line(nfc(header.issuer_parent).upper(), st["header_parent"], HEADER_LEFT_W))
    left += [issuer_line, _Rule(0.4 * min(issuer_w, HEADER_LEFT_W))]
    motto = st["header_motto"]
    right = [
        para(NATION, "header_nation"),
        para(MOTTO, "header_motto"),
        _Rule(stringWidth(MOTTO, motto.fontName, motto.fontSize)),
    ]
    number = Paragraph(_number_markup(header.number), st["header_number"])
    when = para(date_in_words(header.place, header.date), "header_date")
    gap = max(width - HEADER_LEFT_W - HEADER_RIGHT_W, 0)
    return Table(
        [[left, "", right], [number, "", when]],
        colWidths=[HEADER_LEFT_W, gap, HEADER_RIGHT_W],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), st["header_number"].fontName),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 1), (-1, 1), 5),
            ]
        ),
    )


def _closing_block(recipients: Sequence[str], signer_title: str, signer_name: str, width: float) -> Flowable | None:
    """ "Nơi nhận:" bottom-left and the signature bottom-right, side by side and never split."""
    if not (recipients or signer_title or signer_name):
        return None
    left = []
    if recipients:
        left.append(para("Nơi nhận:", "recipients_heading"))
        for line in recipients:
            text = nfc(line).strip()
            left.append(para(text if text.startswith("-") else f"- {text}", "recipients"))
    right = []
    if signer_title:
        right.append(para(nfc(signer_title).upper(), "signer_title"))
    right += [para(SIGN_HINT, "signer_hint"), Spacer(1, 22 * mm)]
    if signer_name:
        right.append(para(signer_name, "signer_name"))
    block = Table(
        [[left, right]],
        colWidths=[0.45 * width, 0.55 * width],
        style=TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), paragraph_styles()["body"].fontName),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        ),
    )
    return KeepTogether([block])


class _NumberedCanvas(Canvas):
    """A canvas that holds every page until the end, then stamps "Trang x/y" (and the running note)."""

    def __init__(self, *args, note: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self._note = note
        self._pages: list[dict] = []

    def showPage(self):
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self._stamp(total)
            super().showPage()
        super().save()

    def _stamp(self, total: int) -> None:
        """Draw the page number in the footer and, from page 2 on, the running note at the top."""
        font = register_fonts()
        width, height = self._pagesize
        self.saveState()
        self.setFont(font.regular, 10)
        self.setFillColor(colors.black)
        self.drawCentredString(width / 2, MARGIN_BOTTOM / 2, f"Trang {self._pageNumber}/{total}")
        if self._note and self._pageNumber > 1:
            self.setFont(font.italic, 10)
            self.drawCentredString(
                MARGIN_LEFT + (width - MARGIN_LEFT - MARGIN_RIGHT) / 2,
                height - MARGIN_TOP / 2,
                self._note,
            )
        self.restoreState()


def build_pdf(
    header: DocHeader,
    title: str,
    body: Sequence[Flowable],
    *,
    subtitle: str | None = None,
    recipients: Sequence[str] = (),
    signer_title: str = "",
    signer_name: str = "",
    landscape: bool = False,
    repeat_header_note: str | None = None,
) -> bytes:
    """Render a document in the ND 30/2020 frame around the caller's flowables and return the PDF."""
    fonts = register_fonts()
    width = content_width(landscape)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=page_size(landscape),
        leftMargin=MARGIN_LEFT,
        rightMargin=MARGIN_RIGHT,
        topMargin=MARGIN_TOP,
        bottomMargin=MARGIN_BOTTOM,
        title=nfc(title),
        author=nfc(header.issuer),
        subject=nfc(subtitle) if subtitle else None,
        creator="Lan Tỏa",
        lang="vi-VN",
        initialFontName=fonts.regular,
        initialFontSize=13,
    )
    story: list[Flowable] = [
        _header_block(header, width),
        Spacer(1, 8 * mm),
        para(nfc(title).upper(), "title"),
    ]
    if subtitle:
        story.append(para(subtitle, "subtitle"))
    story.append(Spacer(1, 5 * mm))
    story.extend(body)
    closing = _closing_block(recipients, signer_title, signer_name, width)
    if closing is not None:
        story += [Spacer(1, 6 * mm), closing]
    note = nfc(repeat_header_note) or None
    doc.build(story, canvasmaker=functools.partial(_NumberedCanvas, note=note))
    return out.getvalue()
