"""Matrix exports: Excel (coloured cells with the status word, a legend sheet) and CSV (UTF-8 BOM).

Data first (rows of plain values), then drawing; builders return bytes and the view sends them.
"""

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from app.compliance.engine import STATUS_LABELS_VI, STATUSES, CommuneRow, Matrix
from app.formatting import fmt_date

KIND_LABELS = {"phuong": "Phường", "xa": "Xã", "dac_khu": "Đặc khu"}
STATUS_FILLS = {"done": "C6EFCE", "late": "FFEB9C", "planned": "DDEBF7", "pending": "EDEDED", "overdue": "FFC7CE"}
STATUS_MEANINGS = {
    "done": "Có minh chứng đúng hạn",
    "late": "Có minh chứng nhưng sau khi hết hạn",
    "planned": "Chưa có minh chứng; đã có hoạt động kế hoạch phù hợp, còn hạn",
    "pending": "Chưa có minh chứng, còn hạn",
    "overdue": "Chưa có minh chứng và đã hết hạn",
}


def header(matrix: Matrix) -> list[str]:
    """Column titles: code, name, kind, one per duty, completed."""
    return ["Mã", "Đơn vị", "Loại", *[f"Nhiệm vụ {d.no}" for d in matrix.campaign.duties], "Hoàn thành"]


def rows(rows: list[CommuneRow]) -> list[list]:
    """One list per commune: code, name, kind label, the status word of each duty, done/total."""
    return [
        [row.commune.code, row.commune.name, KIND_LABELS.get(row.commune.kind, row.commune.kind),
         *[STATUS_LABELS_VI[c.status] for c in row.cells], f"{row.completed}/{row.total}"]
        for row in rows
    ]


def to_csv(matrix: Matrix, selected: list[CommuneRow]) -> bytes:
    """The matrix as CSV, UTF-8 with a BOM so that Excel reads Vietnamese correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header(matrix))
    writer.writerows(rows(selected))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(matrix: Matrix, selected: list[CommuneRow]) -> bytes:
    """The matrix as an Excel workbook: a coloured matrix sheet, a legend and the duties."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Ma trận"
    ws.append([f"{matrix.campaign.name} — tình hình tại ngày {fmt_date(matrix.as_of)}"])
    ws["A1"].font = Font(bold=True)
    ws.append(header(matrix))
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    first_duty_col = 4
    for data, row in zip(rows(selected), selected, strict=True):
        ws.append(data)
        r = ws.max_row
        for i, c in enumerate(row.cells):
            ws.cell(r, first_duty_col + i).fill = PatternFill("solid", fgColor=STATUS_FILLS[c.status])
    ws.freeze_panes = "D3"
    ws.column_dimensions["A"].width = 8
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 9
    for i in range(len(matrix.campaign.duties)):
        ws.column_dimensions[ws.cell(2, first_duty_col + i).column_letter].width = 18

    legend = wb.create_sheet("Chú giải")
    legend.append(["Trạng thái", "Ý nghĩa"])
    for status in STATUSES:
        legend.append([STATUS_LABELS_VI[status], STATUS_MEANINGS[status]])
        legend.cell(legend.max_row, 1).fill = PatternFill("solid", fgColor=STATUS_FILLS[status])
    legend.append([])
    legend.append(["Nhiệm vụ", "Nội dung", "Từ ngày", "Hạn cuối"])
    for d in matrix.campaign.duties:
        legend.append([f"Nhiệm vụ {d.no}", d.text, fmt_date(d.window_start), fmt_date(d.window_end)])
    for cell in (legend[1][0], legend[1][1]):
        cell.font = Font(bold=True)
    legend.column_dimensions["A"].width = 20
    legend.column_dimensions["B"].width = 90
    legend.column_dimensions["C"].width = 12
    legend.column_dimensions["D"].width = 12
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
