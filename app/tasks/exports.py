"""Excel of the register, of one task's matrix and of the progress table (data first, then drawing; bytes out).

Every cell is the status word the page shows (`pages` rows), coloured as in the campaign matrix. The workbooks
are written by `app/tabular.py` (a title line, a bold header, the formula guard on every cell).
"""

from flask_babel import force_locale

from app.campaigns.exports import STATUS_FILLS
from app.compliance.engine import TASK_STATUS_LABELS_VI
from app.formatting import fmt_date
from app.tabular import Sheet, xlsx_bytes
from app.tasks.pages import missing

FILLS = {**STATUS_FILLS, "upcoming": "FFFFFF"}


def register_xlsx(plan, sections, as_of) -> bytes:
    """The register: one line per task × period × unit, with status and what is missing until when (Vietnamese,
    as every document of the app, whatever the language of the page it was asked from)."""
    with force_locale("vi"):
        return _register_xlsx(plan, sections, as_of)


def _register_xlsx(plan, sections, as_of) -> bytes:
    rows, fills = [], []
    for code, _title, lines in sections:
        for line in lines:
            t = line.task
            for i in line.instances:
                rows.append([code, t.no, t.text, t.lead_text, t.product, t.time_text, i.period.label, i.unit_code,
                             fmt_date(i.period.end), TASK_STATUS_LABELS_VI[i.status], missing(i, as_of)])
                fills.append({9: FILLS[i.status]})
    return xlsx_bytes([Sheet(
        "Danh mục", ["Mục", "TT", "Nội dung công việc", "Cơ quan chủ trì", "Sản phẩm", "Thời gian", "Kỳ", "Đơn vị",
                     "Hạn", "Trạng thái", "Ghi chú"], rows, widths=[6, 5, 60, 24, 30, 20, 18, 10, 12, 18, 40],
        caption=f"{plan.title} — tình hình tại ngày {fmt_date(as_of)}", freeze="A3", fills=fills)])


def task_xlsx(task, row, as_of) -> bytes:
    """One task: units down, periods across, each cell the status word."""
    keys = sorted({i.period for i in row.instances}, key=lambda p: (p.end or p.start, p.key))
    cells = {(i.unit_code, i.period.key): i for i in row.instances}
    rows, fills = [], []
    for unit in sorted({i.unit_code for i in row.instances}):
        found = [cells.get((unit, p.key)) for p in keys]
        rows.append([unit, *[TASK_STATUS_LABELS_VI[i.status] if i else "" for i in found]])
        fills.append({col: FILLS[i.status] for col, i in enumerate(found, 1) if i})
    return xlsx_bytes([Sheet(
        "Nhiệm vụ", ["Đơn vị", *[p.label for p in keys]], rows, widths=[12, *[18] * len(keys)],
        caption=f"{task.label}. {task.text} — tình hình tại ngày {fmt_date(as_of)}", freeze="A3", fills=fills)])


def progress_xlsx(plan, rows, as_of, year) -> bytes:
    """Agency × task for the year: completed over due per task, and the agency's rate."""
    lines, bold = [], []
    for row in rows:
        for task, counts in row.cells:
            lines.append([row.agency.code, row.agency.name, task.label, counts["completed"], counts["rated"],
                          counts["overdue"], round(counts["completed_rate"], 4)])
            bold.append(())
        lines.append([row.agency.code, row.agency.name, "Cộng", row.completed, row.rated, "", round(row.rate, 4)])
        bold.append((2,))
    return xlsx_bytes([Sheet(
        "Tiến độ", ["Mã", "Cơ quan", "Nhiệm vụ", "Hoàn thành", "Đến hạn", "Quá hạn", "Tỷ lệ"], lines,
        widths=[10, 36, 10, 12, 10, 10, 10], caption=f"{plan.title} — tiến độ năm {year}, tại ngày {fmt_date(as_of)}",
        freeze="A3", bold=bold)])
