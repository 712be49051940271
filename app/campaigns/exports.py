"""Matrix exports: Excel (coloured cells with the status word, a legend sheet) and CSV, through `app.tabular`.

Data first (rows of plain values), then drawing; builders return bytes and the view sends them.
"""

from app.compliance.engine import STATUS_LABELS_VI, STATUSES, CommuneRow, Matrix
from app.formatting import fmt_date
from app.tabular import Sheet, csv_bytes, xlsx_bytes

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


def sheets(matrix: Matrix, selected: list[CommuneRow]) -> list[Sheet]:
    """The matrix sheet (status words, coloured cells) and the legend with the duties, for `app.tabular`."""
    first_duty_col = 3
    fills = [{first_duty_col + i: STATUS_FILLS[c.status] for i, c in enumerate(row.cells)} for row in selected]
    matrix_sheet = Sheet("Ma trận", header(matrix), rows(selected), freeze="D3", fills=fills,
                         caption=f"{matrix.campaign.name} — tình hình tại ngày {fmt_date(matrix.as_of)}",
                         widths=(8, 30, 9, *(18,) * len(matrix.campaign.duties)))
    legend_rows = [[STATUS_LABELS_VI[status], STATUS_MEANINGS[status]] for status in STATUSES]
    legend_rows += [[], ["Nhiệm vụ", "Nội dung", "Từ ngày", "Hạn cuối"]]
    legend_rows += [[f"Nhiệm vụ {d.no}", d.text, fmt_date(d.window_start), fmt_date(d.window_end)]
                    for d in matrix.campaign.duties]
    legend = Sheet("Chú giải", ["Trạng thái", "Ý nghĩa"], legend_rows, widths=(20, 90, 12, 12), freeze=None,
                   fills=[{0: STATUS_FILLS[status]} for status in STATUSES])
    return [matrix_sheet, legend]


def to_csv(matrix: Matrix, selected: list[CommuneRow]) -> bytes:
    """The matrix as CSV, UTF-8 with a BOM so that Excel reads Vietnamese correctly."""
    return csv_bytes(header(matrix), rows(selected))


def to_xlsx(matrix: Matrix, selected: list[CommuneRow]) -> bytes:
    """The matrix as an Excel workbook: a coloured matrix sheet, a legend and the duties."""
    return xlsx_bytes(sheets(matrix, selected))
