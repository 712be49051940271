"""What documents are made of inside the ND 30 frame: paragraph styles, literal-text paragraphs, tables, photos."""

import functools
import io
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from PIL import Image as PILImage
from PIL import ImageOps
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Image, Paragraph, Table, TableStyle

from app.reports.fonts import register_fonts
from app.reports.text import nfc

HEADER_BG = colors.HexColor("#E6E6E6")
ZEBRA_BG = colors.HexColor("#F4F4F4")
GRID_COLOR = colors.HexColor("#333333")
EXIF_ORIENTATION = 0x0112


@functools.cache
def paragraph_styles() -> dict[str, ParagraphStyle]:
    """Build the paragraph styles once, after the font is registered."""
    f = register_fonts()

    # Sizes of ND 30/2020 Appendix I (Times New Roman): body 13-14, headings 12-14, "Nơi nhận" 11-12.
    def style(name, font=f.regular, size=13, leading=None, align=TA_LEFT, **kw):
        return ParagraphStyle(
            name,
            fontName=font,
            fontSize=size,
            leading=leading or round(size * 1.25, 1),
            alignment=align,
            **kw,
        )

    return {
        "body": style("body", align=TA_JUSTIFY, spaceAfter=4, firstLineIndent=0),
        "body_center": style("body_center", align=TA_CENTER, spaceAfter=4),
        "body_bold": style("body_bold", f.bold, spaceAfter=4),
        "small": style("small", size=11),
        "small_italic": style("small_italic", f.italic, size=11),
        "note": style("note", f.italic, size=11, spaceBefore=2, spaceAfter=2),
        "caption": style("caption", f.italic, size=11, align=TA_CENTER),
        "heading": style("heading", f.bold, size=13, spaceBefore=8, spaceAfter=4, keepWithNext=1),
        "subheading": style("subheading", f.bold_italic, spaceBefore=4, spaceAfter=3, keepWithNext=1),
        "title": style("title", f.bold, size=14, align=TA_CENTER, keepWithNext=1),
        "subtitle": style("subtitle", f.bold, size=13, align=TA_CENTER, spaceBefore=2, keepWithNext=1),
        "cell": style("cell", size=10.5),
        "cell_center": style("cell_center", size=10.5, align=TA_CENTER),
        "cell_right": style("cell_right", size=10.5, align=TA_RIGHT),
        "cell_bold": style("cell_bold", f.bold, size=10.5, align=TA_CENTER),
        "header_parent": style("header_parent", size=12.5, align=TA_CENTER),
        "header_issuer": style("header_issuer", f.bold, size=12.5, align=TA_CENTER),
        "header_number": style("header_number", size=13, align=TA_CENTER),
        "header_nation": style("header_nation", f.bold, size=12, align=TA_CENTER),
        "header_motto": style("header_motto", f.bold, size=13, align=TA_CENTER),
        "header_date": style("header_date", f.italic, size=13, align=TA_CENTER),
        "recipients_heading": style("recipients_heading", f.bold_italic, size=12),
        "recipients": style("recipients", size=11, leftIndent=0),
        "signer_title": style("signer_title", f.bold, size=13, align=TA_CENTER),
        "signer_hint": style("signer_hint", f.italic, size=12, align=TA_CENTER),
        "signer_name": style("signer_name", f.bold, size=13, align=TA_CENTER),
        "page_note": style("page_note", f.italic, size=10),
    }


def styles() -> dict[str, ParagraphStyle]:
    """Paragraph styles in the Vietnamese font: body, small, cell, cell_bold, heading, title, …"""
    return dict(paragraph_styles())


def _markup(text: object) -> str:
    """NFC-normalise user text and escape it so that "<script>" prints literally."""
    return escape(nfc(text)).replace("\n", "<br/>")


def para(text: object, style: str | ParagraphStyle = "body") -> Paragraph:
    """A Paragraph of literal text (NFC, &<> escaped, newlines kept) in a named style."""
    st = style if isinstance(style, ParagraphStyle) else paragraph_styles()[style]
    return Paragraph(_markup(text), st)


def field(label: str, value: object, style: str | ParagraphStyle = "body") -> Paragraph:
    """A "<b>label:</b> value" line, both parts literal text."""
    st = style if isinstance(style, ParagraphStyle) else paragraph_styles()[style]
    return Paragraph(f"<b>{_markup(label)}:</b> {_markup(value)}", st)


_CELL_STYLES = {"LEFT": "cell", "CENTER": "cell_center", "RIGHT": "cell_right"}


def table(
    rows: Sequence[Sequence[object]],
    col_widths: Sequence[float | str],
    header_rows: int = 1,
    zebra: bool = False,
    *,
    align: Sequence[str] | None = None,
    extra_styles: Sequence[tuple] = (),
) -> Table:
    """A grid table whose cells wrap, whose header rows repeat on every page, and which splits by row.

    ``align`` gives each column's LEFT/CENTER/RIGHT; ``extra_styles`` are TableStyle commands (SPAN, …).
    """
    st = paragraph_styles()
    body_styles = [st[_CELL_STYLES[a.upper()]] for a in align] if align else None
    data = []
    for r, row in enumerate(rows):
        cells = []
        for c, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
            elif r < header_rows:
                cells.append(para(value, st["cell_bold"]))
            else:
                cells.append(para(value, body_styles[c] if body_styles else st["cell"]))
        data.append(cells)
    commands = [
        ("FONTNAME", (0, 0), (-1, -1), st["cell"].fontName),
        ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOR),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
    ]
    if header_rows:
        commands.append(("BACKGROUND", (0, 0), (-1, header_rows - 1), HEADER_BG))
    if zebra and len(data) > header_rows:
        commands.append(("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, ZEBRA_BG]))
    commands.extend(extra_styles)
    return Table(
        data,
        colWidths=list(col_widths),
        repeatRows=header_rows,
        hAlign="CENTER",
        style=TableStyle(commands),
    )


def image_fit(path_or_bytes: str | Path | bytes, max_w: float, max_h: float) -> Image:
    """A photo scaled to fit max_w by max_h points, aspect ratio kept and camera rotation applied."""
    if isinstance(path_or_bytes, bytes):
        source: str | io.BytesIO = io.BytesIO(path_or_bytes)
    else:
        source = str(path_or_bytes)
    with PILImage.open(source) as img:
        if img.getexif().get(EXIF_ORIENTATION, 1) != 1:
            # ReportLab ignores the EXIF orientation of phone photos: hand it the turned pixels.
            img = ImageOps.exif_transpose(img)
            source = io.BytesIO()
            if img.mode in ("RGBA", "LA", "P"):
                img.save(source, "PNG")
            else:
                img.convert("RGB").save(source, "JPEG", quality=88)
        w, h = img.size
    if isinstance(source, io.BytesIO):
        source.seek(0)
    scale = min(max_w / w, max_h / h)
    return Image(source, width=w * scale, height=h * scale)
