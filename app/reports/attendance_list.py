"""Attendance list (SPEC §6.2): one row per person, an empty signature column, the header on every page."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, Paragraph, Table, TableStyle

from app.reports.frame import GRID_COLOR, HEADER_BG, DocHeader, build_pdf, content_width, field, para, styles
from app.reports.text import fmt_date, fmt_int, fmt_time, nfc

TITLE = "Danh sách người tham dự"
COLUMNS = ("STT", "Họ và tên", "Năm sinh", "Nhóm đối tượng", "Nơi cư trú", "Số điện thoại", "Giờ điểm danh", "Ký tên")
# Relative widths of the columns above; "Ký tên" stays wide enough to sign in.
WEIGHTS = (5, 28, 8, 25, 22, 12, 9, 16)
LONG_TEXT = 30  # a group or residence longer than this turns the page to landscape


@dataclass(frozen=True)
class AttendanceEntry:
    """One attendee as printed; the caller masks the phone for the reader's role (SPEC §5)."""

    full_name: str
    birth_year: int | None = None
    audience: str = ""
    residence: str = ""
    phone: str = ""
    checked_in_at: dt.datetime | None = None


@dataclass(frozen=True)
class AttendanceListData:
    """The activity the list belongs to and its attendees in check-in order."""

    header: DocHeader
    activity_title: str
    start: dt.datetime | None
    venue: str
    entries: tuple[AttendanceEntry, ...]
    landscape: bool | None = None  # None: landscape only when groups or residences are long
    recipients: tuple[str, ...] = ("Lưu: VT",)
    signer_title: str = "Người lập danh sách"
    signer_name: str = ""

    @property
    def wide(self) -> bool:
        """Whether the list is drawn on landscape pages."""
        if self.landscape is not None:
            return self.landscape
        return any(len(e.audience) > LONG_TEXT or len(e.residence) > LONG_TEXT for e in self.entries)


def entry_row(n: int, e: AttendanceEntry) -> list[str]:
    """One row as text: STT, name, year, group, residence, phone, time, an empty cell to sign."""
    return [str(n), nfc(e.full_name), str(e.birth_year or ""), nfc(e.audience), nfc(e.residence),
            nfc(e.phone), fmt_time(e.checked_in_at) if e.checked_in_at else "", ""]


# Name, group and residence may wrap: split into lines here and drawn as plain strings, which is
# several times faster than a Paragraph per cell on a 1,000-row list.
WRAPPED = (1, 3, 4)
PADDING = 6


def _list_table(entries: Sequence[AttendanceEntry], widths: list[float]) -> Table:
    """The attendee grid: the header row repeats on every page; only long cells are Paragraphs."""
    st = styles()
    head = [Paragraph(c, st["cell_bold"]) for c in COLUMNS]
    cell = st["cell"]
    data = [head]
    for i, e in enumerate(entries, 1):
        row: list = entry_row(i, e)
        for c in WRAPPED:
            if stringWidth(row[c], cell.fontName, cell.fontSize) > widths[c] - PADDING:
                row[c] = "\n".join(simpleSplit(row[c], cell.fontName, cell.fontSize, widths[c] - PADDING))
        data.append(row)
    return Table(
        data,
        colWidths=widths,
        repeatRows=1,
        hAlign="CENTER",
        style=TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), cell.fontName),
            ("FONTSIZE", (0, 0), (-1, -1), cell.fontSize),
            ("LEADING", (0, 0), (-1, -1), cell.leading),
            ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOR),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (0, 1), (0, -1), "CENTER"),
            ("ALIGN", (2, 1), (2, -1), "CENTER"),
            ("ALIGN", (5, 1), (6, -1), "CENTER"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
        ]),
    )


def build_attendance_list(data: AttendanceListData) -> bytes:
    """Draw the attendance list (landscape when needed) and return the PDF bytes."""
    width = content_width(data.wide)
    unit = width / sum(WEIGHTS)
    widths = [w * unit for w in WEIGHTS]
    when = f"{fmt_time(data.start)} ngày {fmt_date(data.start)}" if data.start else "—"
    body: list[Flowable] = [
        field("Hoạt động", data.activity_title),
        field("Thời gian", when),
        field("Địa điểm", data.venue or "—"),
        field("Tổng số người", fmt_int(len(data.entries))),
    ]
    if data.entries:
        body.append(_list_table(data.entries, widths))
    else:
        body.append(para("Chưa có người điểm danh.", "note"))
    return build_pdf(
        data.header,
        TITLE,
        body,
        subtitle=nfc(data.activity_title),
        recipients=data.recipients,
        signer_title=data.signer_title,
        signer_name=data.signer_name,
        landscape=data.wide,
        repeat_header_note=f"{TITLE} — {nfc(data.activity_title)}",
    )
