"""Excel of the register, of one task's matrix and of the progress table (data first, then drawing; bytes out).

Every cell is the status word the page shows (`pages` rows), coloured as in the campaign matrix.
"""

import io

from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from app.campaigns.exports import STATUS_FILLS
from app.compliance.engine import TASK_STATUS_LABELS_VI
from app.formatting import fmt_date
from app.tasks.pages import missing

FILLS = {**STATUS_FILLS, "upcoming": "FFFFFF"}


def _text(value):
    """No cell starts a formula: text typed by users (titles) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _book(title: str, heading: str, header: list[str], widths: list[int]):
    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append([heading])
    ws["A1"].font = Font(bold=True)
    ws.append(header)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for i, width in enumerate(widths):
        ws.column_dimensions[ws.cell(2, i + 1).column_letter].width = width
    ws.freeze_panes = "A3"
    return wb, ws


def _bytes(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def register_xlsx(plan, sections, as_of) -> bytes:
    """The register: one line per task × period × unit, with status and what is missing until when (Vietnamese,
    as every document of the app, whatever the language of the page it was asked from)."""
    with force_locale("vi"):
        return _register_xlsx(plan, sections, as_of)


def _register_xlsx(plan, sections, as_of) -> bytes:
    wb, ws = _book("Danh mục", f"{plan.title} — tình hình tại ngày {fmt_date(as_of)}",
                   ["Mục", "TT", "Nội dung công việc", "Cơ quan chủ trì", "Sản phẩm", "Thời gian", "Kỳ", "Đơn vị",
                    "Hạn", "Trạng thái", "Ghi chú"], [6, 5, 60, 24, 30, 20, 18, 10, 12, 18, 40])
    for code, _title, lines in sections:
        for line in lines:
            t = line.task
            for i in line.instances:
                ws.append([code, t.no, t.text, t.lead_text, t.product, t.time_text, i.period.label, i.unit_code,
                           fmt_date(i.period.end), TASK_STATUS_LABELS_VI[i.status], missing(i, as_of)])
                ws.cell(ws.max_row, 10).fill = PatternFill("solid", fgColor=FILLS[i.status])
    return _bytes(wb)


def task_xlsx(task, row, as_of) -> bytes:
    """One task: units down, periods across, each cell the status word."""
    keys = sorted({i.period for i in row.instances}, key=lambda p: (p.end or p.start, p.key))
    wb, ws = _book("Nhiệm vụ", f"{task.label}. {task.text} — tình hình tại ngày {fmt_date(as_of)}",
                   ["Đơn vị", *[p.label for p in keys]], [12, *[18] * len(keys)])
    cells = {(i.unit_code, i.period.key): i for i in row.instances}
    for unit in sorted({i.unit_code for i in row.instances}):
        ws.append([unit, *[TASK_STATUS_LABELS_VI[cells[(unit, p.key)].status] if (unit, p.key) in cells else ""
                           for p in keys]])
        for col, p in enumerate(keys, 2):
            if (unit, p.key) in cells:
                ws.cell(ws.max_row, col).fill = PatternFill("solid", fgColor=FILLS[cells[(unit, p.key)].status])
    return _bytes(wb)


def progress_xlsx(plan, rows, as_of, year) -> bytes:
    """Agency × task for the year: completed over due per task, and the agency's rate."""
    wb, ws = _book("Tiến độ", f"{plan.title} — tiến độ năm {year}, tại ngày {fmt_date(as_of)}",
                   ["Mã", "Cơ quan", "Nhiệm vụ", "Hoàn thành", "Đến hạn", "Quá hạn", "Tỷ lệ"],
                   [10, 36, 10, 12, 10, 10, 10])
    for row in rows:
        for task, counts in row.cells:
            ws.append([row.agency.code, row.agency.name, task.label, counts["completed"], counts["rated"],
                       counts["overdue"], round(counts["completed_rate"], 4)])
        ws.append([row.agency.code, row.agency.name, "Cộng", row.completed, row.rated, "", round(row.rate, 4)])
        ws.cell(ws.max_row, 3).font = Font(bold=True)
    return _bytes(wb)
