"""Báo cáo tiến độ thực hiện nhiệm vụ (issue 17) for the Steering Committee: the plan's tasks by agency and
by section for a year, and what is overdue — data first (from the evaluated register), then drawing."""

import datetime as dt
from dataclasses import dataclass

from reportlab.lib.units import mm

from app.formatting import fmt_percent
from app.reports.common import city_header, section
from app.reports.frame import DocHeader, build_pdf, content_width, para, table
from app.reports.text import fmt_date, fmt_int


@dataclass(frozen=True)
class ProgressLine:
    """A lead unit (or a section): completed over due, and how many are overdue."""

    name: str
    completed: int
    rated: int
    overdue: int


@dataclass(frozen=True)
class OverdueTask:
    """An overdue instance: the task's number and text, the unit, the period and its due date."""

    label: str
    text: str
    unit: str
    period: str
    due: dt.date | None


@dataclass(frozen=True)
class TaskProgressData:
    """Everything the report prints."""

    header: DocHeader
    plan_title: str
    year: int
    as_of: dt.date
    completed: int
    rated: int
    done: int
    agencies: tuple[ProgressLine, ...]
    sections: tuple[ProgressLine, ...]
    overdue: tuple[OverdueTask, ...]
    recipients: tuple[str, ...] = ("Ban Chỉ đạo thành phố (để b/c)", "Các sở, ngành, đoàn thể", "Lưu: VT")


def task_progress_data(plan, tasks, register, progress_rows, section_counts, *, lead_office: str, place: str,
                       year: int, communes: dict[str, str], agencies: dict[str, str]) -> TaskProgressData:
    """Rows of the report from the register, the agency × task rows and the section counts."""
    by_id = {t.id: t for t in tasks}
    titles = dict(plan.sections or [])
    overdue = []
    for row in register.rows:
        task = by_id[row.task.id]
        for i in row.instances:
            if i.status == "overdue":
                unit = communes.get(i.unit_code) or agencies.get(i.unit_code) or i.unit_code
                overdue.append(OverdueTask(task.label, task.text, unit, i.period.label, i.period.end))
    commune_rows = [r for r in register.rows if by_id[r.task.id].lead_type == "communes"]
    lines = [ProgressLine(r.agency.name, r.completed, r.rated, sum(c["overdue"] for _, c in r.cells))
             for r in progress_rows]
    if commune_rows:
        lines.append(ProgressLine("UBND xã, phường, đặc khu (mọi đơn vị cấp xã)",
                                  sum(r.counts["completed"] for r in commune_rows),
                                  sum(r.counts["rated"] for r in commune_rows),
                                  sum(r.counts["overdue"] for r in commune_rows)))
    s = register.summary
    return TaskProgressData(
        header=city_header(lead_office, place, register.as_of),
        plan_title=plan.title, year=year, as_of=register.as_of, completed=s["completed"], rated=s["rated"],
        done=s["done"],
        agencies=tuple(lines),
        sections=tuple(ProgressLine(f"{code}. {titles.get(code, '')}", c["completed"], c["rated"], c["overdue"])
                       for code, c in section_counts),
        overdue=tuple(overdue))


def _rate(part: int, whole: int) -> str:
    return fmt_percent(part / whole) if whole else "—"


def _lines_table(lines, first: str, width):
    rows = [["STT", first, "Hoàn thành/đến hạn", "Tỷ lệ", "Quá hạn"]]
    rows += [[str(i), ln.name, f"{fmt_int(ln.completed)}/{fmt_int(ln.rated)}", _rate(ln.completed, ln.rated),
              fmt_int(ln.overdue)] for i, ln in enumerate(lines, 1)]
    return table(rows, [10 * mm, width - 84 * mm, 32 * mm, 22 * mm, 20 * mm], zebra=True,
                 align=["CENTER", "LEFT", "RIGHT", "RIGHT", "RIGHT"])


def build_task_progress(data: TaskProgressData, max_overdue: int = 200) -> bytes:
    """Draw the report in the ND 30/2020 frame and return the PDF bytes."""
    width = content_width()
    body = [
        para("Kính gửi: Ban Chỉ đạo thành phố", "body_center"),
        para(f"{data.header.issuer} báo cáo tiến độ thực hiện các nhiệm vụ của {data.plan_title}, năm {data.year}, "
             f"tính đến ngày {fmt_date(data.as_of)}:"),
        *section("I. TỶ LỆ HOÀN THÀNH"),
        para(f"Đã hoàn thành {fmt_int(data.completed)}/{fmt_int(data.rated)} kỳ nhiệm vụ đến hạn "
             f"({_rate(data.completed, data.rated)}), trong đó đúng hạn {fmt_int(data.done)} "
             f"({_rate(data.done, data.rated)})."),
        *section("II. THEO CƠ QUAN CHỦ TRÌ"),
        _lines_table(data.agencies, "Cơ quan, đơn vị", width),
        *section("III. THEO MỤC CỦA KẾ HOẠCH"),
        _lines_table(data.sections, "Mục", width),
        *section("IV. NHIỆM VỤ QUÁ HẠN"),
    ]
    if data.overdue:
        shown = data.overdue[:max_overdue]
        rows = [["STT", "Nhiệm vụ", "Đơn vị", "Kỳ", "Hạn"]]
        rows += [[str(i), f"{o.label}. {o.text}", o.unit, o.period, fmt_date(o.due)] for i, o in enumerate(shown, 1)]
        body.append(table(rows, [10 * mm, width - 100 * mm, 40 * mm, 30 * mm, 20 * mm], zebra=True,
                          align=["CENTER", "LEFT", "LEFT", "LEFT", "CENTER"]))
        if len(data.overdue) > len(shown):
            body.append(para(f"… và {fmt_int(len(data.overdue) - len(shown))} kỳ quá hạn khác (xem bảng Excel).",
                             "note"))
    else:
        body.append(para("Không có nhiệm vụ nào quá hạn.", "note"))
    return build_pdf(data.header, "Báo cáo", body, subtitle="Tiến độ thực hiện nhiệm vụ",
                     recipients=data.recipients, signer_title="Giám đốc")
